"""One API as objects for the Kong Ingress Controller: Ingresses, KongPlugins, KongConsumers.

The controller turns each Ingress path into a Kong route, so the routing of target kong
carries over: a path `/~<regex>` (the controller's spelling of Kong's `~` regex path, since
KIC 2.7 / Kong 3), the methods (`konghq.com/methods`, every method for ANY) and the plan's
priority (`konghq.com/regex-priority`) are set per Ingress, so each route and placement is
an Ingress of its own. Plugins are KongPlugin objects named on the Ingress
(`konghq.com/plugins`) with the configurations target kong writes (`kongplugins`).
Consumers are KongConsumers whose credentials are Secrets labelled
`konghq.com/credential`: a key the source gives is written; one it does not give is a
Secret the user creates (named, flagged, never invented).
"""

from __future__ import annotations

from typing import Any

from apic.compiler import codes
from apic.compiler.model import Api, K8sService, Route
from apic.compiler.plan.caching import cached_in
from apic.compiler.plan.consumers import KeyValue, key_plan
from apic.compiler.plan.cors import cors_plan
from apic.compiler.plan.paths import Placement, placements
from apic.compiler.plan.routes import RoutePlan, route_plans
from apic.targets.k8s.objects import Ingresses, ingress_spec, k8s_service
from apic.targets.kongplugins.auth import (
    ANONYMOUS,
    acl,
    anonymous_taken,
    auth_plugins,
    basic_auth_warnings,
    plan_group,
)
from apic.targets.kongplugins.limits import plan_limit, route_limit, route_limited, warn_burst
from apic.targets.kongplugins.routing import kong_path, methods, rewrite
from apic.targets.kongplugins.traffic import (
    cors,
    forwarding,
    proxy_cache,
    tracing_enabled,
)
from apic.targets.kubenames import dns_name, hashed_name
from apic.targets.kubetls import say_certificate_secrets
from apic.targets.unwritten import Unwritten, refuse_cors_clashes, say_unwritten

Json = Any
KONG_API = "configuration.konghq.com/v1"
ANON = "apic:for-anonymous"  # marks, inside apic only, the plugin the anonymous consumer names
CLASS = {"kubernetes.io/ingress.class": "kong"}


def ingress_name(api: Api, route: Route, place: Placement) -> str:
    readable = dns_name(api.name, place.base_path, "-".join(m.value for m in route.methods), route.path)
    return hashed_name(readable, f"{api.name}:{route.label}:{place.base_path}:{place.stage or ''}")


