"""One API as Ingress objects for the AWS Load Balancer Controller: an ALB's listener rules.

Order. The controller (v2.4.3 and later) orders an Ingress's paths: Exact first, then
Prefix (the longest first), then ImplementationSpecific in the order listed; Ingresses of
one `group.name` are taken by `group.order`. An ALB path pattern's `*` matches any run of
characters, `/` included. So:
- a route without variables is an Exact path (it beats every route with a variable);
- a route with variables is an ImplementationSpecific pattern, `{x}` and `{x+}` as `?*`,
  listed with the routes of more segments first (a shorter pattern's `*` would also take
  their longer paths), then by the plan's precedence; `$default` is `/*`, listed last;
- methods are conditions of a per-route action (`actions.<name>` forwards to the service,
  `conditions.<name>` names the methods); `ANY` needs none.
An ALB forwards the path it received: a route whose upstream path differs from its public
path (base path included) is refused. One Ingress per namespace of the Kubernetes
services, ordered in one group.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from apic.compiler import codes
from apic.compiler.model import Api, EndpointType, HealthCheck, HttpMethod, K8sService, Route
from apic.compiler.plan.paths import Placement, placements, public_template
from apic.compiler.plan.routes import RoutePlan, route_plans
from apic.targets.k8s.objects import Ingresses, k8s_service
from apic.targets.kubenames import dns_name, route_name
from apic.targets.unwritten import Unwritten, refuse_checks, say_unwritten

Json = Any
PREFIX = "alb.ingress.kubernetes.io/"
_VARIABLE = re.compile(r"\{[^}]+\}")
# API Gateway's TLS policy -> the ELB security policy with the same lowest TLS version
# ("Security policies for your Application Load Balancer", Elastic Load Balancing guide)
SSL_POLICIES = {"TLS_1_0": "ELBSecurityPolicy-2016-08", "TLS_1_2": "ELBSecurityPolicy-TLS13-1-2-2021-06"}


def action_name(route: Route) -> str:
    """The name of a route's action (it stands where a service name would: a DNS-1035
    label, which starts with a letter)."""
    name = route_name(route)
    return name if name[0].isalpha() else "r" + name[:62]


def pattern(path: str) -> str:
    """`/book/{id}` -> `/book/?*`: an ALB path pattern, where `?` is one character and `*` any
    run of them, so a variable takes at least one character, as in the model."""
    return _VARIABLE.sub("?*", path)


class AlbApi:
    def __init__(self, api: Api, out: Ingresses) -> None:
        self.api = api
        self.out = out
        self.plans = route_plans(api)

    def build(self) -> None:
        by_namespace: dict[str, list[tuple[RoutePlan, K8sService]]] = {}
        for plan in self.plans:
            service = self.service(plan)
            if service is not None and self.allowed(plan):
                by_namespace.setdefault(service.namespace or "default", []).append((plan, service))
        self.say_unwritten()
        # one ALB for the group: its attributes must be the same on every Ingress of it
        shared = {**self.listener(), **self.idle_timeout([r for rs in by_namespace.values() for r in rs])}
        for order, (namespace, routes) in enumerate(sorted(by_namespace.items()), start=1):
            self.ingress(namespace, order, routes, shared)
        listed = [p for _, routes in sorted(by_namespace.items()) for p, _ in self.ordered(routes)]
        self.say_overreach(listed)

    # --- what an ALB cannot do ---------------------------------------------------------

    def service(self, plan: RoutePlan) -> K8sService | None:
        return k8s_service(self.out, plan)

    def allowed(self, plan: RoutePlan) -> bool:
        route = plan.route
        if refuse_checks(
            self.out,
            plan,
            "an ALB Ingress cannot check it (its OIDC authentication signs browsers in; it does not "
            "verify an API's tokens)",
            help="use `--option controller=kong`, or target kong, which carry the auth plugins",
        ):
            return False
        for place in placements(self.api, route):
            upstream = plan.upstream.path_template
            own = public_template(route, place.base_path)
            if not plan.pattern.catch_all and upstream != own:
                self.out.report(
                    codes.TARGET_UNSUPPORTED,
                    route,
                    "upstream_path" if route.upstream_path else None,
                    f"{route.label}: the backend expects `{upstream}` but an ALB forwards the path it "
                    f"received, `{own}`",
                    help="make the backend serve the public path, or use target kong (it rewrites paths)",
                )
                return False
        return True

    def say_unwritten(self) -> None:
        say_unwritten(self.out, self.api, "an ALB", set(Unwritten))

    def approximation(self, node: Any, field_name: str | None, message: str) -> None:
        self.out.report(codes.TARGET_APPROXIMATION, node, field_name, message)

    # --- one Ingress -------------------------------------------------------------------

    def ingress(
        self, namespace: str, order: int, routes: list[tuple[RoutePlan, K8sService]], shared: dict[str, str]
    ) -> None:
        annotations: dict[str, str] = {
            PREFIX + "scheme": "internal" if self.api.endpoint is EndpointType.PRIVATE else "internet-facing",
            PREFIX + "target-type": "ip",
            PREFIX + "group.name": dns_name(self.api.name),
            PREFIX + "group.order": str(order),
        }
        annotations.update(shared)
        annotations.update(self.health(routes))
        rules: dict[tuple[str, ...], list[dict[str, Json]]] = {}
        for plan, service in self.ordered(routes):
            backend = self.backend(plan, service, annotations)
            for place in placements(self.api, plan.route):
                rules.setdefault(place.hosts, []).append(self.path(plan, place, backend))
        spec_rules = []
        for hosts, paths in sorted(rules.items()):
            for host in hosts or (None,):
                rule: dict[str, Json] = {"http": {"paths": paths}}
                if host is not None:
                    rule["host"] = host
                spec_rules.append(rule)
        self.out.objects.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {
                    "name": dns_name(self.api.name, namespace if namespace != "default" else ""),
                    "namespace": namespace,
                    "labels": {"app.kubernetes.io/managed-by": "apic"},
                    "annotations": dict(sorted(annotations.items())),
                },
                "spec": {"ingressClassName": "alb", "rules": spec_rules},
            }
        )

    def say_overreach(self, listed: list[RoutePlan]) -> None:
        """An ALB pattern's `*` takes any run of characters, `/` included: a `{x}` (one segment
        in the model) takes longer paths too, which the model answers with another route or
        none. Said on each route whose pattern does that."""
        for plan in listed:
            if any(s.kind == "param" for s in plan.pattern.segments):
                self.out.report(
                    codes.TARGET_APPROXIMATION,
                    plan.route,
                    "path",
                    f"{plan.route.label}: its ALB pattern `{pattern(plan.route.path)}` also takes longer "
                    "paths (an ALB `*` spans `/`), which the model gives to another route or none; "
                    "routes with more segments are listed first",
                )

    def ordered(self, routes: list[tuple[RoutePlan, K8sService]]) -> list[tuple[RoutePlan, K8sService]]:
        """Exact paths in the plan's order, then patterns with more segments first, then the
        plan's order, `$default` last."""

        def key(item: tuple[RoutePlan, K8sService]) -> tuple[int, int, int]:
            plan = item[0]
            if plan.pattern.catch_all:
                return (2, 0, plan.order)
            if plan.pattern.literal:
                return (0, 0, plan.order)
            return (1, -len(plan.pattern.segments), plan.order)

        return sorted(routes, key=key)

    def path(self, plan: RoutePlan, place: Placement, backend: dict[str, Json]) -> dict[str, Json]:
        prefix = "/" + place.base_path if place.base_path else ""
        if plan.pattern.catch_all:
            return {"path": prefix + "/*", "pathType": "ImplementationSpecific", "backend": backend}
        if plan.pattern.literal:
            return {
                "path": (prefix + plan.route.path).rstrip("/") or "/",
                "pathType": "Exact",
                "backend": backend,
            }
        return {
            "path": pattern(prefix + plan.route.path),
            "pathType": "ImplementationSpecific",
            "backend": backend,
        }

    def backend(self, plan: RoutePlan, service: K8sService, annotations: dict[str, str]) -> dict[str, Json]:
        """The service itself, or for a route with methods an action that forwards to it
        when the request's method is one of them."""
        methods = sorted(m.value for m in plan.route.methods if m is not HttpMethod.ANY)
        if HttpMethod.ANY in plan.route.methods or not methods:
            return {"service": {"name": service.service, "port": {"number": service.port}}}
        name = action_name(plan.route)
        forward = {"serviceName": service.service, "servicePort": str(service.port)}
        annotations[PREFIX + "actions." + name] = json.dumps(
            {"type": "forward", "forwardConfig": {"targetGroups": [forward]}}, sort_keys=True
        )
        annotations[PREFIX + "conditions." + name] = json.dumps(
            [{"field": "http-request-method", "httpRequestMethodConfig": {"Values": methods}}], sort_keys=True
        )
        return {"service": {"name": name, "port": {"name": "use-annotation"}}}

    def listener(self) -> dict[str, str]:
        domains = self.api.domains
        if not domains:
            return {PREFIX + "listen-ports": '[{"HTTP": 80}]'}
        found = {
            PREFIX + "listen-ports": '[{"HTTP": 80}, {"HTTPS": 443}]',
            PREFIX + "ssl-redirect": "443",
            PREFIX + "certificate-arn": ",".join(sorted({d.certificate for d in domains})),
        }
        policies = sorted({SSL_POLICIES[d.tls_policy] for d in domains if d.tls_policy in SSL_POLICIES})
        if policies:
            strictest = policies[-1] if len(policies) == 1 else SSL_POLICIES["TLS_1_2"]
            found[PREFIX + "ssl-policy"] = strictest
            if len(policies) > 1:
                self.approximation(
                    domains[0],
                    "tls_policy",
                    "the domains ask for different TLS policies; an ALB's HTTPS "
                    f"listener has one, and apic writes the stricter, {strictest}",
                )
        return found

    def health(self, routes: list[tuple[RoutePlan, K8sService]]) -> dict[str, str]:
        """Health-check annotations on an Ingress apply to every target group it creates: they
        are written when this Ingress's backends agree on one check."""
        checks: dict[str, HealthCheck | None] = {}
        for plan, _ in routes:
            backend = plan.upstream.backend
            if backend is not None:
                checks[backend.name] = backend.health_check
        given = {name: c for name, c in checks.items() if c is not None}
        if not given:
            return {}
        distinct = {
            (c.path, c.interval, c.timeout, c.healthy, c.unhealthy) if c else None for c in checks.values()
        }
        if len(distinct) > 1:
            self.approximation(
                next(iter(given.values())),
                None,
                f"backends {', '.join(sorted(checks))} do not share one health check; an Ingress's "
                "health-check annotations apply to all its target groups, so none is written "
                "(annotate the Services instead)",
            )
            return {}
        check = next(iter(given.values()))
        found = {PREFIX + "healthcheck-path": check.path, PREFIX + "success-codes": "200-399"}
        if check.interval is not None:
            found[PREFIX + "healthcheck-interval-seconds"] = str(
                min(300, max(5, math.ceil(check.interval.seconds)))
            )
        if check.timeout is not None:
            found[PREFIX + "healthcheck-timeout-seconds"] = str(
                min(120, max(2, math.ceil(check.timeout.seconds)))
            )
        if check.healthy is not None:
            found[PREFIX + "healthy-threshold-count"] = str(min(10, max(2, check.healthy)))
        if check.unhealthy is not None:
            found[PREFIX + "unhealthy-threshold-count"] = str(min(10, max(2, check.unhealthy)))
        return found

    def idle_timeout(self, routes: list[tuple[RoutePlan, K8sService]]) -> dict[str, str]:
        timeouts = {p.upstream.timeout.seconds for p, _ in routes if p.upstream.timeout is not None}
        if not timeouts:
            return {}
        seconds = max(1, math.ceil(max(timeouts)))
        if len(timeouts) > 1:
            plan = next(p for p, _ in routes if p.upstream.timeout is not None)
            self.approximation(
                plan.route,
                "timeout" if plan.route.timeout else None,
                "an ALB has one idle timeout, not one per route: the longest route timeout, "
                f"{seconds}s, is written",
            )
        return {PREFIX + "load-balancer-attributes": f"idle_timeout.timeout_seconds={seconds}"}
