"""A Kong declarative configuration (a decK file) as one api of the model.

Services become backends, each route path and method a route (see paths.py), and the
plugins that apic's model can say become its settings: key-auth, basic-auth and
openid-connect (with an issuer) become authorizers, rate-limiting a route throttle, cors a
CORS policy. Everything else is reported where it is written: IM001 as a warning when
leaving it out makes the gateway route a little more or less, as an error when it would
open what Kong closes (an authentication or access plugin apic cannot carry, a consumer
that stands in for the anonymous), so an import never makes an API less protected.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult, mapping, read_source
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.frontends.kong.paths import convert
from apic.compiler.frontends.openapi.yamlindex import escape, load_yaml
from apic.compiler.model import (
    EXPLICIT_METHODS,
    Api,
    ApiKind,
    AuthKind,
    Authorizer,
    AuthorizerType,
    AuthRequirement,
    Backend,
    BackendType,
    CorsPolicy,
    Duration,
    ForwardMapping,
    GatewayModel,
    HttpMethod,
    ParamSource,
    Rate,
    Route,
    SourceKind,
    Throttle,
)
from apic.compiler.source import SourceFile, Span

KONG_DEFAULT_TIMEOUT_MS = 60_000
DEFAULT_PORTS = {"http": 80, "https": 443}
WINDOWS = {"second": "s", "minute": "min", "hour": "hour", "day": "day", "month": "month"}
# plugins that decide who may call: one apic cannot carry is an error, never a silent opening
ACCESS_PLUGINS = {
    "acl",
    "basic-auth",
    "bot-detection",
    "hmac-auth",
    "ip-restriction",
    "jwt",
    "jwt-signer",
    "key-auth",
    "key-auth-enc",
    "ldap-auth",
    "ldap-auth-advanced",
    "mtls-auth",
    "oauth2",
    "oauth2-introspection",
    "opa",
    "openid-connect",
    "request-termination",
    "session",
    "vault-auth",
}
# a Lambda function's name or ARN, as the Lambda API reference gives its FunctionName pattern
LAMBDA_FUNCTION = re.compile(
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
    r"([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
)
# plugins that answer or turn away requests with code of their own (Lua, a cloud function):
# left out, the imported routes would send to the Service what they never reached
REPLACING_PLUGINS = {
    "azure-functions": "answers the requests with an Azure Function instead of the upstream",
    "openwhisk": "answers the requests with an OpenWhisk action instead of the upstream",
    "pre-function": "runs Lua code of its own before proxying, which may answer, redirect or refuse requests",
    "post-function": "runs Lua code of its own, which may answer, redirect or refuse requests",
    "serverless-functions": "runs Lua code of its own, which may answer, redirect or refuse requests",
}
CARRIED = {
    "key-auth",
    "basic-auth",
    "openid-connect",
    "rate-limiting",
    "cors",
    "request-transformer",
    "correlation-id",
}
# request-transformer templates apic reads back: `$(uri_captures["id"])` and the like
TEMPLATE = re.compile(r'\$\((uri_captures|query_params|headers)(?:\["([^"\]]+)"\]|\.([A-Za-z0-9_-]+))\)')
TEMPLATE_SOURCES = {
    "uri_captures": SourceKind.PATH,
    "query_params": SourceKind.QUERY,
    "headers": SourceKind.HEADER,
}
# route fields that narrow which requests match: left out, the route matches more
NARROWING = ("hosts", "headers", "snis", "sources", "destinations")
OPENS = "apic cannot say whom this plugin lets in; the import stops rather than open the route"
KNOWN_KEYS = {
    "_format_version",
    "_transform",
    "_info",
    "services",
    "routes",
    "plugins",
    "consumers",
    "upstreams",
}


class Spans(Protocol):
    """Where a JSON Pointer's value and key are: a file's PointerIndex, or the Kubernetes
    frontend's stream of documents."""

    def span(self, pointer: str) -> Span: ...

    def key_span(self, pointer: str) -> Span: ...


@dataclass
class Plugin:
    name: str
    config: dict[str, Any]
    pointer: str
    enabled: bool = True


@dataclass
class Service:
    name: str
    pointer: str
    backend: str | None
    path: str | None
    plugins: dict[str, Plugin] = field(default_factory=dict)


