"""Bound blocks -> GatewayModel: names resolved, inheritance applied, collections sorted.

This is where `defaults`, `group` and module-level sharing stop existing: every route gets
its effective settings (with `field_spans` pointing at the line each came from), every api
gets its own copy of the module-level blocks (a same-named block in the api wins), and
references are resolved with nearest-name hints.

Lowering is best-effort: after an error it goes on with placeholders (an empty string for a
missing required value) so that one run reports every problem; the loader never returns a
model built from input that had an error. Checks that the lint catalogue owns
(ranges, undeclared parameters, unknown base-path stages) are deliberately left to lint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl import paths
from apic.compiler.frontends.dsl.bind import INVALID, Bound, BoundAttr
from apic.compiler.frontends.dsl.values import NamedRef
from apic.compiler.model import (
    AccessLog,
    Api,
    ApiKind,
    Authorizer,
    AuthorizerType,
    AuthRequirement,
    Backend,
    BasePathMapping,
    Canary,
    Consumer,
    CorsPolicy,
    Domain,
    EndpointType,
    ForwardMapping,
    GatewayModel,
    GatewayResponse,
    HealthCheck,
    HttpMethod,
    IntegrationResponse,
    K8sService,
    MethodThrottle,
    Param,
    Route,
    Route53,
    RouteCache,
    SamplingDefault,
    SamplingRule,
    SourceKind,
    Stage,
    StageCache,
    Template,
    Throttle,
    Tracing,
    UsagePlan,
    VpcLink,
)
from apic.compiler.source import Span
from apic.compiler.suggest import did_you_mean

GATEWAY_RESPONSE_TYPES = (
    "ACCESS_DENIED",
    "API_CONFIGURATION_ERROR",
    "AUTHORIZER_CONFIGURATION_ERROR",
    "AUTHORIZER_FAILURE",
    "BAD_REQUEST_BODY",
    "BAD_REQUEST_PARAMETERS",
    "DEFAULT_4XX",
    "DEFAULT_5XX",
    "EXPIRED_TOKEN",
    "INTEGRATION_FAILURE",
    "INTEGRATION_TIMEOUT",
    "INVALID_API_KEY",
    "INVALID_SIGNATURE",
    "MISSING_AUTHENTICATION_TOKEN",
    "QUOTA_EXCEEDED",
    "REQUEST_TOO_LARGE",
    "RESOURCE_NOT_FOUND",
    "THROTTLED",
    "UNAUTHORIZED",
    "UNSUPPORTED_MEDIA_TYPE",
    "WAF_FILTERED",
)
METHOD_ORDER = {m: i for i, m in enumerate(HttpMethod)}
INHERITED = (
    "backend",
    "auth",
    "timeout",
    "upstream_method",
    "healthcheck",
    "validate",
    "cors",
    "tags",
)


N = TypeVar("N")


def _named(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(items, key=lambda x: x.name))


class Lowerer:
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    # -- entry ---------------------------------------------------------------------------
    def lower(self, top: Bound) -> GatewayModel:
        shared = {
            "backend": self.by_name(top, "backend", self.backend),
            "vpc_link": self.by_name(top, "vpc_link", self.vpc_link),
            "authorizer": self.by_name(top, "authorizer", self.authorizer),
            "gateway_response": self.by_name(top, "gateway_response", self.gateway_response),
            "cors": self.by_name(top, "cors", self.cors),
        }
        apis = [self.api(b, shared) for b in top.children.get("api", []) if b.label is not INVALID]
        return GatewayModel(apis=_named(apis), span=top.span)

    def by_name(self, parent: Bound, kind: str, build: Callable[[Bound], Any]) -> dict[Any, Any]:
        result = {}
        for child in parent.children.get(kind, []):
            if child.label is not INVALID:
                result[child.label] = build(child)
        return result

    # -- api -----------------------------------------------------------------------------
    def api(self, b: Bound, shared: dict[str, dict[Any, Any]]) -> Api:
        def merged(kind: str, build: Callable[[Bound], Any]) -> dict[Any, Any]:
            return {**shared[kind], **self.by_name(b, kind, build)}

        kind = b.get("kind", ApiKind.REST)
        backends = merged("backend", self.backend)
        vpc_links = merged("vpc_link", self.vpc_link)
        authorizers = merged("authorizer", self.authorizer)
        cors = merged("cors", self.cors)
        stages = self.by_name(b, "stage", self.stage)
        plans = self.by_name(b, "usage_plan", self.usage_plan)
        consumers = self.by_name(b, "consumer", self.consumer)

        for backend in backends.values():
            if backend.vpc_link is not None:
                self.resolve(NamedRef("vpc_link", backend.vpc_link, backend.span_of("vpc_link")), vpc_links)
        for plan in b.children.get("usage_plan", []):
            for ref in plan.get("stages", ()):
                self.resolve(ref, stages)
        for consumer in consumers.values():
            self.resolve(NamedRef("usage_plan", consumer.plan, consumer.span_of("plan")), plans)

        resolver = RouteResolver(self, kind, backends, authorizers, cors)
        routes = resolver.routes(b)
        endpoint = b.get("endpoint")
        tracing = b.child("tracing")
        gateway_responses = {
            **shared["gateway_response"],
            **self.by_name(b, "gateway_response", self.gateway_response),
        }
        domains = [self.domain(d) for d in b.children.get("domain", []) if d.label is not INVALID]
        return from_bound(
            Api,
            b,
            name=b.label,
            kind=kind,
            endpoint=EndpointType(endpoint) if endpoint else None,
            routes=tuple(sorted(routes, key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods]))),
            backends=_named(backends.values()),
            vpc_links=_named(vpc_links.values()),
            authorizers=_named(authorizers.values()),
            stages=_named(stages.values()),
            usage_plans=_named(plans.values()),
            consumers=_named(consumers.values()),
            domains=tuple(sorted(domains, key=lambda d: d.host)),
            tracing=self.tracing(tracing) if tracing else None,
            cors=tuple(sorted(cors.values(), key=lambda c: c.name or "")),
            gateway_responses=tuple(sorted(gateway_responses.values(), key=lambda g: g.type)),
        )

    def resolve(self, ref: NamedRef, table: dict[Any, Any]) -> bool:
        if ref.name in table:
            return True
        names = [n for n in table if isinstance(n, str)]
        help = did_you_mean(ref.name, names, fmt=f"`{ref.kind}.{{}}`")
        if help is None:
            help = (
                (f"defined {ref.kind}s: " + ", ".join(f"`{n}`" for n in sorted(names)))
                if names
                else f'define it with `{ref.kind} "{ref.name}" {{ … }}`'
            )
        self.report(codes.UNKNOWN_REFERENCE(ref.span, f"unknown {ref.kind} `{ref.name}`", help=help))
        return False

    # -- module-level and api-level blocks ----------------------------------------------
    def backend(self, b: Bound) -> Backend:
        k8s, hc = b.child("k8s"), b.child("health_check")
        vpc_link = b.get("vpc_link")
        spans = b.field_spans()
        if vpc_link is not None:
            spans["vpc_link"] = vpc_link.span
        return from_bound(
            Backend,
            b,
            name=b.label,
            vpc_link=vpc_link.name if vpc_link else None,
            field_spans=spans,
            k8s=from_bound(K8sService, k8s) if k8s and k8s.has("service") and k8s.has("port") else None,
            health_check=from_bound(HealthCheck, hc) if hc and hc.has("path") else None,
        )

    def vpc_link(self, b: Bound) -> VpcLink:
        version = b.get("version")
        if version is not None and version not in (1, 2):
            self.report(
                codes.INVALID_VALUE(
                    b.attrs["version"].node.value.span,
                    f"vpc_link version `{version}` is not 1 or 2",
                    help="1 targets an NLB; 2 reaches an ALB, NLB or Cloud Map",
                )
            )
            version = None
        if "target" not in b.attrs and "id" not in b.attrs:
            self.report(
                codes.MISSING_REQUIRED(
                    b.header_span,
                    f'`vpc_link "{b.label}"` needs `target` (a load balancer ARN) or `id`',
                    help="add `target = …` for a link apic creates, or `id = …` for an existing one",
                )
            )
        return from_bound(VpcLink, b, name=b.label, version=version)

    def authorizer(self, b: Bound) -> Authorizer:
        return from_bound(Authorizer, b, name=b.label, type=b.get("type", AuthorizerType.LAMBDA))

    def gateway_response(self, b: Bound) -> GatewayResponse:
        if b.label not in GATEWAY_RESPONSE_TYPES:
            self.report(
                codes.INVALID_VALUE(
                    b.label_span or b.header_span,
                    f"`{b.label}` is not a gateway response type",
                    help=did_you_mean(str(b.label), GATEWAY_RESPONSE_TYPES)
                    or "see docs/language.md for the 21 types",
                )
            )
        return from_bound(GatewayResponse, b, type=b.label, templates=self.templates(b, "template"))

    def cors(self, b: Bound) -> CorsPolicy:
        return from_bound(CorsPolicy, b, name=b.label)

    def templates(self, b: Bound, name: str) -> tuple[Template, ...]:
        found = [
            Template(content_type=a.label or "", text=a.value, span=a.span)
            for a in b.labelled.get(name, [])
            if a.value is not INVALID
        ]
        return tuple(sorted(found, key=lambda t: t.content_type))

    def throttle(self, b: Bound | None) -> Throttle | None:
        return from_bound(Throttle, b) if b is not None else None

    def stage(self, b: Bound) -> Stage:
        cache, canary, log = b.child("cache"), b.child("canary"), b.child("access_log")
        access_log = None
        if log is not None and log.has("destination"):
            preset_or_custom = log.get("format")
            access_log = from_bound(
                AccessLog,
                log,
                format=preset_or_custom[0] if preset_or_custom else None,
                custom=preset_or_custom[1] if preset_or_custom else False,
            )
        return from_bound(
            Stage,
            b,
            name=b.label,
            throttle=self.throttle(b.child("throttle")),
            cache=from_bound(StageCache, cache) if cache else None,
            canary=from_bound(Canary, canary) if canary else None,
            access_log=access_log,
        )

    def usage_plan(self, b: Bound) -> UsagePlan:
        throttles = []
        for t in b.children.get("method_throttle", []):
            if t.label is INVALID:
                continue
            method, path = t.label
            paths.check_path(path, t.label_nodes[1].span, self.diagnostics)
            throttles.append(from_bound(MethodThrottle, t, method=method, path=path))
        return from_bound(
            UsagePlan,
            b,
            name=b.label,
            stages=tuple(r.name for r in b.get("stages", ())),
            throttle=self.throttle(b.child("throttle")),
            method_throttles=tuple(sorted(throttles, key=lambda m: (m.path, METHOD_ORDER[m.method]))),
        )

    def consumer(self, b: Bound) -> Consumer:
        plan = b.get("plan")
        spans = b.field_spans()
        if plan is not None:
            spans["plan"] = plan.span
        return from_bound(Consumer, b, name=b.label, plan=plan.name if plan else "", field_spans=spans)

    def domain(self, b: Bound) -> Domain:
        mtls, r53 = b.child("mtls"), b.child("route53")
        mappings = [
            BasePathMapping(
                base_path=a.label or "",
                stage=a.value.name,
                span=a.span,
                field_spans={"base_path": a.label_span or a.span, "stage": a.value.span},
            )
            for a in b.labelled.get("base_path", [])
            if a.value is not INVALID
        ]
        endpoint = b.get("endpoint")
        spans = b.field_spans()
        if b.label_span is not None:
            spans["host"] = b.label_span  # findings about the name point at the name
        return from_bound(
            Domain,
            b,
            field_spans=spans,
            host=b.label,
            certificate=b.get("certificate", ""),
            endpoint=EndpointType(endpoint) if endpoint else None,
            mtls_truststore=mtls.get("truststore") if mtls else None,
            route53=from_bound(Route53, r53) if r53 and r53.has("zone") else None,
            base_paths=tuple(sorted(mappings, key=lambda m: (m.base_path, m.stage))),
        )

    def tracing(self, b: Bound) -> Tracing:
        default = b.child("default")
        rules = [
            from_bound(SamplingRule, r, name=r.label)
            for r in b.children.get("rule", [])
            if r.label is not INVALID
        ]
        return from_bound(
            Tracing, b, default=from_bound(SamplingDefault, default) if default else None, rules=_named(rules)
        )


def from_bound(cls: type[N], b: Bound, *, field_spans: dict[str, Span] | None = None, **explicit: Any) -> N:
    """Build `cls` from the bound attributes whose names are fields of it; `explicit` wins.

    Attributes that were not written (or failed their type) are left out, so the model's
    own defaults apply.
    """
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    values = {
        name: b.get(name) for name in b.attrs if name in fields and name not in explicit and b.has(name)
    }
    spans = b.field_spans() if field_spans is None else field_spans
    if "name" in fields and b.label_span is not None:
        spans.setdefault("name", b.label_span)  # a finding about the name points at the label
    return cls(**values, **explicit, span=b.span, field_spans=spans)


class RouteResolver:
    """Walks `defaults` -> groups -> routes, carrying inherited settings and their spans."""

    def __init__(
        self,
        lowerer: Lowerer,
        kind: ApiKind,
        backends: dict[str, Any],
        authorizers: dict[str, Any],
        cors: dict[Any, Any],
    ) -> None:
        self.lowerer = lowerer
        self.kind = kind
        self.backends = backends
        self.authorizers = authorizers
        self.cors = cors

    def routes(self, api: Bound) -> list[Route]:
        inherited: dict[str, BoundAttr] = {}
        upstream: tuple[str, BoundAttr] | None = None
        defaults = api.child("defaults")
        if defaults is not None:
            inherited = {k: a for k, a in defaults.attrs.items() if k in INHERITED and a.value is not INVALID}
            if defaults.has("upstream_path"):
                upstream = ("", defaults.attrs["upstream_path"])
        return self.walk(api, "", inherited, upstream)

    def walk(
        self,
        container: Bound,
        prefix: str,
        inherited: dict[str, BoundAttr],
        upstream: tuple[str, BoundAttr] | None,
    ) -> list[Route]:
        found: list[Route] = []
        for group in container.children.get("group", []):
            if group.label is INVALID:
                continue
            if self.kind is ApiKind.WEBSOCKET:
                self.lowerer.report(
                    codes.NOT_ALLOWED_HERE(
                        group.header_span,
                        "WebSocket APIs have route keys, not paths: `group` is not allowed",
                        help='write routes as route "$connect" { … }',
                    )
                )
                continue
            group_prefix = str(group.label).rstrip("/") if group.label != "/" else ""
            span = group.label_nodes[0].span
            if not paths.check_path(group.label, span, self.lowerer.diagnostics):
                continue
            nested = {
                **inherited,
                **{k: a for k, a in group.attrs.items() if k in INHERITED and a.value is not INVALID},
            }
            full_prefix = prefix + group_prefix
            group_upstream = (
                (full_prefix, group.attrs["upstream_path"]) if group.has("upstream_path") else upstream
            )
            found.extend(self.walk(group, full_prefix, nested, group_upstream))
        for route in container.children.get("route", []):
            built = self.route(route, prefix, inherited, upstream)
            if built is not None:
                found.append(built)
        return found

    def route(
        self,
        b: Bound,
        prefix: str,
        inherited: dict[str, BoundAttr],
        upstream: tuple[str, BoundAttr] | None,
    ) -> Route | None:
        if b.label is INVALID:
            return None
        methods, path = b.label
        path_span = b.label_nodes[-1].span
        if self.kind is ApiKind.WEBSOCKET:
            if methods is not None:
                self.lowerer.report(
                    codes.NOT_ALLOWED_HERE(
                        b.label_nodes[0].span,
                        "WebSocket routes take no method",
                        help=f'write route "{path}" {{ … }}',
                    )
                )
                return None
            if not path:
                self.lowerer.report(codes.INVALID_PATH(path_span, "a route key cannot be empty"))
                return None
            methods, full_path = (), path
        else:
            if not paths.check_path(path, path_span, self.lowerer.diagnostics):
                return None
            methods = tuple(sorted(methods or (HttpMethod.ANY,), key=METHOD_ORDER.__getitem__))
            full_path = paths.join(prefix, path)

        own = {k: a for k, a in b.attrs.items() if a.value is not INVALID}
        effective = {**inherited, **{k: a for k, a in own.items() if k in INHERITED}}
        spans: dict[str, Span] = {k: a.span for k, a in effective.items()}
        spans["path"] = path_span
        if b.label_nodes and len(b.label_nodes) == 2:
            spans["methods"] = b.label_nodes[0].span

        backend_ref: NamedRef | None = effective["backend"].value if "backend" in effective else None
        if backend_ref is not None and backend_ref.name not in self.backends:
            self.lowerer.resolve(backend_ref, self.backends)
        auth: list[tuple[AuthRequirement, ...]] = []
        for alternative in effective["auth"].value if "auth" in effective else ():
            for _, ref in alternative:
                if ref is not None:
                    self.lowerer.resolve(ref, self.authorizers)
            auth.append(tuple(requirement for requirement, _ in alternative))
        cors_value = effective["cors"].value if "cors" in effective else None
        if isinstance(cors_value, NamedRef):
            self.lowerer.resolve(cors_value, {k: v for k, v in self.cors.items() if k is not None})
            cors_value = cors_value.name

        upstream_path = own["upstream_path"].value if "upstream_path" in own else None
        if upstream_path is not None:
            spans["upstream_path"] = own["upstream_path"].span
        elif upstream is not None and self.kind is not ApiKind.WEBSOCKET:
            level_prefix, attr = upstream
            upstream_path = (
                attr.value.rstrip("/") + full_path[len(level_prefix) :]
                if full_path != level_prefix
                else attr.value
            )
            spans["upstream_path"] = attr.span
        if upstream_path is not None and self.kind is not ApiKind.WEBSOCKET:
            span = spans["upstream_path"]
            if not upstream_path.startswith("/"):
                self.lowerer.report(
                    codes.INVALID_PATH(
                        span,
                        f"upstream_path `{upstream_path}` must start with `/`",
                        help=f'write "/{upstream_path}"',
                    )
                )

        def value(name: str) -> Any:
            return effective[name].value if name in effective else None

        if "operation_id" in own:
            spans["operation_id"] = own["operation_id"].span
        for name, items in b.children.items():
            spans[name] = items[0].span
        for name, attrs in b.labelled.items():
            spans[name] = attrs[0].span
        cache = b.child("cache")
        forward = b.child("forward")
        return Route(
            methods=methods,
            path=full_path,
            backend=backend_ref.name if backend_ref else None,
            auth=tuple(auth),
            timeout=value("timeout"),
            upstream_path=upstream_path,
            upstream_method=value("upstream_method"),
            healthcheck=bool(value("healthcheck")),
            validate=value("validate"),
            cors=cors_value,
            tags=value("tags"),
            operation_id=own["operation_id"].value if "operation_id" in own else None,
            query_params=self.params(b, "query"),
            header_params=self.params(b, "header"),
            forward=self.forward(forward) if forward else (),
            cache=RouteCache(
                ttl=cache.get("ttl"),
                keys=cache.get("keys", ()),
                encrypted=cache.get("encrypted"),
                path_keys=cache.get("path_keys"),
                span=cache.span,
                field_spans=cache.field_spans(),
            )
            if cache
            else None,
            request_templates=self.lowerer.templates(b, "request_template"),
            responses=tuple(
                sorted(
                    (self.response(r) for r in b.children.get("response", []) if r.label is not INVALID),
                    key=lambda r: r.selection,
                )
            ),
            throttle=self.lowerer.throttle(b.child("throttle")),
            span=b.span,
            field_spans=spans,
        )

    def params(self, b: Bound, kind: str) -> tuple[Param, ...]:
        return _named(
            from_bound(Param, p, name=p.label) for p in b.children.get(kind, []) if p.label is not INVALID
        )

    def forward(self, b: Bound) -> tuple[ForwardMapping, ...]:
        found = [
            ForwardMapping(location=SourceKind(location), name=a.label or "", source=a.value, span=a.span)
            for location in ("header", "query", "path")
            for a in b.labelled.get(location, [])
            if a.value is not INVALID
        ]
        return tuple(sorted(found, key=lambda f: (f.location.value, f.name)))

    def response(self, b: Bound) -> IntegrationResponse:
        return from_bound(
            IntegrationResponse, b, selection=b.label, templates=self.lowerer.templates(b, "template")
        )
