"""One API as Ingress objects for ingress-nginx (retired in March 2026; existing deployments
keep working, see docs/targets.md).

Order. With `nginx.ingress.kubernetes.io/use-regex` on, every path of a host is a regex
location `~* "^<path>"` (case-insensitive) except Exact paths, which stay `location =`, and
the controller writes the regex locations longest path first; nginx takes an exact location
before any regex and otherwise the first regex that matches ("Ingress Path Matching",
kubernetes.github.io/ingress-nginx). So a route without variables is an Exact path; a route
with variables is its plan regex; `$default` is the Prefix `/`, the shortest. Where two
routes with variables can match one request and the longer regex is not the one the model
prefers, the order is the controller's and a TG002 says so.

Per route and placement one Ingress, so each carries its own annotations: the upstream path
(`rewrite-target`, `$1`… for the path's variables), timeouts, rate limits (per client
address: an approximation), CORS. ingress-nginx matches no methods and checks no tokens
without an external auth service: methods are said, auth refused.
"""

from __future__ import annotations

import math
import re

from apic.compiler import codes
from apic.compiler.model import Api, HttpMethod, K8sService
from apic.compiler.plan.cors import cors_plan
from apic.compiler.plan.paths import Placement, placements, public_template
from apic.compiler.plan.routes import RoutePlan, contested, route_plans
from apic.targets.k8s.kong import ingress_name
from apic.targets.k8s.objects import Ingresses, ingress_spec, k8s_service
from apic.targets.kongplugins.routing import kong_path
from apic.targets.kubetls import say_certificate_secrets
from apic.targets.unwritten import Unwritten, refuse_checks, refuse_cors_clashes, say_unwritten

NGINX = "nginx.ingress.kubernetes.io/"
_VARIABLE = re.compile(r"\{([^{}]+)\}")


def nginx_path(plan: RoutePlan, place: Placement) -> tuple[str, str]:
    """(path, pathType) of a route behind its placement."""
    prefix = "/" + place.base_path if place.base_path else ""
    if plan.pattern.catch_all:
        return (prefix or "/", "Prefix")
    if plan.pattern.literal:
        return ((prefix + plan.route.path).rstrip("/") or "/", "Exact")
    return (kong_path(plan.pattern, place.base_path)[1:], "ImplementationSpecific")


