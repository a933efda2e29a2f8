"""Ingress and HTTPRoute objects as apis of the model, one per set of hosts.

Each path of an Ingress rule, and each match of an HTTPRoute rule, becomes routes (see
paths.py) to a backend per Service and port. What the controller's annotations say is read
by ingress.py (Kong, ingress-nginx, the AWS Load Balancer Controller) and httproute.py;
plugins that a Kong Ingress names are read by the Kong frontend's own rules, so a KongPlugin
means here what the same plugin means in a decK file. Routes are grouped by the hosts they
are served on, one api per group, and each host becomes a domain of its api when the file
holds its certificate (an Ingress's TLS Secret, the ALB's ACM certificate, a Gateway
listener's certificateRefs); a host without one is reported, and its routes are imported
for any host. As in the
Kong frontend, a construct left out is IM001: a warning when the imported routes match a
little more or less, an error when leaving it out would open what the cluster closes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult, read_source
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.frontends.k8s.documents import K8sObject, Stream, read_stream
from apic.compiler.frontends.kong.load import KongLowerer, Plugin, Service
from apic.compiler.frontends.kong.paths import Converted
from apic.compiler.model import (
    Api,
    ApiKind,
    Backend,
    BasePathMapping,
    Domain,
    GatewayModel,
    HealthCheck,
    HttpMethod,
    K8sService,
    Route,
    Stage,
)

STAGE = "default"
# kinds whose objects are read where an Ingress names them
REFERENCED = {"KongPlugin", "KongClusterPlugin", "KongIngress"}
IGNORED = {"Namespace", "GatewayClass", "IngressClass"}


@dataclass
class Certificate:
    """What a host's TLS comes from: a Secret's name or an ACM certificate ARN (`name`), where
    it is written, and the listener's TLS policy where the file says one (an ALB's)."""

    name: str
    pointer: str
    tls_policy: str | None = None


def load_k8s(path: Path, options: LoadOptions | None = None, text: str | None = None) -> LoadResult:
    source, diagnostics = read_source(path, options or LoadOptions(), text)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return LoadResult(None, diagnostics, [source])
    stream = read_stream(source)
    diagnostics.extend(stream.diagnostics)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return LoadResult(None, sort_unique(diagnostics), [source])
    objects = stream.objects()
    if not any(o.kind in ("Ingress", "HTTPRoute") for o in objects):
        diagnostics.append(
            codes.UNSUPPORTED_IMPORT(
                source.whole(),
                f"`{path.name}` holds no Ingress or HTTPRoute objects (a YAML stream, a `List`, or "
                "a `documents` list of Kubernetes objects)",
            )
        )
        return LoadResult(None, sort_unique(diagnostics), [source])
    lowerer = K8sLowerer(stream, objects, path.stem)
    model = lowerer.lower()
    diagnostics.extend(lowerer.diagnostics)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    return LoadResult(None if failed else model, sort_unique(diagnostics), [source])


class K8sLowerer(KongLowerer):
    """The Kong lowerer's routes, backends, authorizers and CORS policies, filled from
    Kubernetes objects; spans come from the stream (`@<document><pointer>`)."""

    def __init__(self, stream: Stream, objects: list[K8sObject], name: str) -> None:
        super().__init__({}, stream, stream.source, name)
        self.stream = stream
        self.objects = objects
        self.named = {(o.kind, o.namespace or "default", o.name): o for o in objects}
        self.cluster_plugins = {o.name: o for o in objects if o.kind == "KongClusterPlugin"}
        self.backend_keys: dict[tuple[str, str, int], str] = {}
        self.health: dict[str, HealthCheck] = {}
        self.by_host: dict[str | None, tuple[dict[Any, Route], set[tuple[HttpMethod, str]]]] = {}
        self.host_pointers: dict[str, str] = {}
        self.certificates: dict[str, Certificate] = {}
        self.nginx_case_said = False

    # -- the file ------------------------------------------------------------------------
    def lower(self) -> GatewayModel:
        from apic.compiler.frontends.k8s.httproute import read_http_route
        from apic.compiler.frontends.k8s.ingress import read_ingress

        for obj in self.objects:
            if obj.kind == "Ingress":
                read_ingress(self, obj)
            elif obj.kind == "HTTPRoute":
                read_http_route(self, obj)
            elif obj.kind == "KongConsumer":
                self.not_carried(
                    obj.pointer,
                    f"KongConsumer `{obj.name}` and its credentials are not carried into `.gw` (keys do not "
                    "belong in a source file); the routes keep their key checks",
                    help='declare consumers in the api with `api_key = env("…")`',
                )
            elif obj.kind == "Gateway":
                self.gateway_certificates(obj)
            elif obj.kind == "Secret":
                continue  # credentials and certificates: said where they are used
            elif obj.kind not in REFERENCED | IGNORED:
                self.not_carried(
                    obj.pointer, f"{obj.kind or 'an object without a kind'} `{obj.name}` is not carried"
                )
        groups = self.host_groups()
        apis: list[Api] = []
        for hosts, routes in sorted(groups.items(), key=_group_order):
            name = self.name if len(groups) == 1 or not hosts else f"{self.name}-{_slug(min(hosts))}"
            while any(a.name == name for a in apis):  # {a} and {a, b}: one more word
                name += "-" + str(len(hosts))
            apis.append(self.api(name, hosts, routes))
        return GatewayModel(apis=tuple(apis))

    def host_groups(self) -> dict[frozenset[str], list[Route]]:
        """Routes by the hosts they are served on (empty: any host): a route read the same on
        several hosts is one route on all of them. A host without a certificate cannot be a
        domain: it is reported, and its routes are read for any host, after the routes
        written for any host (the controller, too, prefers a rule without a host less)."""
        served: list[tuple[Route, set[str | None]]] = []
        by_key: dict[tuple[tuple[HttpMethod, ...], str], list[int]] = {}
        for host, (routes, _) in self.by_host.items():
            for key, route in routes.items():
                same = next((n for n in by_key.get(key, []) if served[n][0] == route), None)
                if same is None:
                    by_key.setdefault(key, []).append(len(served))
                    served.append((route, {host}))
                else:
                    served[same][1].add(host)
        said: set[str] = set()
        placed: list[tuple[bool, frozenset[str], Route]] = []  # (demoted from its hosts, hosts, route)
        for route, hosts in served:
            named = frozenset() if None in hosts else frozenset(h for h in hosts if h is not None)
            missing = sorted(h for h in named if h not in self.certificates)
            for host in missing:
                if host not in said:
                    said.add(host)
                    self.not_carried(
                        self.host_pointers[host],
                        f"host `{host}` has no TLS certificate in the file, and a `.gw` domain needs one: "
                        "its routes are imported without it and match any host",
                        help="add a `domain` for the host, with its certificate, to the imported api",
                    )
            placed.append((bool(missing), frozenset() if missing else named, route))
        groups: dict[frozenset[str], list[Route]] = {}
        taken: dict[frozenset[str], set[tuple[HttpMethod, str]]] = {}
        for _, hosts, route in sorted(placed, key=lambda p: p[0]):  # stable: as written otherwise
            seen = taken.setdefault(hosts, set())
            if any((m, route.path) in seen for m in route.methods):
                self.not_carried_route(route)
                continue
            seen.update((m, route.path) for m in route.methods)
            groups.setdefault(hosts, []).append(route)
        return groups

    def not_carried_route(self, route: Route) -> None:
        self.diagnostics.append(
            codes.NOT_CARRIED(
                route.span or self.source.whole(),
                f"{route.label} to `{route.backend}` on a host without a certificate is imported for any "
                "host, where another route takes it already; not carried",
            )
        )

    def api(self, name: str, hosts: frozenset[str], routes: list[Route]) -> Api:
        """One api: the routes served on `hosts`, with what they use, and a domain per host."""
        used = {r.backend for r in routes}
        backends = [
            replace(b, health_check=self.health[b.name]) if b.name in self.health else b
            for b in self.backends.values()
            if b.name in used
        ]
        authorizers = {r.authorizer for route in routes for alt in route.auth for r in alt}
        policies = {route.cors for route in routes}
        domains = tuple(
            Domain(
                host=host,
                certificate=self.certificates[host].name,
                tls_policy=self.certificates[host].tls_policy,
                base_paths=(BasePathMapping(base_path="", stage=STAGE),),
                span=self.span(self.host_pointers[host]),
                field_spans={"certificate": self.span(self.certificates[host].pointer)},
            )
            for host in sorted(hosts)
        )
        return Api(
            name=name,
            kind=ApiKind.REST,
            region=self.region,
            routes=tuple(sorted(routes, key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods]))),
            backends=tuple(sorted(backends, key=lambda b: b.name)),
            authorizers=tuple(
                sorted((a for a in self.authorizers.values() if a.name in authorizers), key=lambda a: a.name)
            ),
            cors=tuple(
                sorted((c for c in self.policies.values() if c.name in policies), key=lambda c: c.name or "")
            ),
            stages=(Stage(name=STAGE),) if domains else (),
            domains=domains,
            span=self.source.whole(),
        )

    # -- what objects share --------------------------------------------------------------
    def service_backend(self, service: str, namespace: str, port: int, pointer: str, label: str) -> Service:
        """The backend for a Service port, named after the Service (and its namespace or
        port when two backends would share a name)."""
        key = (namespace, service, port)
        name = self.backend_keys.get(key)
        if name is None:
            taken = set(self.backend_keys.values())
            name = next(
                n
                for n in (service, f"{service}-{namespace}", f"{service}-{namespace}-{port}")
                if n not in taken
            )
            self.backend_keys[key] = name
            self.backends[name] = Backend(
                name=name,
                k8s=K8sService(service=service, namespace=namespace, port=port, span=self.span(pointer)),
                span=self.span(pointer),
                field_spans={"k8s": self.span(pointer)},
            )
        return Service(name, pointer, name, None)

    def kong_plugin(self, reference: str, namespace: str, pointer: str, label: str) -> Plugin | None:
        """The KongPlugin (or KongClusterPlugin) an annotation names, read as a decK plugin."""
        obj = self.named.get(("KongPlugin", namespace, reference)) or self.cluster_plugins.get(reference)
        if obj is None:
            self.not_carried(
                pointer,
                f"{label}: KongPlugin `{reference}` is not in the file; the Kong Ingress Controller skips a "
                "plugin it cannot find, and so does the import",
            )
            return None
        config = obj.value.get("config")
        name = obj.value.get("plugin")
        if not isinstance(name, str):
            self.not_carried(obj.pointer, f"KongPlugin `{obj.name}` names no `plugin`", error=True)
            return None
        return Plugin(
            name,
            config if isinstance(config, dict) else {},
            f"{obj.pointer}/plugin",
            obj.value.get("disabled") is not True,
        )

    def add_routes(
        self,
        methods: tuple[HttpMethod, ...],
        converted: Converted,
        service: Service,
        upstream: Any,
        settings: dict[str, Any],
        where: str,
        label: str,
        host: str | None,
        first_match: bool = False,
    ) -> None:
        """Routes for each template of a converted path, served on `host` (None: any).
        `first_match`: the controller takes the first rule that matches (an ALB listener), so
        a path an earlier rule takes for every method is never reached here."""
        if converted.problem:
            self.not_carried(where, f"{label}: {converted.problem}; not carried")
            return
        for note in converted.notes:
            self.not_carried(where, f"{label}: {note}")
        # each host routes on its own: the same path may go elsewhere on another host
        self.routes, self.taken = self.by_host.setdefault(host, ({}, set()))
        for template in converted.templates:
            if first_match and (HttpMethod.ANY, template) in self.taken:
                self.not_carried(
                    where,
                    f"{label}: `{template}` is never reached: an earlier rule takes the path for every "
                    "method; not carried",
                )
                continue
            self.add_route(methods, template, service, upstream(template), settings, where, label)

    def gateway_certificates(self, obj: K8sObject) -> None:
        """A Gateway's HTTPS listeners: the Secret that holds each hostname's certificate."""
        spec = obj.value.get("spec")
        listeners = spec.get("listeners") if isinstance(spec, dict) else None
        for n, listener in enumerate(listeners if isinstance(listeners, list) else []):
            if not isinstance(listener, dict) or not isinstance(listener.get("hostname"), str):
                continue
            tls = listener.get("tls") if isinstance(listener.get("tls"), dict) else {}
            refs = tls.get("certificateRefs")
            if (
                isinstance(refs, list)
                and refs
                and isinstance(refs[0], dict)
                and isinstance(refs[0].get("name"), str)
            ):
                pointer = f"{obj.pointer}/spec/listeners/{n}/tls/certificateRefs/0/name"
                self.certificate(listener["hostname"], Certificate(refs[0]["name"], pointer))

    def certificate(self, host: str, certificate: Certificate) -> None:
        self.certificates.setdefault(host, certificate)

    def host_seen(self, host: str, pointer: str) -> None:
        self.host_pointers.setdefault(host, pointer)


def _slug(host: str) -> str:
    """An api name part for a host: `*.shops.example.com` -> `wildcard-shops-example-com`."""
    return re.sub(r"[^a-z0-9]+", "-", host.lower().replace("*", "wildcard")).strip("-")


def _group_order(item: tuple[frozenset[str], list[Route]]) -> tuple[int, list[str]]:
    return (len(item[0]) > 0, sorted(item[0]))
