"""A Gateway API HTTPRoute as routes.

Each rule's matches, grouped by path, become routes with the methods matched (a path
matched for every method, or without a method, is ANY) to the rule's first Service
backendRef. Read from the rule: `timeouts.request`, the URLRewrite that replaces the whole
path (an upstream path), fixed request headers (RequestHeaderModifier `set`), and the CORS
filter. Header and query matches narrow a route and are reported; an ExtensionRef filter is
the implementation's own (an auth policy, often), so it stops the import.
"""

from __future__ import annotations

import re
from typing import Any

from apic.compiler.frontends.base import listed, mapping
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.frontends.k8s import paths
from apic.compiler.frontends.k8s.documents import K8sObject
from apic.compiler.frontends.k8s.load import K8sLowerer
from apic.compiler.frontends.kong.load import OPENS, Plugin
from apic.compiler.frontends.kong.paths import Converted
from apic.compiler.model import (
    EXPLICIT_METHODS,
    Duration,
    ForwardMapping,
    HttpMethod,
    ParamSource,
    SourceKind,
)

# Gateway API durations (GEP-2257): one or more number+unit pairs, units h, m, s, ms
_DURATION = re.compile(r"(\d+)(ms|h|m|s)")
_UNIT_MS = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}
EVERY_METHOD = {m.value for m in EXPLICIT_METHODS}


def read_http_route(lowerer: K8sLowerer, obj: K8sObject) -> None:
    spec = obj.value.get("spec")
    if not isinstance(spec, dict):
        lowerer.not_carried(obj.pointer, f"HTTPRoute `{obj.name}` has no `spec`", error=True)
        return
    label = f"HTTPRoute `{obj.name}`"
    hostnames = [h for h in listed(spec.get("hostnames")) if isinstance(h, str)]
    for n, host in enumerate(hostnames):
        lowerer.host_seen(host, f"{obj.pointer}/spec/hostnames/{n}")
    rules = spec.get("rules") if isinstance(spec.get("rules"), list) else [{}]
    for r, rule in enumerate(rules):
        if isinstance(rule, dict):
            RuleReader(lowerer, obj, rule, f"{obj.pointer}/spec/rules/{r}", label).read(hostnames or [None])


