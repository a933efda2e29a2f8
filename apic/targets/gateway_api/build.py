"""One API of the model as Gateway API HTTPRoute objects, printed from the plan.

Matching. Gateway API v1 ranks an Exact path match above a PathPrefix match (the longest
first), then method, header and query matches, then the oldest route, then rule order; it
does not rank RegularExpression matches, which are "implementation-specific". So:
- a route without variables is an Exact match: in the model's table it beats every route
  with a variable that also matches (the first position where they differ is a literal);
- the `$default` catch-all is a PathPrefix `/` match, below everything;
- a route with variables is a RegularExpression match (the plan's regex). Where two such
  routes can match one request, which wins is the implementation's: apic writes the rules
  in the plan's precedence order within one HTTPRoute (a conformant implementation breaks
  ties by rule order), and says so (TG002) on the route that must win.

One HTTPRoute per place the API is served (a base path on its domains, or its own paths on
any host), in the namespace of its Kubernetes services; split into parts of at most 16
hostnames and 16 rules (the v1 limits) whose names keep their order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import Api, HttpMethod, K8sService, SourceKind
from apic.compiler.model.routes import methods_overlap
from apic.compiler.plan.cors import cors_plan
from apic.compiler.plan.paths import Placement, placements, public_template
from apic.compiler.plan.patterns import escape_literal
from apic.compiler.plan.routes import EVERY_METHOD, RoutePlan, contested, route_plans
from apic.targets.base import Reporter
from apic.targets.gateway_api.listeners import Listeners
from apic.targets.kubenames import dns_name, route_name
from apic.targets.kubetls import say_certificate_secrets
from apic.targets.unwritten import Unwritten, refuse_checks, refuse_cors_clashes, say_unwritten

Json = object
API_VERSION = "gateway.networking.k8s.io/v1"
MAX_RULES = 16
MAX_HOSTNAMES = 16  # HTTPRoute v1: spec.hostnames maxItems
_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z0-9_]+>")


def duration(milliseconds: float) -> str:
    """Gateway API's duration: `10s`, `1500ms` (no fractions)."""
    ms = int(milliseconds)
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


