"""One API of the model as Kong entities: the plan printed in decK's shape."""

from __future__ import annotations

import re

from apic.compiler import codes
from apic.compiler.model import Api, Backend, BackendType, HealthCheck, Stage
from apic.compiler.plan.caching import cached_in
from apic.compiler.plan.consumers import ConsumerKey, KeyValue, key_plan
from apic.compiler.plan.cors import cors_plan
from apic.compiler.plan.paths import Placement, placements
from apic.compiler.plan.routes import RoutePlan, route_plans
from apic.targets.kong.config import Json, KongConfig
from apic.targets.kong.names import entity_id, host_label, slug
from apic.targets.kong.services import Destination, destination
from apic.targets.kongplugins.auth import (
    ANONYMOUS,
    acl,
    anonymous_taken,
    auth_plugins,
    basic_auth_warnings,
    plan_group,
)
from apic.targets.kongplugins.limits import plan_limit, route_limit, route_limited, warn_burst
from apic.targets.kongplugins.routing import kong_path, methods, rewrite, shared_prefix
from apic.targets.kongplugins.traffic import (
    cors,
    forwarding,
    proxy_cache,
    sampling_rate,
    sampling_rules,
    tracing_enabled,
)
from apic.targets.unwritten import refuse_cors_clashes

LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:")
OTEL_ENDPOINT_ENV = "DECK_OTEL_TRACES_ENDPOINT"
# Application Load Balancer target-group defaults, for what a health_check leaves unset
HEALTH_DEFAULTS = {"interval": 30, "timeout": 5, "healthy": 5, "unhealthy": 2}


def deck_variable(variable: str) -> str:
    """decK substitutes only environment variables whose names start with DECK_."""
    return variable if variable.startswith("DECK_") else "DECK_" + variable


def env_placeholder(variable: str) -> str:
    """What decK replaces with the variable's value when it reads the file."""
    return '${{ env "' + deck_variable(variable) + '" }}'