class KongApi:
    def __init__(self, api: Api, out: Ingresses) -> None:
        self.api = api
        self.out = out
        self.plans = route_plans(api)
        self.preflight_plan = cors_plan(api, [p.route for p in self.plans])
        self.preflights = self.preflight_plan.by_path
        self.namespaces: list[str] = []
        self.anonymous: list[
            tuple[str, str, Route]
        ] = []  # (namespace, plugin, route) for the anonymous consumer

    def build(self) -> None:
        refuse_cors_clashes(self.out, self.preflight_plan)
        for plan in self.plans:
            service = self.service(plan)
            if service is None:
                continue
            for place in placements(self.api, plan.route):
                self.route(plan, place, service)
        basic_auth_warnings(self.out, self.api, self.plans)
        self.consumers()
        self.anonymous_consumer()
        left_out = {Unwritten.VALIDATION, Unwritten.GATEWAY_RESPONSES, Unwritten.VPC_LINKS}
        say_unwritten(self.out, self.api, "the Kong controller's output", left_out)
        say_certificate_secrets(
            self.out, self.api, "the Kong controller", "in the namespace of each Ingress on the host"
        )
        if tracing_enabled(self.api):
            node = (
                self.api.tracing
                if self.api.tracing is not None
                else next(s for s in self.api.stages if s.tracing)
            )
            self.out.report(
                codes.TARGET_APPROXIMATION,
                node,
                None if self.api.tracing is not None else "tracing",
                f"api `{self.api.name}`: no opentelemetry plugin is written for the Kong controller: the "
                "collector's endpoint is not in the source (target kong writes a decK placeholder for it)",
            )

    def service(self, plan: RoutePlan) -> K8sService | None:
        return k8s_service(self.out, plan)

    def route(self, plan: RoutePlan, place: Placement, service: K8sService) -> None:
        route = plan.route
        namespace = service.namespace or "default"
        if namespace not in self.namespaces:
            self.namespaces.append(namespace)
        name = ingress_name(self.api, route, place)
        plugins = self.route_plugins(plan, place)
        if plugins is None:
            return
        names = []
        for plugin in plugins:
            plugin_name = hashed_name(f"{name[:40]}-{plugin['name']}", f"{name}:{plugin['name']}")
            names.append(plugin_name)
            if plugin.pop(ANON, False):
                self.anonymous.append((namespace, plugin_name, route))
            self.out.objects.append(
                {
                    "apiVersion": KONG_API,
                    "kind": "KongPlugin",
                    "metadata": {"name": plugin_name, "namespace": namespace, "annotations": dict(CLASS)},
                    "plugin": plugin["name"],
                    "config": plugin["config"],
                }
            )
        preflight = plan.cors is not None and route.path in self.preflights
        annotations = {
            "konghq.com/strip-path": "false",
            "konghq.com/methods": ",".join(methods(plan, with_options=preflight)),
            "konghq.com/regex-priority": str(plan.priority),
        }
        if names:
            annotations["konghq.com/plugins"] = ",".join(sorted(names))
        if place.hosts:
            # a custom domain answers HTTPS only, as API Gateway's does: plain HTTP is redirected
            annotations["konghq.com/protocols"] = "https"
            annotations["konghq.com/https-redirect-status-code"] = "308"
        path = {
            "path": "/" + kong_path(plan.pattern, place.base_path),
            "pathType": "ImplementationSpecific",
            "backend": {"service": {"name": service.service, "port": {"number": service.port}}},
        }
        rules = [{"host": h, "http": {"paths": [path]}} for h in place.hosts] or [{"http": {"paths": [path]}}]
        self.out.objects.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": {"app.kubernetes.io/managed-by": "apic"},
                    "annotations": annotations,
                },
                "spec": ingress_spec("kong", rules, place.hosts),
            }
        )
        if plan.upstream.timeout is not None:
            self.out.report(
                codes.TARGET_APPROXIMATION,
                route,
                "timeout" if route.timeout else None,
                f"{route.label}: the Kong controller reads timeouts from the Service "
                f"(`konghq.com/read-timeout` on `{service.service}`), which apic does not write",
            )

    def route_plugins(self, plan: RoutePlan, place: Placement) -> list[dict[str, Json]] | None:
        route = plan.route
        auth = auth_plugins(self.out, self.api, plan)
        plugins = list(auth.plugins)
        if auth.anonymous:
            # named on both this route's Ingress and the anonymous KongConsumer, the controller
            # applies it to that consumer on this route: requests no alternative accepted
            plugins.append(
                {
                    "name": "request-termination",
                    "config": {"status_code": 401, "message": "Unauthorized"},
                    ANON: True,
                }
            )
        if auth.api_key and self.api.usage_plans:
            plugins.append(acl(self.api, place.stage))
        stage = self.api.stage(place.stage) if place.stage else None
        throttle = route.throttle or (stage.throttle if stage is not None else None)
        if throttle is not None:
            warn_burst(self.out, throttle.burst, throttle, f"{route.label} throttle")
        limit = route_limit(self.out, route, stage)
        if limit is not None:
            plugins.append(limit)
        preflight = self.preflights.get(route.path) if plan.cors is not None else None
        if preflight is not None:
            plugins.append(cors(preflight))
        cached = cached_in(self.api, route, stage) if plan.cached else []
        if cached:
            plugins.append(proxy_cache(self.out, plan, cached))
        try:
            uri = rewrite(plan, place, "", "")
        except ValueError as error:
            self.out.report(codes.TARGET_UNSUPPORTED, route, None, f"{route.label}: {error}")
            return None
        transformer, correlation = forwarding(self.out, plan, uri)
        plugins.extend(p for p in (transformer, correlation) if p is not None)
        return plugins

    def anonymous_consumer(self) -> None:
        """The consumer the auth plugins of routes with alternatives let failed requests through
        as, and on which those routes' request-termination plugins stop them. Kong consumers
        are global, so there is one, in the namespace of the first such route; a plugin it
        names must be in its namespace."""
        if not self.anonymous:
            return
        written = self.written_consumer(ANONYMOUS)  # by an earlier API of the same file
        namespace = written["metadata"]["namespace"] if written else self.anonymous[0][0]
        for other, _, route in self.anonymous:
            if other != namespace:
                self.out.report(
                    codes.TARGET_UNSUPPORTED,
                    route,
                    "auth",
                    f"{route.label} accepts alternatives in namespace `{other}`, but the anonymous "
                    f"consumer they need is in `{namespace}`, and a KongConsumer names plugins of its "
                    "own namespace only",
                    help="serve the routes with alternatives from one namespace",
                )
        names = sorted(plugin for ns, plugin, _ in self.anonymous if ns == namespace)
        if written is not None:
            annotations = written["metadata"]["annotations"]
            earlier = annotations["konghq.com/plugins"].split(",")
            annotations["konghq.com/plugins"] = ",".join(sorted({*earlier, *names}))
            return
        self.out.objects.append(
            {
                "apiVersion": KONG_API,
                "kind": "KongConsumer",
                "metadata": {
                    "name": ANONYMOUS,
                    "namespace": namespace,
                    "annotations": {**CLASS, "konghq.com/plugins": ",".join(names)},
                },
                "username": ANONYMOUS,
            }
        )

    def consumers(self) -> None:
        """KongConsumers in the API's first namespace, each with its credentials (Secrets) and
        its plan's rate limit (a KongPlugin named on the consumer)."""
        if not self.api.consumers:
            return
        namespace = self.namespaces[0] if self.namespaces else "default"
        plans = {p.name: p for p in self.api.usage_plans}
        for key in key_plan(self.api).consumers:
            consumer = key.consumer
            if anonymous_taken(self.out, consumer):
                continue
            if self.written_consumer(consumer.name) is not None:
                self.out.report(
                    codes.TARGET_UNSUPPORTED,
                    consumer,
                    None,
                    f"consumer `{consumer.name}` is declared by another api too: the Kong controller "
                    "makes every KongConsumer a consumer of the one Kong, and usernames are unique there",
                    help="declare the consumer in one api, or give each api's consumer its own name",
                )
                continue
            name = dns_name(consumer.name)
            credentials = []
            if key.enabled:
                secret = dns_name(name, "key-auth")
                credentials.append(secret)
                if key.value is KeyValue.GIVEN and key.secret is not None:
                    self.secret(secret, namespace, "key-auth", {"key": key.secret})
                else:
                    self.out.report(
                        codes.TARGET_APPROXIMATION,
                        consumer,
                        "api_key" if key.value is KeyValue.ENV else None,
                        f"consumer `{consumer.name}`: its key is not in the source, so its Secret "
                        f"`{secret}` is not written; create it in namespace `{namespace}` with the key "
                        "and the label konghq.com/credential=key-auth",
                        help=f"kubectl -n {namespace} create secret generic {secret} --from-literal=key=… && "
                        f"kubectl -n {namespace} label secret {secret} konghq.com/credential=key-auth",
                    )
            annotations = dict(CLASS)
            if key.plan in plans:
                acl = dns_name(name, "acl")
                credentials.append(acl)
                self.secret(acl, namespace, "acl", {"group": plan_group(self.api, key.plan)})
                limit = plan_limit(self.out, plans[key.plan], route_limited(self.api))
                if limit is not None:
                    plugin_name = dns_name(name, "rate-limiting")
                    annotations["konghq.com/plugins"] = plugin_name
                    self.out.objects.append(
                        {
                            "apiVersion": KONG_API,
                            "kind": "KongPlugin",
                            "metadata": {
                                "name": plugin_name,
                                "namespace": namespace,
                                "annotations": dict(CLASS),
                            },
                            "plugin": "rate-limiting",
                            "config": limit["config"],
                        }
                    )
            entity: dict[str, Json] = {
                "apiVersion": KONG_API,
                "kind": "KongConsumer",
                "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
                "username": consumer.name,
            }
            if credentials:
                entity["credentials"] = credentials
            self.out.objects.append(entity)

    def written_consumer(self, username: str) -> dict[str, Json] | None:
        """The KongConsumer an earlier API of the same compile wrote for `username`."""
        return next(
            (o for o in self.out.objects if o["kind"] == "KongConsumer" and o.get("username") == username),
            None,
        )

    def secret(self, name: str, namespace: str, credential: str, data: dict[str, str]) -> None:
        self.out.objects.append(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": {"konghq.com/credential": credential},
                },
                "stringData": data,
            }
        )