@dataclass
class HttpRoutes(Reporter):
    """The objects written and what was reported."""

    gateway: str
    gateway_namespace: str
    gateway_class: str  # empty: the Gateway is the user's, and apic does not write it
    listeners: Listeners = field(default_factory=Listeners)
    objects: list[dict[str, Json]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    once_per_place: ClassVar[bool] = True


class ApiRoutes:
    def __init__(self, api: Api, out: HttpRoutes) -> None:
        self.api = api
        self.out = out
        self.plans = sorted(route_plans(api), key=lambda p: p.order)
        self.preflight_plan = cors_plan(api, [p.route for p in self.plans])
        self.preflights = self.preflight_plan.by_path

    def build(self) -> None:
        refuse_cors_clashes(self.out, self.preflight_plan)
        rules: dict[tuple[Placement, str], list[dict[str, Json]]] = {}
        for plan in self.plans:
            # an HTTPRoute lets everyone in: a route that needs a check is refused
            refuse_checks(
                self.out,
                plan,
                "an HTTPRoute cannot authenticate callers",
                help="use target kong, or k8s with --option controller=kong, which carry the auth plugins",
            )
            service = self.service(plan)
            if service is None:
                continue
            namespace = service.namespace or "default"
            for place in placements(self.api, plan.route):
                rule = self.rule(plan, place, service)
                if rule is not None:
                    rules.setdefault((place, namespace), []).append(rule)
        self.warn_shared_winners()
        left_out = {
            Unwritten.THROTTLES,
            Unwritten.CACHES,
            Unwritten.VALIDATION,
            Unwritten.TRACING,
            Unwritten.GATEWAY_RESPONSES,
            Unwritten.VPC_LINKS,
        }
        say_unwritten(self.out, self.api, "an HTTPRoute", left_out)
        self.say_certificates()
        for (place, namespace), found in sorted(
            rules.items(), key=lambda kv: (kv[0][0].base_path, kv[0][0].hosts, kv[0][1])
        ):
            self.emit(place, namespace, found)

    # --- one rule -----------------------------------------------------------------------

    def service(self, plan: RoutePlan) -> K8sService | None:
        backend = plan.upstream.backend
        route = plan.route
        if backend is None or backend.k8s is None:
            self.out.report(
                codes.TARGET_MISSING_FIELD,
                route,
                None,
                f"{route.label}: an HTTPRoute sends requests to a Kubernetes service, and backend "
                f"`{backend.name if backend else route.backend}` has no `k8s` block",
                help='add `k8s { service = "…", namespace = "…", port = … }` to the backend',
            )
            return None
        return backend.k8s

    def rule(self, plan: RoutePlan, place: Placement, service: K8sService) -> dict[str, Json] | None:
        route = plan.route
        prefix = "/" + place.base_path if place.base_path else ""
        if plan.pattern.catch_all:
            path = {"type": "PathPrefix", "value": prefix or "/"}
        elif plan.pattern.literal:
            path = {"type": "Exact", "value": (prefix + route.path).rstrip("/") or "/"}
        else:
            body = _NAMED_GROUP.sub("(", plan.pattern.regex[1:-1])  # captures are not read here
            path = {
                "type": "RegularExpression",
                "value": "^" + (escape_literal(prefix) if prefix else "") + body + "$",
            }
        # ANY lists every method: a match with a method outranks one without, which would
        # otherwise put `GET /{x+}` above `ANY /a/{x+}` whatever the rule order
        methods = EVERY_METHOD if HttpMethod.ANY in route.methods else sorted(m.value for m in route.methods)
        if self.answers_preflight(plan) and "OPTIONS" not in methods:
            # a CORS filter runs only on requests its rule matches: without an OPTIONS match the
            # preflight of a GET route would match no rule and be refused before the filter
            methods = [*methods, "OPTIONS"]
        matches: list[dict[str, Json]] = [{"path": dict(path), "method": m} for m in methods]
        rule: dict[str, Json] = {
            "name": route_name(route),
            "matches": matches,
            "backendRefs": [{"name": service.service, "port": service.port}],
        }
        filters = self.filters(plan, place, path)
        if filters is None:
            return None
        if filters:
            rule["filters"] = filters
        if plan.upstream.timeout is not None:
            rule["timeouts"] = {"request": duration(plan.upstream.timeout.milliseconds)}
        return rule

    def filters(
        self, plan: RoutePlan, place: Placement, path: dict[str, str]
    ) -> list[dict[str, Json]] | None:
        route = plan.route
        found: list[dict[str, Json]] = []
        template = plan.upstream.path_template
        if not plan.pattern.catch_all and template != public_template(route, place.base_path):
            if "{" in template:
                self.out.report(
                    codes.TARGET_UNSUPPORTED,
                    route,
                    "upstream_path" if route.upstream_path else None,
                    f"{route.label}: the upstream path `{template}` "
                    + (f"behind base path `{place.base_path}` " if place.base_path else "")
                    + "needs the path's variables moved, and HTTPRoute's URLRewrite replaces only a whole "
                    "path or an Exact/PathPrefix match",
                    help="use target kong (request-transformer) or serve the route without a base path",
                )
                return None
            found.append(
                {
                    "type": "URLRewrite",
                    "urlRewrite": {"path": {"type": "ReplaceFullPath", "replaceFullPath": template}},
                }
            )
        headers = [
            {"name": m.name, "value": m.source.name}
            for m in route.forward
            if m.location is SourceKind.HEADER and m.source.kind is SourceKind.STATIC
        ]
        for mapping in route.forward:
            if not (mapping.location is SourceKind.HEADER and mapping.source.kind is SourceKind.STATIC):
                self.out.report(
                    codes.TARGET_APPROXIMATION,
                    mapping,
                    None,
                    f"{route.label}: forwarding {mapping.location.value} `{mapping.name}` = {mapping.source} "
                    "is not written: HTTPRoute sets headers to fixed values only",
                )
        if headers:
            found.append(
                {
                    "type": "RequestHeaderModifier",
                    "requestHeaderModifier": {"set": sorted(headers, key=lambda h: h["name"])},
                }
            )
        if self.answers_preflight(plan):
            found.append({"type": "CORS", "cors": self.cors(self.preflights[route.path])})
        return found

    def answers_preflight(self, plan: RoutePlan) -> bool:
        return plan.cors is not None and plan.route.path in self.preflights

    def cors(self, preflight) -> dict[str, Json]:  # type: ignore[no-untyped-def]
        settings: dict[str, Json] = {
            "allowOrigins": list(preflight.allow_origins),
            "allowMethods": sorted(m for m in preflight.allow_methods if m != "ANY"),
            "allowHeaders": list(preflight.allow_headers),
        }
        if preflight.expose_headers:
            settings["exposeHeaders"] = list(preflight.expose_headers)
        if preflight.allow_credentials:
            settings["allowCredentials"] = True
        if preflight.max_age_seconds is not None:
            settings["maxAge"] = int(preflight.max_age_seconds)
        return settings

    def warn_shared_winners(self) -> None:
        """A route with variables that must win over another one matching the same request:
        HTTPRoute leaves the order of RegularExpression matches to the implementation."""
        for first, rivals in contested(self.plans):
            losing = [
                later.route.label
                for later in rivals
                if methods_overlap(first.route.methods, later.route.methods)
            ]
            if losing:
                self.out.report(
                    codes.TARGET_APPROXIMATION,
                    first.route,
                    None,
                    f"{first.route.label} must win over {', '.join(losing)} where both match, and "
                    "Gateway API leaves the order of RegularExpression matches to the implementation "
                    "(apic lists the rule first within its HTTPRoute)",
                )

    def say_certificates(self) -> None:
        """Where each domain's certificate goes: the Secret of the Gateway apic writes, or the
        user's own Gateway, which apic does not write."""
        if self.out.gateway_class:
            where = f"in namespace `{self.out.gateway_namespace or 'default'}` (the Gateway's)"
            say_certificate_secrets(self.out, self.api, "the Gateway", where)
            return
        for domain in sorted(self.api.domains, key=lambda d: d.host):
            self.out.report(
                codes.TARGET_APPROXIMATION,
                domain,
                "certificate",
                f"domain `{domain.host}`: the HTTPRoutes match its host, and its certificate belongs on "
                f"a listener of Gateway `{self.out.gateway}`, which apic does not write",
                help="pass --option gateway-class=NAME to have apic write the Gateway, a listener per domain",
            )

    # --- objects ------------------------------------------------------------------------

    def emit(self, place: Placement, namespace: str, rules: list[dict[str, Json]]) -> None:
        """The place's HTTPRoutes: split by hosts (16 at most) and then by rules (16 at most),
        named so that the parts of one host group sort in rule order (a conformant
        implementation ranks equal matches of routes created together by namespace/name)."""
        rule_parts = [rules[i : i + MAX_RULES] for i in range(0, len(rules), MAX_RULES)]
        host_parts = [place.hosts[i : i + MAX_HOSTNAMES] for i in range(0, len(place.hosts), MAX_HOSTNAMES)]
        parts = [(hosts, part) for hosts in host_parts or [()] for part in rule_parts]
        base = dns_name(
            self.api.name,
            place.base_path or ("root" if place.hosts else ""),
            namespace if namespace != "default" else "",
        )
        for number, (hosts, part) in enumerate(parts, start=1):
            name = base if len(parts) == 1 else dns_name(base[:58], f"p{number:02d}")
            spec: dict[str, Json] = {"parentRefs": self.parents(hosts, namespace), "rules": part}
            if hosts:
                spec["hostnames"] = list(hosts)
            self.out.objects.append(
                {
                    "apiVersion": API_VERSION,
                    "kind": "HTTPRoute",
                    "metadata": {
                        "name": name,
                        "namespace": namespace,
                        "labels": {"app.kubernetes.io/managed-by": "apic"},
                    },
                    "spec": spec,
                }
            )

    def parents(self, hosts: tuple[str, ...], namespace: str) -> list[dict[str, Json]]:
        """The Gateway, or, when apic writes it, each listener of the place's hosts: a route on
        a domain must not be reachable through the plain HTTP listener."""
        parent: dict[str, Json] = {"name": self.out.gateway}
        if self.out.gateway_namespace or self.out.gateway_class:
            # apic's Gateway lives in `default` unless told: routes elsewhere must say so
            parent["namespace"] = self.out.gateway_namespace or "default"
        sections = self.out.listeners.attach(self.api, hosts, namespace)
        if not self.out.gateway_class:
            return [parent]
        return [{**parent, "sectionName": section} for section in sections]
