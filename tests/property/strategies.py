"""Hypothesis strategies for whole GatewayModels that a valid `.gw` file can express.

Collections are generated in the model's canonical order (named blocks by name, routes by
path then methods) with the referential integrity the loader enforces (a route's backend
exists, a consumer's plan exists…). Strings are deliberately awkward: quotes, backslashes,
`${`, newlines and non-ASCII text must all survive printing and loading.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from apic.compiler.frontends.dsl.lower import GATEWAY_RESPONSE_TYPES, METHOD_ORDER
from apic.compiler.model import (
    AccessLog,
    Api,
    ApiKind,
    AuthKind,
    Authorizer,
    AuthorizerPayload,
    AuthorizerType,
    AuthRequirement,
    Backend,
    BackendType,
    BasePathMapping,
    Canary,
    Consumer,
    CorsPolicy,
    DataSize,
    Domain,
    Duration,
    EndpointType,
    EnvRef,
    ForwardMapping,
    GatewayModel,
    GatewayResponse,
    HealthCheck,
    HttpMethod,
    IntegrationResponse,
    K8sService,
    LogLevel,
    MethodThrottle,
    Param,
    ParamSource,
    ParamType,
    Percent,
    Rate,
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
    ValidationMode,
    VpcLink,
)

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
awkward = st.one_of(
    text,
    st.sampled_from(
        [
            'a"b',
            "back\\slash",
            "${x}",
            "$${y}",
            "${stage.var.v1}",
            "line\nbreak",
            "tab\t",
            "é ü",
            "'quoted'",
            "",
        ]
    ),
)
names = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), st.sampled_from(["with space", "dot.ted", "é"])
)
env_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
identifiers = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True)
maybe = st.none


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


durations = st.one_of(st.integers(0, 10**7), st.integers(0, 10**6).map(lambda n: n / 10)).map(
    lambda ms: Duration(milliseconds=ms)
)
rates = st.builds(
    lambda a, p: Rate(amount=a, per=p),
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**5).map(lambda n: n / 4)),
    st.sampled_from(["s", "min", "hour", "day", "week", "month"]),
)
percents = st.builds(
    lambda v, u: Percent(value=v, unit=u),
    st.integers(-50, 20000).map(lambda n: n / 100),
    st.sampled_from(["%", None]),
)
ints = st.integers(0, 10**6)  # counts: bursts, ports, reservoirs, priorities are never negative
scalars = st.one_of(
    awkward, st.booleans(), st.integers(-1000, 1000), st.integers(-(10**4), 10**4).map(lambda n: n / 8)
)
string_maps = st.dictionaries(awkward, awkward, max_size=3)


@st.composite
def sources(draw: st.DrawFn) -> ParamSource:
    kind = draw(st.sampled_from(list(SourceKind)))
    if kind is SourceKind.STATIC:
        return ParamSource(kind=kind, name=draw(awkward))
    if kind is SourceKind.CONTEXT:
        parts = draw(st.lists(st.one_of(identifiers, st.just("with space")), min_size=1, max_size=3))
        return ParamSource(kind=kind, name=".".join(parts))
    return ParamSource(kind=kind, name=draw(st.one_of(identifiers, names)))


@st.composite
def paths(draw: st.DrawFn) -> str:
    segments = draw(
        st.lists(
            st.one_of(
                st.from_regex(r"[a-z0-9_.,:-]{1,6}", fullmatch=True), identifiers.map(lambda n: "{" + n + "}")
            ),
            max_size=4,
        )
    )
    if draw(st.booleans()) and draw(st.booleans()):
        segments.append("{proxy+}")
    seen: set[str] = set()
    unique = []
    for segment in segments:  # a path names each parameter once
        name = segment.strip("{}+") if segment.startswith("{") else None
        if name is None or name not in seen:
            unique.append(segment)
            seen.add(name or "")
    return "/" + "/".join(unique)


def unique_sorted(
    strategy: st.SearchStrategy[Any], key: Any, max_size: int = 3
) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=max_size, unique_by=key).map(lambda xs: tuple(sorted(xs, key=key)))


templates = unique_sorted(
    st.builds(lambda c, t: Template(content_type=c, text=t), awkward, awkward), key=lambda t: t.content_type
)
throttles = st.builds(lambda r, b: Throttle(rate=r, burst=b), opt(rates), opt(ints))
params = unique_sorted(
    st.builds(
        lambda n, r, t, e, d: Param(name=n, required=r, type=t, enum=e, default=d),
        awkward,
        opt(st.booleans()),
        opt(st.sampled_from(list(ParamType))),
        opt(st.lists(scalars, max_size=3).map(tuple)),
        opt(scalars),
    ),
    key=lambda p: p.name,
)


@st.composite
def routes(
    draw: st.DrawFn, kind: ApiKind, backends: list[str], authorizers: list[str], cors: list[str]
) -> list[Route]:
    if kind is ApiKind.WEBSOCKET:
        keys = draw(
            st.lists(
                st.one_of(st.sampled_from(["$connect", "$disconnect", "$default"]), names),
                max_size=4,
                unique=True,
            )
        )
        shapes = [((), key) for key in keys]
    else:
        shapes = draw(
            st.lists(
                st.tuples(
                    st.lists(st.sampled_from(list(HttpMethod)), min_size=1, max_size=3, unique=True).map(
                        lambda ms: tuple(sorted(ms, key=METHOD_ORDER.__getitem__))
                    ),
                    paths(),
                ),
                max_size=5,
                unique_by=lambda s: (s[1], s[0]),
            )
        )
    result = []
    for methods, path in sorted(shapes, key=lambda s: (s[1], [METHOD_ORDER[m] for m in s[0]])):
        auth_choices = [AuthRequirement(kind=k) for k in (AuthKind.NONE, AuthKind.API_KEY, AuthKind.IAM)]
        auth_choices += [AuthRequirement(kind=AuthKind.AUTHORIZER, authorizer=a) for a in authorizers]
        cors_choices: list[Any] = [None, False, *cors]
        result.append(
            Route(
                methods=methods,
                path=path,
                backend=draw(opt(st.sampled_from(backends))) if backends else None,
                auth=tuple(
                    tuple(alt)
                    for alt in draw(
                        st.lists(st.lists(st.sampled_from(auth_choices), min_size=1, max_size=2), max_size=3)
                    )
                ),
                timeout=draw(opt(durations)),
                upstream_path=draw(opt(awkward.map(lambda s: "/" + s))),
                upstream_method=draw(opt(st.sampled_from(list(HttpMethod)))),
                healthcheck=draw(st.booleans()),
                validate=draw(opt(st.sampled_from(list(ValidationMode)))),
                cors=draw(st.sampled_from(cors_choices)),
                tags=draw(opt(string_maps)),
                operation_id=draw(opt(awkward)),
                query_params=draw(params),
                header_params=draw(params),
                forward=draw(
                    unique_sorted(
                        st.builds(
                            lambda loc, n, s: ForwardMapping(location=loc, name=n, source=s),
                            st.sampled_from([SourceKind.HEADER, SourceKind.PATH, SourceKind.QUERY]),
                            awkward,
                            sources(),
                        ),
                        key=lambda f: (f.location.value, f.name),
                    )
                ),
                cache=draw(
                    opt(
                        st.builds(
                            lambda t, k, e, p: RouteCache(ttl=t, keys=tuple(k), encrypted=e, path_keys=p),
                            opt(durations),
                            st.lists(sources(), max_size=2),
                            opt(st.booleans()),
                            opt(st.booleans()),
                        )
                    )
                ),
                request_templates=draw(templates),
                responses=draw(
                    unique_sorted(
                        st.builds(
                            lambda s, st_, h, t: IntegrationResponse(
                                selection=s, status=st_, headers=h, templates=t
                            ),
                            awkward,
                            opt(ints),
                            opt(st.dictionaries(awkward, sources(), max_size=2)),
                            templates,
                        ),
                        key=lambda r: r.selection,
                    )
                ),
                throttle=draw(opt(throttles)),
            )
        )
    return result


@st.composite
def apis(draw: st.DrawFn, name: str) -> Api:
    kind = draw(st.sampled_from(list(ApiKind)))
    vpc_links = draw(
        unique_sorted(
            st.builds(
                lambda n, v, ti, s, g: VpcLink(
                    name=n, version=v, target=ti[0], id=ti[1], subnets=tuple(s), security_groups=tuple(g)
                ),
                names,
                opt(st.sampled_from([1, 2])),
                st.one_of(st.tuples(awkward, opt(awkward)), st.tuples(st.none(), awkward)),
                st.lists(awkward, max_size=2),
                st.lists(awkward, max_size=2),
            ),
            key=lambda v: v.name,
        )
    )
    link_names = [v.name for v in vpc_links]
    backends = draw(
        unique_sorted(
            st.builds(
                lambda n, u, v, t, f, uri, cred, to, tls, k, h: Backend(
                    name=n,
                    url=u,
                    vpc_link=v,
                    type=t,
                    function=f,
                    uri=uri,
                    credentials=cred,
                    timeout=to,
                    tls_verify=tls,
                    k8s=k,
                    health_check=h,
                ),
                names,
                opt(
                    st.sampled_from(
                        ["http://a.example.com", "https://b.example.com/x", "https://${stage.var.h}"]
                    )
                ),
                opt(st.sampled_from(link_names)) if link_names else st.none(),
                opt(st.sampled_from(list(BackendType))),
                opt(awkward),
                opt(awkward),
                opt(awkward),
                opt(durations),
                opt(st.booleans()),
                opt(
                    st.builds(
                        lambda s, n, p: K8sService(service=s, namespace=n, port=p),
                        awkward,
                        opt(awkward),
                        ints,
                    )
                ),
                opt(
                    st.builds(
                        lambda p, i, t, h, u: HealthCheck(
                            path=p, interval=i, timeout=t, healthy=h, unhealthy=u
                        ),
                        awkward,
                        opt(durations),
                        opt(durations),
                        opt(ints),
                        opt(ints),
                    )
                ),
            ),
            key=lambda b: b.name,
        )
    )
    authorizers = draw(
        unique_sorted(
            st.builds(
                lambda n, t, i, a, s, f, src, ttl, p: Authorizer(
                    name=n,
                    type=t,
                    issuer=i,
                    audience=tuple(a),
                    scopes=tuple(s),
                    function=f,
                    identity_source=tuple(src),
                    ttl=ttl,
                    payload=p,
                ),
                names,
                st.sampled_from(list(AuthorizerType)),
                opt(st.just("https://issuer.example.com/")),
                st.lists(awkward, max_size=2),
                st.lists(awkward, max_size=2),
                opt(awkward),
                st.lists(sources(), max_size=2),
                opt(durations),
                opt(st.sampled_from(list(AuthorizerPayload))),
            ),
            key=lambda a: a.name,
        )
    )
    cors_policies = draw(
        st.lists(
            st.builds(
                lambda n, o, m, h, e, c, a: CorsPolicy(
                    name=n,
                    allow_origins=tuple(o),
                    allow_methods=tuple(m),
                    allow_headers=tuple(h),
                    expose_headers=tuple(e),
                    allow_credentials=c,
                    max_age=a,
                ),
                opt(names),
                st.lists(awkward, max_size=2),
                st.lists(awkward, max_size=2),
                st.lists(awkward, max_size=2),
                st.lists(awkward, max_size=2),
                opt(st.booleans()),
                opt(durations),
            ),
            max_size=3,
            unique_by=lambda c: c.name or "",
        ).map(lambda cs: tuple(sorted(cs, key=lambda c: c.name or "")))
    )
    stages = draw(
        unique_sorted(
            st.builds(
                lambda n, v, tr, th, c, ca, log, lv, m, tags: Stage(
                    name=n,
                    variables=v,
                    tracing=tr,
                    throttle=th,
                    cache=c,
                    canary=ca,
                    access_log=log,
                    logging=lv,
                    metrics=m,
                    tags=tags,
                ),
                names,
                opt(string_maps),
                opt(st.booleans()),
                opt(throttles),
                opt(
                    st.builds(
                        lambda s, t, e: StageCache(size=s, ttl=t, encrypted=e),
                        opt(st.sampled_from([0.5, 1.6, 237.0, 3.0]).map(lambda g: DataSize(gigabytes=g))),
                        opt(durations),
                        opt(st.booleans()),
                    )
                ),
                opt(
                    st.builds(
                        lambda p, v, u: Canary(percent=p, variables=v, use_stage_cache=u),
                        opt(percents),
                        opt(string_maps),
                        opt(st.booleans()),
                    )
                ),
                opt(
                    st.one_of(
                        st.builds(
                            lambda d, f: AccessLog(destination=d, format=f, custom=False),
                            awkward,
                            opt(st.sampled_from(["json", "clf"])),
                        ),
                        st.builds(
                            lambda d, f: AccessLog(destination=d, format=f, custom=True), awkward, awkward
                        ),
                    )
                ),
                opt(st.sampled_from(list(LogLevel))),
                opt(st.booleans()),
                opt(string_maps),
            ),
            key=lambda s: s.name,
        )
    )
    stage_names = [s.name for s in stages]
    plans = draw(
        unique_sorted(
            st.builds(
                lambda n, s, t, q, m: UsagePlan(
                    name=n, stages=tuple(s), throttle=t, quota=q, method_throttles=m
                ),
                names,
                st.lists(st.sampled_from(stage_names), max_size=2) if stage_names else st.just([]),
                opt(throttles),
                opt(rates),
                unique_sorted(
                    st.builds(
                        lambda me, p, r, b: MethodThrottle(method=me, path=p, rate=r, burst=b),
                        st.sampled_from(list(HttpMethod)),
                        paths(),
                        opt(rates),
                        opt(ints),
                    ),
                    key=lambda m: (m.path, METHOD_ORDER[m.method]),
                ),
            ),
            key=lambda p: p.name,
        )
    )
    plan_names = [p.name for p in plans]
    consumers = (
        draw(
            unique_sorted(
                st.builds(
                    lambda n, p, k, e: Consumer(name=n, plan=p, api_key=k, enabled=e),
                    names,
                    st.sampled_from(plan_names),
                    opt(st.one_of(awkward, env_names.map(lambda v: EnvRef(name=v)))),
                    opt(st.booleans()),
                ),
                key=lambda c: c.name,
            )
        )
        if plan_names
        else ()
    )
    domains = draw(
        unique_sorted(
            st.builds(
                lambda h, c, cn, e, t, m, r, b: Domain(
                    host=h,
                    certificate=c,
                    certificate_names=cn,
                    endpoint=e,
                    tls_policy=t,
                    mtls_truststore=m,
                    route53=r,
                    base_paths=b,
                ),
                names,
                awkward,
                opt(st.lists(awkward, max_size=2).map(tuple)),
                opt(st.sampled_from([EndpointType.REGIONAL, EndpointType.EDGE])),
                opt(st.sampled_from(["TLS_1_0", "TLS_1_2", "SecurityPolicy_TLS13_1_3_2025_09"])),
                opt(awkward),
                opt(
                    st.builds(
                        lambda z, i, v: Route53(zone=z, zone_id=i, ipv6=v),
                        awkward,
                        opt(awkward),
                        opt(st.booleans()),
                    )
                ),
                st.lists(
                    # not `$ref`: a key every OpenAPI reader takes for a reference, x-apic's
                    # base_paths mapping included (docs/openapi.md)
                    st.builds(
                        lambda b, s: BasePathMapping(base_path=b, stage=s),
                        awkward.filter(lambda b: b != "$ref"),
                        names,
                    ),
                    max_size=3,
                ).map(lambda ms: tuple(sorted(ms, key=lambda m: (m.base_path, m.stage)))),
            ),
            key=lambda d: d.host,
        )
    )
    tracing = draw(
        opt(
            st.builds(
                lambda d, e, r: Tracing(default=d, exclude_healthchecks=e, rules=r),
                opt(
                    st.builds(lambda r, f: SamplingDefault(rate=r, fixed_target=f), opt(percents), opt(ints))
                ),
                opt(st.booleans()),
                unique_sorted(
                    st.builds(
                        lambda n, p, m, pa, h, r, f: SamplingRule(
                            name=n, priority=p, method=m, path=pa, host=h, rate=r, fixed_target=f
                        ),
                        awkward,
                        opt(ints),
                        opt(st.sampled_from(list(HttpMethod))),
                        opt(awkward),
                        opt(awkward),
                        opt(percents),
                        opt(ints),
                    ),
                    key=lambda r: r.name,
                ),
            )
        )
    )
    responses = draw(
        unique_sorted(
            st.builds(
                lambda t, s, h, tpl: GatewayResponse(type=t, status=s, headers=h, templates=tpl),
                st.sampled_from(GATEWAY_RESPONSE_TYPES),
                opt(ints),
                opt(st.dictionaries(awkward, sources(), max_size=2)),
                templates,
            ),
            key=lambda g: g.type,
        )
    )
    return Api(
        name=name,
        kind=kind,
        endpoint=draw(opt(st.sampled_from(list(EndpointType)))),
        region=draw(opt(awkward)),
        description=draw(opt(awkward)),
        tags=draw(opt(string_maps)),
        binary_media_types=tuple(draw(st.lists(awkward, max_size=2))),
        route_selection=draw(opt(awkward)),
        api_key_source=draw(opt(st.sampled_from(["header", "authorizer"]))),
        disable_execute_api_endpoint=draw(opt(st.booleans())),
        routes=tuple(
            draw(
                routes(
                    kind,
                    [b.name for b in backends],
                    [a.name for a in authorizers],
                    [c.name for c in cors_policies if c.name is not None],
                )
            )
        ),
        backends=backends,
        vpc_links=vpc_links,
        authorizers=authorizers,
        stages=stages,
        usage_plans=plans,
        consumers=consumers,
        domains=domains,
        tracing=tracing,
        cors=cors_policies,
        gateway_responses=responses,
    )


@st.composite
def models(draw: st.DrawFn) -> GatewayModel:
    api_names = draw(st.lists(names, min_size=0, max_size=2, unique=True))
    return GatewayModel(apis=tuple(draw(apis(n)) for n in sorted(api_names)))
