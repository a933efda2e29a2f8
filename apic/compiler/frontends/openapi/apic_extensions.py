"""x-apic-* extension values -> model nodes, with their errors at the right position."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from apic.compiler import codes
from apic.compiler.apigateway import parse_source
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl import values as v
from apic.compiler.frontends.openapi.documents import Cursor
from apic.compiler.frontends.openapi.extensions import DOCUMENT_KEYS, OPERATION_KEYS, XDocument, XOperation
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.model import (
    AccessLog,
    Backend,
    BackendType,
    BasePathMapping,
    Canary,
    Consumer,
    CorsPolicy,
    Domain,
    EndpointType,
    EnvRef,
    HealthCheck,
    HttpMethod,
    K8sService,
    LogLevel,
    MethodThrottle,
    Route53,
    RouteCache,
    SamplingDefault,
    SamplingRule,
    Stage,
    StageCache,
    Throttle,
    Tracing,
    UsagePlan,
    VpcLink,
)
from apic.compiler.source import Span
from apic.compiler.suggest import did_you_mean

M = TypeVar("M", bound=BaseModel)
_QUANTITY = re.compile(r"(-?\d+(?:\.\d+)?)([A-Za-z%]+|/[A-Za-z]+)?")


class ApicExtensions:
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics

    # -- validation ----------------------------------------------------------------------
    def read(self, cursor: Cursor, model: type[M], known: set[str]) -> M | None:
        value = cursor.value if isinstance(cursor.value, dict) else {}
        for key in value:
            if isinstance(key, str) and key.startswith("x-apic-") and key not in known | {"x-apic-ignore"}:
                self.diagnostics.append(
                    codes.INVALID_EXTENSION(
                        cursor.document.index.key_span(f"{cursor.pointer}/{escape(key)}"),
                        f"unknown extension `{key}`",
                        help=did_you_mean(key, known) or "see docs/openapi.md",
                    )
                )
        try:
            return model.model_validate({k: v for k, v in value.items() if k in known})
        except ValidationError as error:
            for problem in error.errors():
                pointer = cursor.pointer + "".join(
                    f"/{escape(str(part))}"
                    for part in problem["loc"]
                    if not str(part).startswith(("function-", "str", "XEnv"))
                )
                self.diagnostics.append(
                    codes.INVALID_EXTENSION(
                        cursor.document.index.span(pointer), f"{problem['msg']} at `{pointer or '/'}`"
                    )
                )
            return None

    # -- values --------------------------------------------------------------------------
    def quantity(self, text: str | None, kind: v.ValueType, cursor: Cursor, pointer: str) -> Any:
        if text is None:
            return None
        span = cursor.document.index.span(pointer)
        match = _QUANTITY.fullmatch(str(text).strip())
        if match is None:
            self.diagnostics.append(codes.WRONG_TYPE(span, f"expected {kind.description}, got `{text}`"))
            return None
        number, unit = match.group(1), match.group(2) or ""
        node = ast.Quantity(float(number), unit, "." not in number, str(text).strip(), span)
        try:
            return kind.convert(node, v.BindContext())
        except v.Invalid as invalid:
            self.diagnostics.append(invalid.diagnostic)
            return None

    def throttle(self, value: Any, cursor: Cursor, pointer: str) -> Throttle | None:
        if value is None:
            return None
        return Throttle(
            rate=self.quantity(value.rate, v.RATE, cursor, f"{pointer}/rate"),
            burst=value.burst,
            **located(cursor, pointer),
        )

    # -- document -----------------------------------------------------------------------
    def document(self, root: Cursor) -> tuple[XDocument | None, dict[str, Any]]:
        x = self.read(root, XDocument, DOCUMENT_KEYS)
        if x is None:
            return None, {}
        span = root.document.index.span

        def at(*parts: str) -> str:
            return "".join(f"/{escape(p)}" for p in parts)

        def here(pointer: str) -> dict[str, Any]:
            return located(root, pointer)

        backends = {}
        for name, b in x.backends.items():
            p = at("x-apic-backends", name)
            backends[name] = Backend(
                name=name,
                url=b.url,
                vpc_link=b.vpc_link,
                type=BackendType(b.type) if b.type else None,
                function=b.function,
                uri=b.uri,
                credentials=b.credentials,
                timeout=self.quantity(b.timeout, v.DURATION, root, f"{p}/timeout"),
                tls_verify=b.tls_verify,
                k8s=K8sService(
                    service=b.k8s.service, namespace=b.k8s.namespace, port=b.k8s.port, **here(f"{p}/k8s")
                )
                if b.k8s
                else None,
                health_check=HealthCheck(
                    path=b.health_check.path,
                    interval=self.quantity(
                        b.health_check.interval, v.DURATION, root, f"{p}/health_check/interval"
                    ),
                    timeout=self.quantity(
                        b.health_check.timeout, v.DURATION, root, f"{p}/health_check/timeout"
                    ),
                    healthy=b.health_check.healthy,
                    unhealthy=b.health_check.unhealthy,
                    **here(f"{p}/health_check"),
                )
                if b.health_check
                else None,
                **here(p),
            )
        links = {
            name: VpcLink(
                name=name,
                version=link.version,
                target=link.target,
                id=link.id,
                subnets=tuple(link.subnets),
                security_groups=tuple(link.security_groups),
                **here(at("x-apic-vpc-links", name)),
            )
            for name, link in x.vpc_links.items()
        }
        for name, b in backends.items():
            if b.vpc_link is not None and b.vpc_link not in links:
                self.unknown(root, at("x-apic-backends", name, "vpc_link"), "vpc link", b.vpc_link, links)
        stages = {}
        for name, s in x.stages.items():
            p = at("x-apic-stages", name)
            stages[name] = Stage(
                name=name,
                variables=s.variables,
                tracing=s.tracing,
                throttle=self.throttle(s.throttle, root, f"{p}/throttle"),
                cache=StageCache(
                    size=self.quantity(s.cache.size, v.SIZE, root, f"{p}/cache/size"),
                    ttl=self.quantity(s.cache.ttl, v.DURATION, root, f"{p}/cache/ttl"),
                    encrypted=s.cache.encrypted,
                    **here(f"{p}/cache"),
                )
                if s.cache
                else None,
                canary=Canary(
                    percent=self.quantity(s.canary.percent, v.PERCENT, root, f"{p}/canary/percent"),
                    variables=s.canary.variables,
                    use_stage_cache=s.canary.use_stage_cache,
                    **here(f"{p}/canary"),
                )
                if s.canary
                else None,
                access_log=AccessLog(
                    destination=s.access_log.destination,
                    format=s.access_log.format,
                    custom=s.access_log.format not in (None, "json", "clf"),
                    **here(f"{p}/access_log"),
                )
                if s.access_log
                else None,
                logging=LogLevel(s.logging) if s.logging else None,
                metrics=s.metrics,
                tags=s.tags,
                **here(p),
            )
        plans = {}
        for name, plan in x.usage_plans.items():
            p = at("x-apic-usage-plans", name)
            for position, stage in enumerate(plan.stages):
                if stage not in stages:
                    self.unknown(root, f"{p}/stages/{position}", "stage", stage, stages)
            plans[name] = UsagePlan(
                name=name,
                stages=tuple(plan.stages),
                throttle=self.throttle(plan.throttle, root, f"{p}/throttle"),
                quota=self.quantity(plan.quota, v.RATE, root, f"{p}/quota"),
                method_throttles=tuple(
                    MethodThrottle(
                        method=HttpMethod(m.method),
                        path=m.path,
                        burst=m.burst,
                        rate=self.quantity(m.rate, v.RATE, root, f"{p}/method_throttles/{n}/rate"),
                        **here(f"{p}/method_throttles/{n}"),
                    )
                    for n, m in enumerate(plan.method_throttles)
                ),
                **here(p),
            )
        consumers = {}
        for name, c in x.consumers.items():
            p = at("x-apic-consumers", name)
            if c.plan not in plans:
                self.unknown(root, f"{p}/plan", "usage plan", c.plan, plans)
            key = (
                EnvRef(name=c.api_key.env, **here(f"{p}/api_key")) if hasattr(c.api_key, "env") else c.api_key
            )
            consumers[name] = Consumer(name=name, plan=c.plan, api_key=key, enabled=c.enabled, span=span(p))
        domains = {}
        for host, d in x.domains.items():
            p = at("x-apic-domains", host)
            domains[host] = Domain(
                host=host,
                certificate=d.certificate,
                certificate_names=tuple(d.certificate_names) if d.certificate_names is not None else None,
                endpoint=EndpointType(d.endpoint) if d.endpoint else None,
                tls_policy=d.tls_policy,
                mtls_truststore=d.mtls_truststore,
                route53=None
                if d.route53 is None
                else Route53(
                    zone=d.route53.zone,
                    zone_id=d.route53.zone_id,
                    ipv6=d.route53.ipv6,
                    **here(f"{p}/route53"),
                ),
                base_paths=tuple(
                    sorted(
                        (
                            BasePathMapping(
                                base_path=b,
                                stage=s,
                                span=span(f"{p}/base_paths/{escape(b)}"),
                                field_spans={
                                    "base_path": root.document.index.key_span(f"{p}/base_paths/{escape(b)}"),
                                    "stage": span(f"{p}/base_paths/{escape(b)}"),
                                },
                            )
                            for b, s in d.base_paths.items()
                        ),
                        key=lambda m: (m.base_path, m.stage),
                    )
                ),
                **here(p),
            )
        tracing = None
        if x.tracing is not None:
            t, p = x.tracing, at("x-apic-tracing")
            tracing = Tracing(
                default=SamplingDefault(
                    rate=self.quantity(t.default.rate, v.PERCENT, root, f"{p}/default/rate"),
                    fixed_target=t.default.fixed_target,
                    **here(f"{p}/default"),
                )
                if t.default
                else None,
                exclude_healthchecks=t.exclude_healthchecks,
                rules=tuple(
                    sorted(
                        (
                            SamplingRule(
                                name=n,
                                priority=r.priority,
                                method=HttpMethod(r.method) if r.method else None,
                                path=r.path,
                                host=r.host,
                                rate=self.quantity(r.rate, v.PERCENT, root, f"{p}/rules/{escape(n)}/rate"),
                                fixed_target=r.fixed_target,
                                **here(f"{p}/rules/{escape(n)}"),
                            )
                            for n, r in t.rules.items()
                        ),
                        key=lambda r: r.name,
                    )
                ),
                **here(p),
            )
        cors = {
            name: CorsPolicy(
                name=name or None,
                allow_origins=tuple(c.allow_origins),
                allow_methods=tuple(c.allow_methods),
                allow_headers=tuple(c.allow_headers),
                expose_headers=tuple(c.expose_headers),
                allow_credentials=c.allow_credentials,
                max_age=self.quantity(c.max_age, v.DURATION, root, f"{at('x-apic-cors', name)}/max_age"),
                **here(at("x-apic-cors", name)),
            )
            for name, c in x.cors.items()
        }
        return x, {
            "cors": cors,
            "backends": backends,
            "vpc_links": links,
            "stages": stages,
            "usage_plans": plans,
            "consumers": consumers,
            "domains": domains,
            "tracing": tracing,
        }

    def unknown(self, root: Cursor, pointer: str, kind: str, name: str, table: dict[str, Any]) -> None:
        self.diagnostics.append(
            codes.UNKNOWN_REFERENCE(
                root.document.index.span(pointer),
                f"unknown {kind} `{name}`",
                help=did_you_mean(name, table) or f"declare it in x-apic-{kind.replace(' ', '-')}s",
            )
        )

    # -- operation ----------------------------------------------------------------------
    def operation(self, operation: Cursor) -> dict[str, Any]:
        x = self.read(operation, XOperation, OPERATION_KEYS)
        if x is None:
            return {}
        result: dict[str, Any] = {}
        if x.backend is not None:
            result["backend"] = x.backend
        if x.timeout is not None:
            result["timeout"] = self.quantity(
                x.timeout, v.DURATION, operation, f"{operation.pointer}/x-apic-timeout"
            )
        if x.upstream_path is not None:
            result["upstream_path"] = x.upstream_path
        if x.healthcheck is not None:
            result["healthcheck"] = x.healthcheck
        if x.throttle is not None:
            result["throttle"] = self.throttle(x.throttle, operation, f"{operation.pointer}/x-apic-throttle")
        if x.cors is not None:
            result["cors"] = x.cors
        if x.cache is not None:
            where = f"{operation.pointer}/x-apic-cache"
            keys = []
            for n, text in enumerate(x.cache.keys):
                source = parse_source(text, operation.document.index.span(f"{where}/keys/{n}"))
                if source is None:
                    self.diagnostics.append(
                        codes.INVALID_EXTENSION(
                            operation.document.index.span(f"{where}/keys/{n}"),
                            f"cannot read the cache key `{text}`",
                        )
                    )
                else:
                    keys.append(source)
            result["cache"] = RouteCache(
                ttl=self.quantity(x.cache.ttl, v.DURATION, operation, f"{where}/ttl"),
                keys=tuple(keys),
                encrypted=x.cache.encrypted,
                path_keys=x.cache.path_keys,
                **located(operation, where),
            )
        if x.preflight:
            result["preflight"] = True
        return result


def located(cursor: Cursor, pointer: str) -> dict[str, Any]:
    """`span` and `field_spans` for a node built from the mapping at `pointer`: each field
    points at its key, as a .gw field points at its `name = value` line."""
    index = cursor.document.index
    value = cursor.document.at(pointer)
    fields: dict[str, Span] = {}
    if isinstance(value, dict):
        for key in value:
            if isinstance(key, str):
                fields[key.replace("-", "_")] = index.key_span(f"{pointer}/{escape(key)}")
    return {"span": index.span(pointer), "field_spans": fields}
