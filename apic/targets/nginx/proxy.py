"""Where nginx sends a route's requests: the backend's address, the upstream path, headers.

Addresses. A backend whose host is an IP address gets an `upstream` block (with keepalive);
one with a host name is resolved when a request needs it, through `resolver` (the option of
that name), so the configuration loads, and `nginx -t` passes, where the name does not
resolve yet. Either way the route says `set $apic_upstream …; proxy_pass http://$apic_upstream;`:
nginx looks the variable's value up among the `upstream` blocks first.

Paths. nginx matches a location against the decoded, normalised path. When the backend
expects the path the client sent, `proxy_pass` without a path passes the request's own URI,
as the client encoded it. Otherwise `rewrite … break` writes the upstream path from the
route's captures (`$p_<capture>`, see `capture_variable`), and nginx re-encodes it on the
way out; the query string follows either way.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import urllib.parse

from apic.compiler import codes
from apic.compiler.model import Api, Backend, SourceKind
from apic.compiler.plan.paths import Placement, public_template
from apic.compiler.plan.patterns import escape_literal
from apic.compiler.plan.routes import RoutePlan
from apic.compiler.plan.upstream import DEFAULT_PORTS, Origin
from apic.targets.nginx.access import ident
from apic.targets.nginx.conf import HttpConf, Upstream
from apic.targets.nginx.quote import Capture, Unquotable, Variable, literal, printable, regex, template

_NAMED_GROUP = re.compile(r"\(\?P<([A-Za-z0-9_]+)>")
_VARIABLE = re.compile(r"\{([^{}]+)\}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")
_ARG_NAME = re.compile(r"[A-Za-z0-9_]+")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # Debian's ca-certificates


def capture_variable(name: str) -> str:
    """The nginx variable a path capture sets: `p_book_id`. The prefix keeps a capture named
    `host` or `uri` from shadowing nginx's own variable; PCRE2 takes names of 32 characters
    at most, so a longer one is cut and made unique by a hash."""
    variable = "p_" + name
    if len(variable) <= 32:
        return variable
    return variable[:23] + "_" + hashlib.sha256(name.encode()).hexdigest()[:8]


def location_regex(plan: RoutePlan, base_path: str) -> str:
    """The route's anchored regex behind `base_path`, with nginx-safe capture names."""
    body = _NAMED_GROUP.sub(lambda m: f"(?<{capture_variable(m.group(1))}>", plan.pattern.regex[1:-1])
    prefix = "/" + escape_literal(base_path) if base_path else ""
    if prefix and body == "/":
        body = "/?"
    return "^" + prefix + body + "$"


def origin_of(backend: Backend | None, origin: Origin | None) -> Origin | None:
    """The backend's URL, or the cluster address of its Kubernetes service."""
    if origin is not None:
        return origin
    if backend is not None and backend.k8s is not None:
        service = backend.k8s
        host = f"{service.service}.{service.namespace or 'default'}.svc.cluster.local"
        return Origin("http", host, service.port, "")
    return None


def is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def address(conf: HttpConf, api: Api, backend: Backend, origin: Origin, resolver: str) -> str:
    """What `$apic_upstream` holds for the backend: an upstream block's name or host:port."""
    host = f"[{origin.host}]" if ":" in origin.host else origin.host
    if is_address(origin.host):
        name = ident(api.name, backend.name)
        conf.upstreams[name] = Upstream(name, [f"server {host}:{origin.port};", "keepalive 16;"])
        return name
    conf.resolver = resolver
    return f"{host}:{origin.port}"


def proxy_directives(
    conf: HttpConf, api: Api, plan: RoutePlan, place: Placement, origin: Origin, resolver: str
) -> list[str] | None:
    """`rewrite`, headers, timeouts and `proxy_pass` for one route at one place; None after a
    finding on a value nginx cannot hold."""
    route = plan.route
    backend = plan.upstream.backend
    assert backend is not None
    try:
        value = address(conf, api, backend, origin, resolver)
        host = origin.host if origin.port == DEFAULT_PORTS[origin.scheme] else f"{origin.host}:{origin.port}"
        # `set` before `rewrite … break`, which ends the rewrite module's directives
        lines = [f"set $apic_upstream {literal(value)};", *rewrite(conf, plan, place, origin)]
        lines += [
            f"proxy_set_header Host {literal(host)};",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_http_version 1.1;",
            'proxy_set_header Connection "";',
        ]
    except Unquotable as why:
        conf.report(codes.TARGET_UNSUPPORTED, route, None, f"{route.label}: {why}")
        return None
    lines += forwarding(conf, plan)
    if origin.scheme == "https":
        verify = backend.tls_verify is not False
        lines += [
            "proxy_ssl_server_name on;",
            f"proxy_ssl_name {literal(origin.host)};",
            f"proxy_ssl_verify {'on' if verify else 'off'};",
        ]
        if verify:
            lines.append(f"proxy_ssl_trusted_certificate {literal(CA_BUNDLE)};")
    timeout = plan.upstream.timeout
    if timeout is not None:
        text = f"{int(timeout.milliseconds)}ms"
        lines += [
            f"proxy_connect_timeout {text};",
            f"proxy_send_timeout {text};",
            f"proxy_read_timeout {text};",
        ]
    lines.append(f"proxy_pass {origin.scheme}://$apic_upstream;")
    return lines