def env_name(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def whole_seconds(milliseconds: float) -> int:
    """decK's schema wants whole seconds for health-check timings; never 0 (that disables)."""
    return max(1, -(-int(milliseconds) // 1000))


class ApiBuilder:
    def __init__(self, api: Api, config: KongConfig) -> None:
        self.api = api
        self.config = config
        self.plans = route_plans(api)
        self.preflight_plan = cors_plan(api, [p.route for p in self.plans])
        self.preflights = self.preflight_plan.by_path
        self.rules = sampling_rules(api)
        self.needs_anonymous = False
        by_service: dict[str, list[RoutePlan]] = {}
        for plan in self.plans:
            if plan.upstream.backend is not None:
                by_service.setdefault(self.service_key(plan, plan.upstream.backend), []).append(plan)
        self.prefixes = {key: shared_prefix(plans) for key, plans in by_service.items()}

    def build(self) -> None:
        refuse_cors_clashes(self.config, self.preflight_plan)
        for plan in self.plans:
            for exposure in placements(self.api, plan.route):
                self.route(plan, exposure)
        self.consumers()
        basic_auth_warnings(self.config, self.api, self.plans)
        self.warn_unwritten()
        if self.needs_anonymous:
            self.config.consumer(ANONYMOUS)

    # --- routes ---------------------------------------------------------------------------

    def route(self, plan: RoutePlan, exposure: Placement) -> None:
        route, api = plan.route, self.api
        backend = plan.upstream.backend
        if backend is None:
            if route.backend is None:  # an undefined one the binder has reported
                self.config.report(
                    codes.TARGET_MISSING_FIELD,
                    route,
                    None,
                    f"{route.label} has no backend: a Kong route needs a service to send requests to",
                    help="give the route (or the document's servers) an absolute URL",
                )
            return
        if backend.type in (BackendType.MOCK, BackendType.AWS):
            return  # refused by the capability table
        key = f"{api.name}:{route.label}:{exposure.base_path}:{exposure.stage or ''}"
        parts = (api.name, exposure.base_path, "-".join(m.value for m in route.methods), route.path)
        readable = ".".join(slug(p) for p in parts if p)
        name = self.config.names.name("route", key, readable)
        preflight = self.preflights.get(route.path) if plan.cors is not None else None
        entity: dict[str, Json] = {
            "name": name,
            "id": entity_id("route", key),
            "methods": methods(plan, with_options=preflight is not None),
            "paths": [kong_path(plan.pattern, exposure.base_path)],
            "regex_priority": plan.priority,
            "strip_path": False,
        }
        if exposure.hosts:
            entity["hosts"] = list(exposure.hosts)
        stage = api.stage(exposure.stage) if exposure.stage else None
        plugins = self.route_plugins(plan, exposure, stage, name, preflight)
        if backend.type is BackendType.LAMBDA:
            function = self.lambda_plugin(plan, backend)
            if function is None:
                return
            plugins.append(function)
            entity["plugins"] = plugins
            self.config.routes.append(entity)
            return
        target = destination(backend, plan.upstream.origin)
        if isinstance(target, str):
            self.config.report(codes.TARGET_UNSUPPORTED, backend, "url" if backend.url else None, target)
            return
        key = self.service_key(plan, backend)
        try:
            uri = rewrite(plan, exposure, target.path, self.prefixes[key])
        except ValueError as error:
            self.config.report(codes.TARGET_UNSUPPORTED, route, None, f"{route.label}: {error}")
            return
        transformer, correlation = forwarding(self.config, plan, uri)
        plugins.extend(p for p in (transformer, correlation) if p is not None)
        if plugins:
            entity["plugins"] = plugins
        service = self.service(plan, backend, target, key)
        service.setdefault("routes", []).append(entity)

    def route_plugins(
        self, plan: RoutePlan, exposure: Placement, stage: Stage | None, name: str, preflight: object
    ) -> list[dict[str, Json]]:
        plugins: list[dict[str, Json]] = []
        auth = auth_plugins(self.config, self.api, plan)
        plugins.extend(auth.plugins)
        if auth.anonymous:
            self.needs_anonymous = True
            self.config.plugins.append(
                {
                    "name": "request-termination",
                    "id": entity_id("plugin", f"request-termination:{name}:{ANONYMOUS}"),
                    "route": name,
                    "consumer": ANONYMOUS,
                    "config": {"status_code": 401, "message": "Unauthorized"},
                }
            )
        elif auth.api_key and self.api.usage_plans:
            plugins.append(acl(self.api, exposure.stage))
        limit = route_limit(self.config, plan.route, stage)
        if limit is not None:
            plugins.append(limit)
        if preflight is not None:
            plugins.append(cors(preflight))  # type: ignore[arg-type]
        cached = cached_in(self.api, plan.route, stage) if plan.cached else []
        if cached:
            plugins.append(proxy_cache(self.config, plan, cached))
        if tracing_enabled(self.api):
            rate = sampling_rate(
                self.api,
                plan,
                self.rules,
                exposure.hosts,
                "/" + exposure.base_path + plan.route.path if exposure.base_path else plan.route.path,
            )
            plugins.append(
                {
                    "name": "opentelemetry",
                    "config": {"traces_endpoint": env_placeholder(OTEL_ENDPOINT_ENV), "sampling_rate": rate},
                }
            )
        return plugins

    def service_key(self, plan: RoutePlan, backend: Backend) -> str:
        """One service per backend, and one more per timeout a route sets apart from the
        backend's own (Kong's timeouts are the service's)."""
        timeout = plan.upstream.timeout
        own = timeout is not None and timeout != backend.timeout
        return f"{self.api.name}:{backend.name}" + (f":{timeout}" if own else "")

    def service(self, plan: RoutePlan, backend: Backend, target: Destination, key: str) -> dict[str, Json]:
        if key in self.config.services:
            return self.config.services[key]
        timeout = plan.upstream.timeout
        readable = slug(f"{self.api.name}.{backend.name}") + (
            "." + key.rsplit(":", 1)[1] if key.count(":") > 1 else ""
        )
        entity: dict[str, Json] = {
            "name": self.config.names.name("service", key, readable),
            "id": entity_id("service", key),
            "protocol": target.protocol,
            "host": target.host,
            "port": target.port,
        }
        if target.path + self.prefixes[key]:
            entity["path"] = target.path + self.prefixes[key]
        if target.tls_verify is not None:
            entity["tls_verify"] = target.tls_verify
        if timeout is not None:
            milliseconds = max(1, int(timeout.milliseconds))
            entity.update(connect_timeout=milliseconds, read_timeout=milliseconds, write_timeout=milliseconds)
        if plan.upstream.health_check is not None:
            entity["host"] = self.upstream(backend, plan.upstream.health_check, target)
        self.config.services[key] = entity
        return entity

    def upstream(self, backend: Backend, check: HealthCheck, target: Destination) -> str:
        """An upstream with active and passive checks, named as a host the service points at;
        `host_header` keeps the Host the backend expects (Kong would send the upstream's name)."""
        name = f"{host_label(self.api.name)}.{host_label(backend.name)}.upstream"
        interval = (
            whole_seconds(check.interval.milliseconds) if check.interval else HEALTH_DEFAULTS["interval"]
        )
        timeout = whole_seconds(check.timeout.milliseconds) if check.timeout else HEALTH_DEFAULTS["timeout"]
        healthy = check.healthy or HEALTH_DEFAULTS["healthy"]
        unhealthy = check.unhealthy or HEALTH_DEFAULTS["unhealthy"]
        active: dict[str, Json] = {
            "type": target.protocol,
            "http_path": check.path,
            "timeout": timeout,
            "healthy": {"interval": interval, "successes": healthy},
            "unhealthy": {
                "interval": interval,
                "http_failures": unhealthy,
                "tcp_failures": unhealthy,
                "timeouts": unhealthy,
            },
        }
        if target.protocol == "https" and target.tls_verify is not None:
            active["https_verify_certificate"] = target.tls_verify
        self.config.upstreams[name] = {
            "name": name,
            "id": entity_id("upstream", name),
            "host_header": target.host,
            "healthchecks": {
                "active": active,
                "passive": {
                    "type": target.protocol,
                    "healthy": {"successes": healthy},
                    "unhealthy": {
                        "http_failures": unhealthy,
                        "tcp_failures": unhealthy,
                        "timeouts": unhealthy,
                    },
                },
            },
            "targets": [{"target": f"{target.host}:{target.port}", "weight": 100}],
        }
        return name

    def lambda_plugin(self, plan: RoutePlan, backend: Backend) -> dict[str, Json] | None:
        function = backend.function or ""
        match = LAMBDA_ARN.match(function)
        region = match.group(1) if match else self.api.region
        if not function or "${" in function:
            self.config.report(
                codes.TARGET_UNSUPPORTED,
                backend,
                "function" if backend.function else None,
                f"backend `{backend.name}`: Kong's aws-lambda plugin needs the function's name or ARN"
                + (f", not `{function}`" if function else "")
                + (
                    " (Kong resolves no CloudFormation reference or stage variable)"
                    if "${" in function
                    else ""
                ),
            )
            return None
        if region is None:
            self.config.report(
                codes.TARGET_MISSING_FIELD,
                backend,
                "function",
                f"backend `{backend.name}`: Kong's aws-lambda plugin needs the function's region; "
                "give the function's ARN or the api's `region`",
            )
            return None
        settings: dict[str, Json] = {
            "function_name": function,
            "aws_region": region,
            "awsgateway_compatible": True,  # the API Gateway proxy event the function expects
        }
        if plan.upstream.timeout is not None:
            settings["timeout"] = max(1, int(plan.upstream.timeout.milliseconds))
        return {"name": "aws-lambda", "config": settings}

    # --- consumers ------------------------------------------------------------------------

    def consumers(self) -> None:
        keys = key_plan(self.api)
        plans = {p.name: p for p in self.api.usage_plans}
        limited = route_limited(self.api)
        for key in keys.consumers:
            consumer = key.consumer
            if anonymous_taken(self.config, consumer):
                continue
            if consumer.name in self.config.consumers:
                self.config.report(
                    codes.TARGET_UNSUPPORTED,
                    consumer,
                    None,
                    f"consumer `{consumer.name}` is declared by another api too: Kong consumers are global",
                )
                continue
            entity = self.config.consumer(consumer.name)
            if key.enabled:
                entity["keyauth_credentials"] = [
                    {"key": self.key_value(key), "id": entity_id("keyauth", consumer.name)}
                ]
            if key.plan in plans:
                entity["acls"] = [
                    {
                        "group": plan_group(self.api, key.plan),
                        "id": entity_id("acl", f"{consumer.name}:{key.plan}"),
                    }
                ]
                limit = plan_limit(self.config, plans[key.plan], limited)
                if limit is not None:
                    entity["plugins"] = [limit]

    def key_value(self, key: ConsumerKey) -> str:
        consumer = key.consumer
        if key.value is KeyValue.GIVEN and key.secret is not None:
            return key.secret
        variable = key.env if key.value is KeyValue.ENV else f"{env_name(consumer.name)}_API_KEY"
        placeholder = env_placeholder(variable)
        said = (
            f"reads its key from `{variable}`"
            if key.value is KeyValue.ENV
            else "has no api_key, and Kong generates none"
        )
        self.config.report(
            codes.TARGET_APPROXIMATION,
            consumer,
            "api_key" if key.value is KeyValue.ENV else None,
            f"consumer `{consumer.name}` {said}; the Kong file holds the placeholder "
            f"{placeholder}, which decK fills when it syncs (Kong itself does not)",
            help=f"export {deck_variable(variable)} before `deck gateway sync`",
        )
        return placeholder

    # --- what has no place in a Kong file --------------------------------------------------

    def warn_unwritten(self) -> None:
        api, config = self.api, self.config
        for plan in self.plans:
            throttle = plan.route.throttle
            if throttle is not None:
                warn_burst(config, throttle.burst, throttle, f"{plan.route.label} throttle")
            if plan.route.validate is not None and plan.route.validate.value != "none":
                config.report(
                    codes.TARGET_APPROXIMATION,
                    plan.route,
                    "validate",
                    f"{plan.route.label}: request validation is not written (Kong's request-validator "
                    "plugin needs the schemas, which the model does not carry)",
                )
        caches = [(p.route.cache, f"{p.route.label}") for p in self.plans if p.route.cache is not None]
        caches += [(s.cache, f"stage `{s.name}`") for s in api.stages if s.cache is not None]
        for cache, what in caches:
            config.report(
                codes.TARGET_APPROXIMATION,
                cache,
                None,
                f"{what}: Kong's proxy-cache keeps only responses it is told the content type of "
                "(by default application/json and text/plain); API Gateway caches any",
            )
        for stage in api.stages:
            if stage.throttle is not None:
                warn_burst(config, stage.throttle.burst, stage.throttle, f"stage `{stage.name}` throttle")
            if stage.cache is not None and stage.cache.encrypted:
                config.report(
                    codes.TARGET_APPROXIMATION,
                    stage.cache,
                    "encrypted",
                    f"stage `{stage.name}`: Kong's proxy-cache keeps entries in Kong's shared memory, "
                    "unencrypted and never on disk",
                )
        for response in api.gateway_responses:
            config.report(
                codes.TARGET_APPROXIMATION,
                response,
                None,
                f"gateway response `{response.type}` is not written: Kong answers with its own error "
                "bodies (set in kong.conf's error templates)",
            )
        for link in api.vpc_links:
            config.report(
                codes.TARGET_APPROXIMATION,
                link,
                None,
                f"vpc_link `{link.name}` is not written: Kong connects to the backend's address itself, "
                "so it must run where that address is reachable",
            )
        for domain in api.domains:
            config.report(
                codes.TARGET_APPROXIMATION,
                domain,
                "certificate",
                f"domain `{domain.host}`: its routes match the host, but the ACM certificate is not "
                "written; load a certificate and SNI for it into Kong",
            )
        if tracing_enabled(api) and any(p for p in self.plans):
            node = api.tracing if api.tracing is not None else next(s for s in api.stages if s.tracing)
            config.report(
                codes.TARGET_APPROXIMATION,
                node,
                None if api.tracing is not None else "tracing",
                f"api `{api.name}`: traces go to the OpenTelemetry collector at "
                f"{env_placeholder(OTEL_ENDPOINT_ENV)}, filled by decK; sampling reservoirs (fixed_target) "
                "are not written, Kong samples a fraction",
            )
        if len(api.stages) > 1 and not api.domains and any(s.throttle or s.cache for s in api.stages):
            config.report(
                codes.TARGET_APPROXIMATION,
                api,
                None,
                f"api `{api.name}` has several stages and no domain: Kong serves one deployment, so no "
                "stage's throttle or cache is written",
            )