def load_kong(path: Path, options: LoadOptions | None = None, text: str | None = None) -> LoadResult:
    source, diagnostics = read_source(path, options or LoadOptions(), text)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return LoadResult(None, diagnostics, [source])
    loaded = load_yaml(source, source.text.encode("utf-8"))
    diagnostics.extend(loaded.diagnostics)
    if loaded.value is None or any(d.severity is Severity.ERROR for d in diagnostics):
        return LoadResult(None, sort_unique(diagnostics), [source])
    value = loaded.value
    if not isinstance(value, dict) or not ({"services", "routes", "_format_version"} & set(value)):
        diagnostics.append(
            codes.UNSUPPORTED_IMPORT(
                source.whole(),
                f"`{path.name}` is not a Kong declarative configuration: it has no `_format_version`, "
                "`services` or `routes`",
            )
        )
        return LoadResult(None, sort_unique(diagnostics), [source])
    lowerer = KongLowerer(value, loaded.index, source, path.stem)
    model = lowerer.lower()
    diagnostics.extend(lowerer.diagnostics)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    return LoadResult(None if failed else model, sort_unique(diagnostics), [source])


class KongLowerer:
    def __init__(self, document: dict[str, Any], spans: Spans, source: SourceFile, name: str) -> None:
        self.document = document
        self.spans = spans
        self.source = source
        self.name = name
        self.diagnostics: list[Diagnostic] = []
        self.kong2 = str(document.get("_format_version", "3.0")).startswith(("1.", "2."))
        self.backends: dict[str, Backend] = {}
        self.routes: dict[tuple[tuple[HttpMethod, ...], str], Route] = {}
        self.taken: set[tuple[HttpMethod, str]] = set()
        self.said: set[str] = set()
        self.authorizers: dict[str, Authorizer] = {}
        self.policies: dict[tuple[Any, ...], CorsPolicy] = {}
        self.services: dict[str, Service] = {}
        self.global_plugins: dict[str, Plugin] = {}
        self.route_plugins: dict[str, dict[str, Plugin]] = {}
        # top-level plugins for a service, by its name or id, until the service is read
        self.pending_service_plugins: dict[str, dict[str, Plugin]] = {}
        self.upstreams: dict[str, dict[str, Any]] = {}
        self.region: str | None = None  # of the Lambda functions named without an ARN

    # -- places and reports --------------------------------------------------------------
    def span(self, pointer: str) -> Span:
        return self.spans.span(pointer)

    def key_span(self, pointer: str) -> Span:
        return self.spans.key_span(pointer)

    def not_carried(
        self, pointer: str, message: str, *, error: bool = False, help: str | None = None
    ) -> None:
        self.diagnostics.append(
            codes.NOT_CARRIED(
                self.key_span(pointer) if pointer else self.source.whole(),
                message,
                severity=Severity.ERROR if error else None,
                help=help,
            )
        )

    # -- the file ------------------------------------------------------------------------
    def lower(self) -> GatewayModel:
        for key in sorted(set(self.document) - KNOWN_KEYS):
            self.not_carried(f"/{escape(key)}", f"`{key}` entities are not carried into `.gw`")
        self.upstreams = {
            u.get("name"): u for u in self.list_at("/upstreams") if isinstance(u, dict) and u.get("name")
        }
        for n, plugin in enumerate(self.list_at("/plugins")):
            self.top_level_plugin(plugin, f"/plugins/{n}")
        for n, service in enumerate(self.list_at("/services")):
            self.service(service, f"/services/{n}")
        for n, route in enumerate(self.list_at("/routes")):
            self.top_level_route(route, f"/routes/{n}")
        if self.list_at("/consumers"):
            self.not_carried(
                "/consumers",
                "consumers and their credentials are not carried into `.gw` (keys do not belong in a "
                "source file); the routes keep their key checks",
                help='declare consumers in the api with `api_key = env("…")`',
            )
        # in the model's order (the `.gw` and OpenAPI frontends give the same): routes by path
        # and method, named things by name
        api = Api(
            name=self.name,
            kind=ApiKind.REST,
            region=self.region,
            routes=tuple(
                sorted(self.routes.values(), key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods]))
            ),
            backends=tuple(sorted(self.backends.values(), key=lambda b: b.name)),
            authorizers=tuple(sorted(self.authorizers.values(), key=lambda a: a.name)),
            cors=tuple(sorted(self.policies.values(), key=lambda c: c.name or "")),
            span=self.source.whole(),
        )
        return GatewayModel(apis=(api,))

    def entries(self, value: dict[str, Any], key: str, pointer: str) -> list[Any]:
        """`value[key]` when it is a list; anything else is reported and read as none."""
        found = value.get(key)
        if found is None:
            return []
        if not isinstance(found, list):
            self.not_carried(f"{pointer}/{escape(key)}", f"`{key}` is not a list; it is not read", error=True)
            return []
        return found

    def list_at(self, pointer: str) -> list[Any]:
        value = self.document.get(pointer.strip("/"))
        if value is None:
            return []
        if not isinstance(value, list):
            self.not_carried(pointer, f"`{pointer.strip('/')}` is not a list", error=True)
            return []
        return value

    # -- plugins -------------------------------------------------------------------------
    def plugin(self, value: Any, pointer: str) -> Plugin | None:
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            self.not_carried(pointer, "a plugin without a name", error=True)
            return None
        config = value.get("config") if isinstance(value.get("config"), dict) else {}
        return Plugin(value["name"], config, pointer, value.get("enabled", True) is not False)

    def top_level_plugin(self, value: Any, pointer: str) -> None:
        plugin = self.plugin(value, pointer)
        if plugin is None:
            return
        if isinstance(value, dict) and value.get("consumer") is not None:
            self.not_carried(
                pointer,
                f"plugin `{plugin.name}` for one consumer is not carried",
                error=plugin.name in ACCESS_PLUGINS,
            )
            return
        target_route = value.get("route") if isinstance(value, dict) else None
        target_service = value.get("service") if isinstance(value, dict) else None
        if target_route is not None:
            self.route_plugins.setdefault(_reference(target_route), {})[plugin.name] = plugin
        elif target_service is not None:
            self.pending_service_plugins.setdefault(_reference(target_service), {})[plugin.name] = plugin
        else:
            self.global_plugins[plugin.name] = plugin

    # -- services ------------------------------------------------------------------------
    def service(self, value: Any, pointer: str) -> None:
        if not isinstance(value, dict):
            self.not_carried(pointer, "a service that is not a mapping", error=True)
            return
        name = str(value.get("name") or value.get("id") or f"service-{pointer.rsplit('/', 1)[-1]}")
        backend, service_path = self.backend(value, pointer, name)
        service = Service(name, pointer, backend, service_path)
        for n, plugin_value in enumerate(self.entries(value, "plugins", pointer)):
            plugin = self.plugin(plugin_value, f"{pointer}/plugins/{n}")
            if plugin is not None:
                service.plugins[plugin.name] = plugin
        for key in (name, str(value.get("id", ""))):
            if key:
                service.plugins = {**self.pending_service_plugins.get(key, {}), **service.plugins}
                self.services[key] = service
        for n, route in enumerate(self.entries(value, "routes", pointer)):
            self.route(route, f"{pointer}/routes/{n}", service)

    def backend(self, value: dict[str, Any], pointer: str, name: str) -> tuple[str | None, str | None]:
        """The backend a service stands for, and the path its requests are sent under."""
        parts = {k: value.get(k) for k in ("protocol", "host", "port", "path")}
        if isinstance(value.get("url"), str):
            url = urllib.parse.urlsplit(value["url"])
            parts = {"protocol": url.scheme, "host": url.hostname, "port": url.port, "path": url.path or None}
        protocol = str(parts["protocol"] or "http")
        if protocol not in ("http", "https"):
            self.not_carried(
                f"{pointer}/protocol" if "protocol" in value else pointer,
                f"service `{name}` speaks `{protocol}`; `.gw` backends are http(s): its routes are "
                "not carried",
            )
            return None, None
        host = parts["host"]
        if not isinstance(host, str) or not host:
            self.not_carried(
                pointer, f"service `{name}` has no host: its routes are not carried", error=False
            )
            return None, None
        port = parts["port"] if isinstance(parts["port"], int) else DEFAULT_PORTS[protocol]
        if host in self.upstreams:
            host, port = self.upstream_target(host, port, pointer, name)
        netloc = host if port == DEFAULT_PORTS[protocol] else f"{host}:{port}"
        timeout = value.get("read_timeout")
        for other in ("connect_timeout", "write_timeout", "retries", "client_certificate", "ca_certificates"):
            if other in value and not _default(other, value[other]):
                self.not_carried(f"{pointer}/{other}", f"service `{name}`: `{other}` is not carried")
        backend = Backend(
            name=name,
            url=f"{protocol}://{netloc}",
            timeout=Duration(milliseconds=timeout)
            if isinstance(timeout, int) and timeout != KONG_DEFAULT_TIMEOUT_MS
            else None,
            tls_verify=value["tls_verify"] if isinstance(value.get("tls_verify"), bool) else None,
            span=self.span(pointer),
            field_spans={"url": self.span(pointer)},
        )
        self.backends[name] = backend
        path = parts["path"] if isinstance(parts["path"], str) and parts["path"] not in ("", "/") else None
        return name, path

    def upstream_target(self, host: str, port: int, pointer: str, name: str) -> tuple[str, int]:
        upstream = self.upstreams[host]
        listed = upstream.get("targets")
        targets = [t.get("target") for t in listed if isinstance(t, dict)] if isinstance(listed, list) else []
        first = next((t for t in targets if isinstance(t, str)), None)
        if first is None:
            self.not_carried(pointer, f"service `{name}` names upstream `{host}`, which has no targets")
            return host, port
        target_host, _, target_port = first.rpartition(":") if ":" in first else (first, "", "")
        self.not_carried(
            pointer,
            f"service `{name}` balances over upstream `{host}`; only its first target `{first}` is carried"
            + ("" if len(targets) == 1 else f" (of {len(targets)})"),
        )
        return target_host, int(target_port) if target_port.isdigit() else 8000

    # -- routes --------------------------------------------------------------------------
    def top_level_route(self, value: Any, pointer: str) -> None:
        reference = value.get("service") if isinstance(value, dict) else None
        service = self.services.get(_reference(reference)) if reference is not None else None
        # without a service only a plugin such as aws-lambda answers; route() says if none does
        self.route(value, pointer, service or Service("", pointer, None, None))

    def route(self, value: Any, pointer: str, service: Service) -> None:
        if not isinstance(value, dict):
            self.not_carried(pointer, "a route that is not a mapping", error=True)
            return
        label = str(value.get("name") or value.get("id") or pointer)
        plugins = {
            **self.global_plugins,
            **service.plugins,
            **self.route_plugins.get(label, {}),
            **self.route_plugins.get(str(value.get("id", "")), {}),
        }
        for n, plugin_value in enumerate(self.entries(value, "plugins", pointer)):
            plugin = self.plugin(plugin_value, f"{pointer}/plugins/{n}")
            if plugin is not None:
                plugins[plugin.name] = plugin
        function = plugins.pop("aws-lambda", None)
        if function is not None and function.enabled:
            backend = self.lambda_backend(function, label)
            if backend is None:
                return  # said, as an error
            service = Service(service.name, service.pointer, backend, None, service.plugins)
        elif service.backend is None:
            if not service.name:
                self.not_carried(pointer, "a route without a known service is not carried (Kong answers 503)")
            return  # otherwise its service was not carried, and said so
        for key in NARROWING:
            if value.get(key):
                self.not_carried(
                    f"{pointer}/{key}",
                    f"route `{label}`: `{key}` is not carried; the imported routes match any {key[:-1]}",
                )
        protocols = self.entries(value, "protocols", pointer) or ["http", "https"]
        if not set(protocols) <= {"http", "https"}:
            self.not_carried(f"{pointer}/protocols", f"route `{label}` speaks {protocols}: not carried")
            return
        methods = self.methods(value, pointer, label)
        if methods is None:
            return
        settings = self.settings(plugins, label)
        if settings is None:
            return
        strip = value.get("strip_path", True) is not False
        tags = {str(t): "" for t in self.entries(value, "tags", pointer)} or None
        paths = self.entries(value, "paths", pointer) or ["/"]
        for n, kong_path in enumerate(paths):
            where = f"{pointer}/paths/{n}" if value.get("paths") else pointer
            if not isinstance(kong_path, str):
                self.not_carried(where, f"route `{label}`: a path that is not text", error=True)
                continue
            converted = convert(kong_path, self.kong2)
            if converted.problem:
                self.not_carried(where, f"route `{label}`: {converted.problem}; not carried")
                continue
            for note in converted.notes:
                self.not_carried(where, f"route `{label}`: {note}")
            one = len(paths) == 1 and len(converted.templates) == 1
            for template in converted.templates:
                upstream = self.upstream_path(template, kong_path, converted.regex, strip, service.path)
                self.add_route(
                    methods,
                    template,
                    service,
                    upstream,
                    settings,
                    where,
                    label,
                    operation_id=str(value["name"]) if one and isinstance(value.get("name"), str) else None,
                    tags=tags,
                )

    def methods(self, value: dict[str, Any], pointer: str, label: str) -> tuple[HttpMethod, ...] | None:
        given = self.entries(value, "methods", pointer)
        if not given and value.get("methods") not in (None, []):
            return None  # not a list: said by entries()
        return self.method_list(given, f"{pointer}/methods", f"route `{label}`")

    def method_list(self, given: list[Any], where: str, label: str) -> tuple[HttpMethod, ...] | None:
        """A Kong route's methods: none, or all seven (how apic's Kong targets write it), is
        ANY; a method apic does not know is said and left out, and a route left with none is
        not carried (None), since it matches only methods the model has no word for."""
        if not given:
            return (HttpMethod.ANY,)
        found = []
        for method in given:
            known = HttpMethod.__members__.get(str(method).upper())
            if known is None or known is HttpMethod.ANY:
                self.not_carried(where, f"{label}: method `{method}` is not carried")
                continue
            found.append(known)
        if set(found) == EXPLICIT_METHODS:
            return (HttpMethod.ANY,)
        return tuple(sorted(dict.fromkeys(found), key=METHOD_ORDER.__getitem__)) or None

    def upstream_path(
        self, template: str, kong_path: str, regex: bool, strip: bool, service_path: str | None
    ) -> str | None:
        """The path the backend is sent, as a template: Kong's `path_handling: v0` join of
        the service path and what the route leaves of the request path."""
        if strip:
            if regex:
                remainder = "/"  # the whole match is stripped
            else:
                prefix = kong_path.rstrip("/")
                remainder = template[len(prefix) :] or "/"
        else:
            remainder = template
        base = service_path or "/"
        if base.endswith("/"):
            joined = base[:-1] + remainder if remainder.startswith("/") else base + remainder
        else:
            joined = base if remainder == "/" else base + remainder
        return None if joined == template else joined

    def add_route(
        self,
        methods: tuple[HttpMethod, ...],
        template: str,
        service: Service,
        upstream: str | None,
        settings: dict[str, Any],
        where: str,
        label: str,
        operation_id: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        taken = [m for m in methods if (m, template) in self.taken]
        if taken:
            # an earlier route takes these methods of the path (Kong tries routes in order of
            # regex_priority, then as written); this one keeps the others
            self.not_carried(
                where,
                f"route `{label}`: `{' '.join(m.value for m in taken)} {template}` is routed by an earlier "
                "route already; "
                + ("not carried" if len(taken) == len(methods) else "the route keeps the others"),
            )
            methods = tuple(m for m in methods if m not in taken)
            if not methods:
                return
        key = (methods, template)
        self.taken.update((m, template) for m in methods)
        settings = dict(settings)
        if "upstream_path" in settings:  # request-transformer's `replace.uri`: the whole path
            replaced = settings.pop("upstream_path")
            upstream = None if replaced == template else replaced
        self.routes[key] = Route(
            methods=methods,
            path=template,
            backend=service.backend,
            upstream_path=upstream,
            operation_id=operation_id,
            tags=tags,
            span=self.span(where),
            field_spans={"path": self.span(where), "methods": self.span(where)},
            **settings,
        )

    # -- what plugins say ----------------------------------------------------------------
    def settings(self, plugins: dict[str, Plugin], label: str) -> dict[str, Any] | None:
        """Route fields from the effective plugins (route over service over global), or None
        when an access plugin cannot be carried (reported as an error)."""
        requirements: list[AuthRequirement] = []
        settings: dict[str, Any] = {}
        failed = False  # every plugin is read, so that each one that cannot be carried is said
        for name in sorted(plugins):
            plugin = plugins[name]
            if not plugin.enabled:
                continue
            if plugin.config.get("anonymous"):
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: `{name}` lets failed requests through as consumer "
                    f"`{plugin.config['anonymous']}`; apic cannot carry which routes accept it",
                    error=True,
                )
                failed = True
                continue
            if name == "key-auth":
                requirements.append(self.key_auth(plugin))
            elif name == "basic-auth":
                basic = Authorizer(
                    name="basic-auth", type=AuthorizerType.BASIC, span=self.span(plugin.pointer)
                )
                requirements.append(self.named(basic))
            elif name == "openid-connect":
                found = self.openid_connect(plugin, label)
                if found is None:
                    failed = True
                    continue
                requirements.append(found)
            elif name == "rate-limiting":
                throttle = self.throttle(plugin, label)
                if throttle is not None:
                    settings["throttle"] = throttle
            elif name == "cors":
                settings["cors"] = self.cors(plugin)
            elif name == "request-transformer":
                settings.update(self.request_transformer(plugin, label))
            elif name == "correlation-id":
                header = plugin.config.get("header_name", "Kong-Request-ID")
                mapping = ForwardMapping(
                    location=SourceKind.HEADER,
                    name=str(header),
                    source=ParamSource(kind=SourceKind.CONTEXT, name="requestId"),
                    span=self.span(plugin.pointer),
                )
                settings["forward"] = tuple(
                    sorted((*settings.get("forward", ()), mapping), key=lambda m: (m.location, m.name))
                )
            else:
                stops = name in ACCESS_PLUGINS or name in REPLACING_PLUGINS
                if plugin.pointer not in self.said:  # a service's or global plugin: once, where written
                    self.said.add(plugin.pointer)
                    self.not_carried(
                        plugin.pointer,
                        f"plugin `{name}` "
                        + (f"{REPLACING_PLUGINS[name]}; " if name in REPLACING_PLUGINS else "is ")
                        + (
                            "it is not carried, and the import stops"
                            if name in REPLACING_PLUGINS
                            else "not carried"
                        ),
                        error=stops,
                        help=OPENS if name in ACCESS_PLUGINS else None,
                    )
                if stops:
                    failed = True
                    continue
        if failed:
            return None
        if requirements:
            settings["auth"] = (tuple(requirements),)
        return settings

    def request_transformer(self, plugin: Plugin, label: str) -> dict[str, Any]:
        """`replace.uri` as the upstream path, headers and query parameters it adds as
        `forward` mappings (set, as apic writes them: removed first, then added); anything
        else it does is reported."""
        config = plugin.config
        found: dict[str, Any] = {}
        forward: list[ForwardMapping] = []
        uri = mapping(config.get("replace")).get("uri")
        if isinstance(uri, str) and uri:
            path = TEMPLATE.sub(
                lambda m: (
                    "{" + (m.group(2) or m.group(3)) + "}" if m.group(1) == "uri_captures" else m.group(0)
                ),
                uri,
            )
            if "$(" in path:
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: request-transformer `replace.uri` `{uri}` is not carried",
                )
            else:
                found["upstream_path"] = path
        add = mapping(config.get("add"))
        for key, location in (("headers", SourceKind.HEADER), ("querystring", SourceKind.QUERY)):
            for entry in _strings(add.get(key)):
                name, _, value = entry.partition(":")
                source = self.template_source(value)
                if not name or source is None:
                    self.not_carried(
                        plugin.pointer, f"route `{label}`: request-transformer adds `{entry}`; not carried"
                    )
                    continue
                forward.append(
                    ForwardMapping(
                        location=location, name=name, source=source, span=self.span(plugin.pointer)
                    )
                )
        removed = {n.lower() for n in _strings(mapping(config.get("remove")).get("headers"))}
        added = {m.name.lower() for m in forward if m.location is SourceKind.HEADER}
        unread = {
            section: sorted(
                k for k, v in mapping(config.get(section)).items() if v and (section, k) not in READ_PARTS
            )
            for section in ("remove", "rename", "replace", "add", "append")
            if isinstance(config.get(section), dict)
        }
        for section in ("remove", "rename", "replace", "add", "append"):
            if config.get(section) is not None and not isinstance(config.get(section), dict):
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: request-transformer `{section}` is not a mapping (Kong's schema wants "
                    "one); not read",
                )
        if removed - added:
            unread.setdefault("remove", []).append("headers")
        for name in sorted(added - removed):
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: request-transformer adds header `{name}` only when the client sent none; "
                "the imported `forward` always sets it",
            )
        for section, keys in sorted(unread.items()):
            for key in keys:
                self.not_carried(
                    plugin.pointer, f"route `{label}`: request-transformer `{section}.{key}` is not carried"
                )
        if forward:
            found["forward"] = tuple(sorted(forward, key=lambda m: (m.location, m.name)))
        return found

    @staticmethod
    def template_source(value: str) -> ParamSource | None:
        """What a request-transformer value reads: a template of a whole capture, query
        parameter or header, or a fixed value."""
        match = TEMPLATE.fullmatch(value)
        if match is not None:
            return ParamSource(kind=TEMPLATE_SOURCES[match.group(1)], name=match.group(2) or match.group(3))
        return None if "$(" in value else ParamSource(kind=SourceKind.STATIC, name=value)

    def lambda_backend(self, plugin: Plugin, label: str) -> str | None:
        """The Lambda backend aws-lambda invokes in the upstream's place (as apic's Kong
        targets write it: the function's ARN or name, its region, API Gateway's event), or
        None when the plugin names no function (an error: the requests would go elsewhere)."""
        config = plugin.config
        function = config.get("function_name")
        if not isinstance(function, str) or not LAMBDA_FUNCTION.fullmatch(function):
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: aws-lambda function `{function}` is not a Lambda function name or ARN "
                "(a placeholder?); the function that answers the requests cannot be carried",
                error=True,
            )
            return None
        region = config.get("aws_region")
        if not function.startswith("arn:"):
            if not isinstance(region, str) or not region:
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: aws-lambda names no region for `{function}`",
                    error=True,
                )
                return None
            if self.region not in (None, region):
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: `{function}` is in {region}, and an earlier function by name in "
                    f"{self.region}; a `.gw` api has one region, {self.region}",
                )
            self.region = self.region or region
        for key in sorted(set(config) - {"function_name", "aws_region", "awsgateway_compatible", "timeout"}):
            if config[key] not in (None, False, [], ""):
                self.not_carried(
                    plugin.pointer,
                    f"route `{label}`: aws-lambda `{key}` is not carried"
                    + (" (keys do not belong in a source file)" if key in ("aws_key", "aws_secret") else ""),
                )
        if config.get("awsgateway_compatible") is not True:
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: aws-lambda sends Kong's own event; the imported backend sends API "
                "Gateway's proxy event (`awsgateway_compatible`)",
            )
        # the function's own name: `orders` of `arn:aws:lambda:…:function:orders:live`
        name = function.split("function:", 1)[-1].split(":")[0] if function.startswith("arn:") else function
        timeout = config.get("timeout")
        self.backends.setdefault(
            name,
            Backend(
                name=name,
                type=BackendType.LAMBDA,
                function=function,
                timeout=Duration(milliseconds=timeout)
                if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0
                else None,
                span=self.span(plugin.pointer),
                field_spans={"function": self.span(plugin.pointer)},
            ),
        )
        return name

    def named(self, authorizer: Authorizer) -> AuthRequirement:
        self.authorizers.setdefault(authorizer.name, authorizer)
        return AuthRequirement(kind=AuthKind.AUTHORIZER, authorizer=authorizer.name)

    def key_auth(self, plugin: Plugin) -> AuthRequirement:
        config = plugin.config
        names = [str(n) for n in _strings(config.get("key_names"))] or ["apikey"]
        in_header = config.get("key_in_header", True) is not False
        in_query = config.get("key_in_query", True) is not False
        if len(names) > 1:
            self.not_carried(
                plugin.pointer, f"key-auth accepts the keys {names}; only `{names[0]}` is carried (stricter)"
            )
        if in_header and in_query:
            self.not_carried(
                plugin.pointer,
                f"key-auth takes `{names[0]}` from a header or the query string; only the header is carried "
                "(stricter)",
            )
        if config.get("key_in_body"):
            self.not_carried(
                plugin.pointer, "key-auth also reads the key from the body; not carried (stricter)"
            )
        kind = SourceKind.HEADER if in_header else SourceKind.QUERY
        if kind is SourceKind.HEADER and names[0].lower() == "x-api-key":
            return AuthRequirement(kind=AuthKind.API_KEY)
        return self.named(
            Authorizer(
                name=f"key-{names[0].lower()}",
                type=AuthorizerType.API_KEY,
                identity_source=(ParamSource(kind=kind, name=names[0]),),
                span=self.span(plugin.pointer),
            )
        )

    def openid_connect(self, plugin: Plugin, label: str) -> AuthRequirement | None:
        config = plugin.config
        issuer = config.get("issuer")
        if not isinstance(issuer, str) or not issuer:
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: openid-connect without `issuer` cannot be carried (Kong's plugin schema "
                "requires one, so Kong refuses this plugin too)",
                error=True,
            )
            return None
        parts = urllib.parse.urlsplit(issuer)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: openid-connect issuer `{issuer}` is not a URL apic can check tokens "
                "against (a placeholder?); the route's check cannot be carried",
                error=True,
            )
            return None
        audience = _strings(config.get("audience_required"))
        required = list(_strings(config.get("scopes_required")))
        if len(required) > 1:
            self.not_carried(
                plugin.pointer,
                f"openid-connect accepts any of the scope sets {required}; only `{required[0]}` is carried "
                "(stricter)",
            )
        host = urllib.parse.urlsplit(issuer).hostname
        name = "oidc-" + host.replace(".", "-") if host else "oidc"
        authorizer = Authorizer(
            name=name,
            type=AuthorizerType.OIDC,
            issuer=issuer,
            audience=audience,
            span=self.span(plugin.pointer),
        )
        requirement = self.named(authorizer)
        scopes = tuple(required[0].split()) if required else ()
        return AuthRequirement(kind=AuthKind.AUTHORIZER, authorizer=requirement.authorizer, scopes=scopes)

    def throttle(self, plugin: Plugin, label: str) -> Throttle | None:
        config = plugin.config
        windows = [
            (w, config[w])
            for w in ("second", "minute", "hour", "day", "month", "year")
            if isinstance(config.get(w), (int, float)) and not isinstance(config.get(w), bool)
        ]
        if not windows:
            return None
        limit_by = config.get("limit_by", "consumer")
        if limit_by != "service":
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: rate-limiting counts per {limit_by}; `.gw` route throttles count all "
                "callers together, so the imported limit is the same number for everyone at once (stricter)",
            )
        window, amount = windows[0]
        if len(windows) > 1 or window == "year":
            self.not_carried(
                plugin.pointer,
                f"route `{label}`: rate-limiting has the windows {[w for w, _ in windows]}; only "
                f"`{windows[0][0]}` is carried",
            )
        if window == "year":
            return None
        return Throttle(rate=Rate(amount=float(amount), per=WINDOWS[window]), span=self.span(plugin.pointer))  # type: ignore[arg-type]

    def cors(self, plugin: Plugin) -> str:
        config = plugin.config

        def strings(key: str) -> tuple[str, ...]:
            value = config.get(key)
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        max_age = config.get("max_age")
        settings = (
            strings("origins"),
            strings("methods"),
            strings("headers"),
            strings("exposed_headers"),
            config.get("credentials") if isinstance(config.get("credentials"), bool) else None,
            max_age if isinstance(max_age, int) and not isinstance(max_age, bool) else None,
        )
        if settings not in self.policies:
            name = f"cors-{len(self.policies) + 1}"
            self.policies[settings] = CorsPolicy(
                name=name,
                allow_origins=settings[0],
                allow_methods=settings[1],
                allow_headers=settings[2],
                expose_headers=settings[3],
                allow_credentials=settings[4],
                max_age=Duration(milliseconds=settings[5] * 1000) if settings[5] is not None else None,
                span=self.span(plugin.pointer),
            )
        return str(self.policies[settings].name)


READ_PARTS = {("replace", "uri"), ("add", "headers"), ("add", "querystring"), ("remove", "headers")}


def _strings(value: Any) -> tuple[str, ...]:
    """A plugin setting that should be a list of strings (anything else: none)."""
    return tuple(str(v) for v in value if isinstance(v, (str, int, float))) if isinstance(value, list) else ()


def _reference(value: Any) -> str:
    """A service or route reference: a name, an id, or `{name: …}` / `{id: …}`."""
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return str(value)


def _default(field_name: str, value: Any) -> bool:
    return {
        "connect_timeout": value == KONG_DEFAULT_TIMEOUT_MS,
        "write_timeout": value == KONG_DEFAULT_TIMEOUT_MS,
        "retries": value == 5,
    }.get(field_name, value in (None, [], ""))