def rewrite(conf: HttpConf, plan: RoutePlan, place: Placement, origin: Origin) -> list[str]:
    """A `rewrite … break` to the upstream path (and the query parameters the route's
    `forward` adds), or nothing when the client's path is it."""
    args = query_args(conf, plan)
    if plan.pattern.catch_all:
        if not origin.path and not place.base_path and not args:
            return []  # the request's own path, as the client sent it
        capture = capture_variable("path")
        prefix = "/" + escape_literal(place.base_path) if place.base_path else ""
        target = template(origin.path + "/", Variable(capture), *args)
        return [f"rewrite {regex('^' + prefix + '/(?<' + capture + '>.*)$')} {target} break;"]
    wanted = origin.path + plan.upstream.path_template
    if wanted == public_template(plan.route, place.base_path) and not args:
        return []
    captures = dict(plan.pattern.captures)
    parts: list[str] = []
    last = 0
    for match in _VARIABLE.finditer(wanted):
        parts.append(wanted[last : match.start()])
        name = captures.get(match.group(1))
        if name is None:
            raise Unquotable(f"the upstream path names `{{{match.group(1)}}}`, which the route's path lacks")
        parts.append(Variable(capture_variable(name)))
        last = match.end()
    parts.append(wanted[last:])
    return [f"rewrite {regex(location_regex(plan, place.base_path))} {template(*parts, *args)} break;"]


def query_args(conf: HttpConf, plan: RoutePlan) -> list[str]:
    """`?name=value&…` parts for the query parameters the route forwards, each value escaped:
    a static value when apic writes it, a path value by its numbered capture (`$2`), which
    nginx escapes in a rewrite's arguments (a named capture it would copy raw: a path value
    `a&b=c` would add a parameter), a query value as the client encoded it. The client's
    query string follows (`rewrite` appends it), so its own parameter of that name comes after
    apic's; that is said. A header's value nginx cannot escape there: refused."""
    route = plan.route
    numbers = {variable: index for index, (variable, _) in enumerate(plan.pattern.captures, start=1)}
    parts: list[str] = []
    for mapping in route.forward:
        if mapping.location is not SourceKind.QUERY:
            continue
        source = mapping.source
        value: str | None = None
        if source.kind is SourceKind.STATIC:
            value = urllib.parse.quote(source.name, safe="")
        elif source.kind is SourceKind.PATH and source.name in numbers and numbers[source.name] <= 9:
            value = Capture(str(numbers[source.name]))
        elif source.kind is SourceKind.QUERY and _ARG_NAME.fullmatch(source.name):
            value = Variable("arg_" + source.name)
        elif source.kind is SourceKind.CONTEXT and source.name == "requestId":
            value = Variable("request_id")
        if value is None:
            conf.report(
                codes.TARGET_UNSUPPORTED,
                mapping,
                None,
                f"{route.label}: forwarding query `{printable(mapping.name)}` = {source} is not possible: "
                "nginx escapes only a path capture (the first nine), a fixed value or a query value there",
            )
            continue
        parts += ["&" if parts else "?", urllib.parse.quote(mapping.name, safe="") + "=", value]
        conf.report(
            codes.TARGET_APPROXIMATION,
            mapping,
            None,
            f"{route.label}: query `{printable(mapping.name)}` is added before the client's query string, "
            "so a client's own parameter of that name reaches the backend too (after apic's)",
        )
    return parts


def forwarding(conf: HttpConf, plan: RoutePlan) -> list[str]:
    """Headers set from the route's `forward` block (replacing what the client sent)."""
    route = plan.route
    captures = dict(plan.pattern.captures)
    lines = []
    for mapping in route.forward:
        source = mapping.source
        value: str | None = None
        try:
            if source.kind is SourceKind.STATIC:
                value = literal(source.name)
            elif source.kind is SourceKind.PATH and source.name in captures:
                value = template(Variable(capture_variable(captures[source.name])))
            elif source.kind is SourceKind.QUERY and _ARG_NAME.fullmatch(source.name):
                value = template(Variable("arg_" + source.name))
            elif source.kind is SourceKind.HEADER and _HEADER_NAME.fullmatch(source.name):
                value = template(Variable("http_" + source.name.lower().replace("-", "_")))
            elif source.kind is SourceKind.CONTEXT and source.name == "requestId":
                value = template(Variable("request_id"))
        except Unquotable as why:
            conf.report(codes.TARGET_UNSUPPORTED, mapping, None, f"{route.label} forwarding: {why}")
            continue
        if mapping.location is SourceKind.HEADER and not _HEADER_NAME.fullmatch(mapping.name):
            conf.report(
                codes.TARGET_UNSUPPORTED,
                mapping,
                None,
                f"{route.label}: `{printable(mapping.name)}` is not an HTTP header name (letters, digits "
                "and `-`)",
            )
            continue
        if mapping.location is SourceKind.QUERY:
            continue  # in the rewrite (`query_args`)
        if mapping.location is not SourceKind.HEADER:
            conf.report(
                codes.TARGET_APPROXIMATION,
                mapping,
                None,
                f"{route.label}: forwarding {mapping.location.value} `{printable(mapping.name)}` is not "
                "written: nginx sets request headers (`proxy_set_header`) only",
            )
            continue
        if value is None:
            conf.report(
                codes.TARGET_APPROXIMATION,
                mapping,
                None,
                f"{route.label}: forwarding header `{mapping.name}` = {source} is not written: nginx has "
                "no such value",
            )
            continue
        lines.append(f"proxy_set_header {literal(mapping.name)} {value};")
    return lines