class RuleReader:
    def __init__(
        self, lowerer: K8sLowerer, obj: K8sObject, rule: dict[str, Any], pointer: str, label: str
    ) -> None:
        self.lowerer = lowerer
        self.obj = obj
        self.rule = rule
        self.pointer = pointer
        self.label = f"{label} rule {rule['name']!r}" if isinstance(rule.get("name"), str) else label

    def read(self, hosts: list[str | None]) -> None:
        service = self.backend()
        if service is None:
            return
        settings = self.settings()
        if settings is None:
            return
        upstream = settings.pop("upstream_path", None)

        def upstream_of(template: str) -> str | None:
            return None if upstream == template else upstream

        for where, path_type, value, methods in self.matches():
            converted = self.convert(path_type, value)
            for host in hosts:
                self.lowerer.add_routes(
                    methods,
                    converted,
                    service,
                    upstream_of,
                    settings,
                    where,
                    self.label,
                    host,
                )

    def backend(self):  # type: ignore[no-untyped-def]
        refs = self.rule.get("backendRefs")
        if not isinstance(refs, list) or not refs:
            self.lowerer.not_carried(self.pointer, f"{self.label}: a rule without backendRefs is not carried")
            return None
        ref = refs[0]
        where = f"{self.pointer}/backendRefs/0"
        if len(refs) > 1:
            self.lowerer.not_carried(
                f"{self.pointer}/backendRefs",
                f"{self.label}: the rule weighs {len(refs)} backends; only the first is carried",
            )
        if not isinstance(ref, dict) or ref.get("kind", "Service") != "Service" or ref.get("group", "") != "":
            self.lowerer.not_carried(where, f"{self.label}: a backend that is not a Service is not carried")
            return None
        port = ref.get("port")
        if not isinstance(ref.get("name"), str) or not isinstance(port, int) or isinstance(port, bool):
            self.lowerer.not_carried(where, f"{self.label}: a backendRef without a Service name and port")
            return None
        namespace = ref.get("namespace") or self.obj.namespace or "default"
        for key in sorted(set(ref) - {"name", "port", "namespace", "kind", "group", "weight"}):
            self.lowerer.not_carried(f"{where}/{key}", f"{self.label}: backendRef `{key}` is not carried")
        return self.lowerer.service_backend(ref["name"], str(namespace), port, where, self.label)

    def matches(self) -> list[tuple[str, str, str, tuple[HttpMethod, ...]]]:
        """(where, path type, path, methods) per path the rule matches."""
        listed = self.rule.get("matches")
        if not isinstance(listed, list) or not listed:
            listed = [{}]
        by_path: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for n, match in enumerate(listed):
            where = f"{self.pointer}/matches/{n}"
            if not isinstance(match, dict):
                continue
            for key in ("headers", "queryParams"):
                if match.get(key):
                    self.lowerer.not_carried(
                        f"{where}/{key}",
                        f"{self.label}: `{key}` matches are not carried; the imported route matches "
                        "without them",
                    )
            path = match.get("path") if isinstance(match.get("path"), dict) else {}
            key = (str(path.get("type", "PathPrefix")), str(path.get("value", "/")))
            entry = by_path.setdefault(key, (f"{where}/path" if match.get("path") else where, set()))
            method = match.get("method")
            entry[1].add(str(method) if method is not None else "*")
        found = []
        for (path_type, value), (where, methods) in by_path.items():
            if "*" in methods or methods >= EVERY_METHOD:
                chosen: tuple[HttpMethod, ...] = (HttpMethod.ANY,)
            else:
                known = {HttpMethod.__members__[m] for m in methods if m in HttpMethod.__members__}
                if self.cors and len(known) > 1:
                    known.discard(HttpMethod.OPTIONS)  # the preflight match a CORS filter needs
                chosen = tuple(sorted(known, key=METHOD_ORDER.__getitem__))
            found.append((where, path_type, value, chosen))
        return found

    def convert(self, path_type: str, value: str) -> Converted:
        if path_type == "Exact":
            return paths.exact(value)
        if path_type == "PathPrefix":
            return paths.element_prefix(value)
        if path_type == "RegularExpression":
            return paths.regex(value)
        return Converted((), False, problem=f"path match type `{path_type}` is unknown")

    def settings(self) -> dict[str, Any] | None:
        settings: dict[str, Any] = {}
        self.cors = False
        timeouts = self.rule.get("timeouts")
        request = timeouts.get("request") if isinstance(timeouts, dict) else None
        if isinstance(request, str):
            milliseconds = sum(int(n) * _UNIT_MS[u] for n, u in _DURATION.findall(request))
            if milliseconds:
                settings["timeout"] = Duration(milliseconds=milliseconds)
        filters = self.rule.get("filters")
        forward = []
        for n, item in enumerate(filters if isinstance(filters, list) else []):
            where = f"{self.pointer}/filters/{n}"
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == "URLRewrite":
                path = mapping(mapping(item.get("urlRewrite")).get("path"))
                if path.get("type") == "ReplaceFullPath" and isinstance(path.get("replaceFullPath"), str):
                    settings["upstream_path"] = path["replaceFullPath"]
                else:
                    self.lowerer.not_carried(where, f"{self.label}: a URLRewrite other than ReplaceFullPath")
                if mapping(item.get("urlRewrite")).get("hostname"):
                    self.lowerer.not_carried(where, f"{self.label}: URLRewrite `hostname` is not carried")
            elif kind == "RequestHeaderModifier":
                modifier = mapping(item.get("requestHeaderModifier"))
                for header in listed(modifier.get("set")):
                    if isinstance(header, dict) and isinstance(header.get("name"), str):
                        forward.append(
                            ForwardMapping(
                                location=SourceKind.HEADER,
                                name=header["name"],
                                source=ParamSource(kind=SourceKind.STATIC, name=str(header.get("value", ""))),
                                span=self.lowerer.span(where),
                            )
                        )
                for key in sorted(set(modifier) - {"set"}):
                    self.lowerer.not_carried(
                        where, f"{self.label}: RequestHeaderModifier `{key}` is not carried"
                    )
            elif kind == "CORS" and isinstance(item.get("cors"), dict):
                self.cors = True
                settings["cors"] = self.cors_policy(item["cors"], where)
            elif kind == "ExtensionRef":
                self.lowerer.not_carried(
                    where,
                    f"{self.label}: ExtensionRef filter `{mapping(item.get('extensionRef')).get('name')}` "
                    "is the implementation's own (often an auth policy); the import stops rather than "
                    "drop it",
                    error=True,
                    help=OPENS,
                )
                return None
            else:
                self.lowerer.not_carried(where, f"{self.label}: filter `{kind}` is not carried")
        if forward:
            settings["forward"] = tuple(sorted(forward, key=lambda f: f.name))
        return settings

    def cors_policy(self, cors: dict[str, Any], where: str) -> str:
        config = {
            "origins": cors.get("allowOrigins") or [],
            "methods": cors.get("allowMethods") or [],
            "headers": cors.get("allowHeaders") or [],
            "exposed_headers": cors.get("exposeHeaders") or [],
            "credentials": True if cors.get("allowCredentials") is True else None,
        }
        if isinstance(cors.get("maxAge"), int):
            config["max_age"] = cors["maxAge"]
        return self.lowerer.cors(Plugin("cors", config, where))