class NginxApi:
    def __init__(self, api: Api, out: Ingresses) -> None:
        self.api = api
        self.out = out
        self.plans = route_plans(api)
        self.preflight_plan = cors_plan(api, [p.route for p in self.plans])
        self.preflights = self.preflight_plan.by_path

    def build(self) -> None:
        refuse_cors_clashes(self.out, self.preflight_plan)
        taken: dict[tuple[tuple[str, ...], str], RoutePlan] = {}
        for plan in self.plans:
            service = k8s_service(self.out, plan)
            if service is None or not self.allowed(plan):
                continue
            for place in placements(self.api, plan.route):
                path = nginx_path(plan, place)[0]
                other = taken.get((place.hosts, path))
                if other is not None:
                    self.out.report(
                        codes.TARGET_UNSUPPORTED,
                        plan.route,
                        None,
                        f"{plan.route.label} and {other.route.label} differ only by method, and "
                        "ingress-nginx matches no methods: one location would take both",
                        help="use --option controller=kong or alb, which match methods",
                    )
                    continue
                taken[(place.hosts, path)] = plan
                self.ingress(plan, place, service)
        self.say_order()
        left_out = {
            Unwritten.CACHES,
            Unwritten.VALIDATION,
            Unwritten.TRACING,
            Unwritten.GATEWAY_RESPONSES,
            Unwritten.VPC_LINKS,
            Unwritten.FORWARDING,
        }
        say_unwritten(self.out, self.api, "ingress-nginx", left_out)
        say_certificate_secrets(
            self.out, self.api, "ingress-nginx", "in the namespace of each Ingress on the host"
        )

    def allowed(self, plan: RoutePlan) -> bool:
        route = plan.route
        if not plan.auth.public and not any(a.checks for a in plan.auth.alternatives):
            return False  # an API key alone: the capability table refuses it (API_KEYS)
        if refuse_checks(
            self.out,
            plan,
            "ingress-nginx checks no keys or tokens without an external auth service (auth-url)",
            help="use --option controller=kong, which carries the auth plugins",
        ):
            return False
        if HttpMethod.ANY not in route.methods:
            self.out.report(
                codes.TARGET_APPROXIMATION,
                route,
                "methods",
                f"{route.label}: ingress-nginx matches no methods; every method of the path reaches the "
                "service",
            )
        return True

    def say_order(self) -> None:
        pairs = contested(self.plans)
        if pairs:
            first = pairs[0][0].route
            shouted = _VARIABLE.sub("x", first.path).upper()
            self.out.report(
                codes.TARGET_APPROXIMATION,
                self.api,
                "name",
                f"api `{self.api.name}`: ingress-nginx matches regex paths without regard to case (`~*`), so "
                f"`{shouted}` reaches {first.label} too",
            )
        for first, rivals in pairs:
            losing = [
                later.route.label for later in rivals if len(first.pattern.regex) <= len(later.pattern.regex)
            ]
            if losing:
                self.out.report(
                    codes.TARGET_APPROXIMATION,
                    first.route,
                    "path",
                    f"{first.route.label} must win over {', '.join(losing)} where both match, but "
                    "ingress-nginx tries the longer regex first",
                )

    def ingress(self, plan: RoutePlan, place: Placement, service: K8sService) -> None:
        route = plan.route
        path, path_type = nginx_path(plan, place)
        annotations = {NGINX + "use-regex": "true", NGINX + "backend-protocol": "HTTP"}
        target = self.rewrite(plan, place, path)
        if target is not None:
            annotations[NGINX + "rewrite-target"] = target
        if plan.upstream.timeout is not None:
            seconds = str(max(1, math.ceil(plan.upstream.timeout.seconds)))
            for kind in ("connect", "send", "read"):
                annotations[f"{NGINX}proxy-{kind}-timeout"] = seconds
        annotations.update(self.limits(plan, place))
        preflight = self.preflights.get(route.path) if plan.cors is not None else None
        if preflight is not None:
            annotations.update(
                {
                    NGINX + "enable-cors": "true",
                    NGINX + "cors-allow-origin": ", ".join(preflight.allow_origins),
                    NGINX + "cors-allow-methods": ", ".join(preflight.allow_methods),
                    NGINX + "cors-allow-headers": ", ".join(preflight.allow_headers),
                    NGINX + "cors-allow-credentials": "true" if preflight.allow_credentials else "false",
                }
            )
            if preflight.expose_headers:
                annotations[NGINX + "cors-expose-headers"] = ", ".join(preflight.expose_headers)
            if preflight.max_age_seconds is not None:
                annotations[NGINX + "cors-max-age"] = str(int(preflight.max_age_seconds))
        backend = {"service": {"name": service.service, "port": {"number": service.port}}}
        entry = {"path": path, "pathType": path_type, "backend": backend}
        rules = [{"host": h, "http": {"paths": [entry]}} for h in place.hosts] or [
            {"http": {"paths": [entry]}}
        ]
        self.out.objects.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {
                    "name": ingress_name(self.api, route, place),
                    "namespace": service.namespace or "default",
                    "labels": {"app.kubernetes.io/managed-by": "apic"},
                    "annotations": dict(sorted(annotations.items())),
                },
                "spec": ingress_spec("nginx", rules, place.hosts),
            }
        )

    def rewrite(self, plan: RoutePlan, place: Placement, path: str) -> str | None:
        """`rewrite-target` when the backend expects another path than the public one: the
        template with `$1`… for the variables, in the order the path captures them."""
        template = plan.upstream.path_template
        if plan.pattern.catch_all or template == public_template(plan.route, place.base_path):
            return None
        index = {variable: n for n, (variable, _) in enumerate(plan.pattern.captures, start=1)}
        missing = [v for v in _VARIABLE.findall(template) if v not in index]
        if missing:
            self.out.report(
                codes.TARGET_UNSUPPORTED,
                plan.route,
                "upstream_path" if plan.route.upstream_path else None,
                f"{plan.route.label}: the upstream path `{template}` uses `{{{missing[0]}}}`, which the "
                "route path does not capture",
            )
            return None
        return _VARIABLE.sub(lambda m: f"${index[m.group(1)]}", template)

    def limits(self, plan: RoutePlan, place: Placement) -> dict[str, str]:
        route = plan.route
        stage = self.api.stage(place.stage) if place.stage else None
        throttle = route.throttle or (stage.throttle if stage is not None else None)
        if throttle is None or throttle.rate is None:
            return {}
        rate = throttle.rate
        kind = {"s": "limit-rps", "min": "limit-rpm"}.get(rate.per)
        if kind is None:
            self.out.report(
                codes.TARGET_APPROXIMATION,
                throttle,
                "rate",
                f"{route.label}: ingress-nginx limits per second or per minute; `{rate}` is not written",
            )
            return {}
        self.out.report(
            codes.TARGET_APPROXIMATION,
            throttle,
            "rate",
            f"{route.label}: ingress-nginx counts `{rate}` for each client address, not for all clients "
            "together",
        )
        found = {NGINX + kind: str(max(1, math.ceil(rate.amount)))}
        if throttle.burst is not None and rate.per == "s":
            found[NGINX + "limit-burst-multiplier"] = str(
                max(1, math.ceil(throttle.burst / max(rate.amount, 1)))
            )
        return found
