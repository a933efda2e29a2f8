"""Decisions made once below the targets: cache keys and cached methods, the capability
table. Targets and lint rules only read them."""

from __future__ import annotations

from pathlib import Path

from apic.api import load
from apic.compiler.capabilities import API_GATEWAY, Feature, feature_uses, unsupported_uses, vpc_link_version
from apic.compiler.model import Api, ApiKind, HttpMethod, Rate, Throttle, VpcLink
from apic.compiler.plan.auth import CheckKind, auth_decision
from apic.compiler.plan.caching import cache_keys, cached_methods, cached_routes
from apic.compiler.plan.consumers import KeySource, KeyValue, key_plan
from apic.compiler.plan.cors import DEFAULT_HEADERS, cors_plan
from apic.compiler.plan.rates import Quota, RateLimit, quota, rate_limit
from apic.compiler.plan.routes import route_plans
from apic.compiler.plan.upstream import Origin, upstream, url_problem


def api_of(tmp_path: Path, body: str, kind: str = "rest") -> Api:
    entry = tmp_path / "api.gw"
    entry.write_text(
        f'api "a" {{\n  kind = {kind}\n  backend "b" {{ url = "https://b.example.com" }}\n'
        f"  defaults {{ backend = backend.b }}\n{body}\n}}\n",
        encoding="utf-8",
    )
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model.apis[0]


def keys_of(api: Api, path: str) -> list[str]:
    route = next(r for r in api.routes if r.path == path)
    return [str(k) for k in cache_keys(route)]


def test_path_parameters_are_cache_keys_first_and_once(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  route GET "/a/{x}/b/{y}" {\n    query "q" {}\n    cache { keys = [query.q, path.y] }\n  }\n'
        '  route GET "/c/{z}" { cache { path_keys = false, keys = [header.Accept] } }\n'
        '  route GET "/d/{proxy+}" { cache {} }',
    )
    assert keys_of(api, "/a/{x}/b/{y}") == ["path.x", "path.y", "query.q"]
    assert keys_of(api, "/c/{z}") == ["header.Accept"]
    assert keys_of(api, "/d/{proxy+}") == ["path.proxy"]


def test_a_stage_cache_alone_caches_get_methods_only(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  route GET "/items/{id}" {}\n  route POST "/items" {}\n  route ANY "/any" {}\n'
        '  stage "prod" { cache { size = 0.5GB, ttl = 60s } }\n  stage "dev" {}',
    )
    prod, dev = api.stage("prod"), api.stage("dev")
    assert prod is not None and dev is not None
    assert [
        (c.route.path, c.method, c.ttl.seconds if c.ttl else None) for c in cached_methods(api, prod)
    ] == [("/items/{id}", HttpMethod.GET, 60.0)]
    assert cached_methods(api, dev) == []
    assert [r.path for r in cached_routes(api)] == ["/items/{id}"]


def test_route_cache_blocks_decide_what_is_cached(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  route GET "/a" {}\n  route POST "/b" { cache { ttl = 5s } }\n'
        '  stage "prod" { cache { size = 0.5GB } }',
    )
    prod = api.stage("prod")
    assert prod is not None
    assert [(c.route.path, c.method) for c in cached_methods(api, prod)] == [("/b", HttpMethod.POST)]


def test_every_feature_has_a_row_and_rest_has_most() -> None:
    assert set(API_GATEWAY.support) == set(Feature)
    rest_only = {f for f, kinds in API_GATEWAY.support.items() if kinds == {ApiKind.REST}}
    assert Feature.CANARY in rest_only and Feature.ROUTE_CACHE in rest_only
    assert API_GATEWAY.supports(Feature.USAGE_PLANS, ApiKind.WEBSOCKET)
    assert not API_GATEWAY.supports(Feature.USAGE_PLANS, ApiKind.HTTP)
    assert API_GATEWAY.supports(Feature.VPC_LINKS_V1, ApiKind.WEBSOCKET)
    assert not API_GATEWAY.supports(Feature.VPC_LINKS_V2, ApiKind.WEBSOCKET)


def test_feature_uses_point_at_the_construct(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  route GET "/x" {\n    auth = api_key\n    cache { ttl = 5s }\n  }\n'
        '  stage "prod" { canary { percent = 5% } }\n'
        '  usage_plan "p" { stages = [stage.prod] }',
        kind="http",
    )
    found = [
        (u.feature, *(u.node.span_of(u.field) if u.field else u.node.span).start_location)  # type: ignore[union-attr]
        for u in unsupported_uses(api, API_GATEWAY)
    ]
    assert found == [
        (Feature.API_KEYS, 6, 5),
        (Feature.ROUTE_CACHE, 7, 5),
        (Feature.USAGE_PLANS, 10, 3),
        (Feature.CANARY, 9, 18),
    ]
    assert {u.feature for u in feature_uses(api)} == {
        Feature.API_KEYS,
        Feature.ROUTE_CACHE,
        Feature.USAGE_PLANS,
        Feature.CANARY,
    }


def test_vpc_link_versions_are_inferred_from_what_is_written() -> None:
    assert vpc_link_version(VpcLink(name="a", target="arn:nlb")) == 1
    assert vpc_link_version(VpcLink(name="b", subnets=("subnet-1",))) == 2
    assert vpc_link_version(VpcLink(name="c", id="abc123")) is None
    assert vpc_link_version(VpcLink(name="d", id="abc123", version=2)) == 2


def test_upstreams_and_timeouts_are_decided_once(tmp_path: Path) -> None:
    from apic.compiler.plan.upstream import effective_timeout, upstream_path, upstream_template

    api = api_of(
        tmp_path,
        '  backend "slow" {\n    url = "https://s.example.com"\n    timeout = 20s\n  }\n'
        '  route GET "/a/{id}" { upstream_path = "/v2/a/{id}" }\n'
        '  route ANY "/files/{proxy+}" {\n    backend = backend.slow\n    timeout = 3s\n  }\n'
        '  route GET "/slow" { backend = backend.slow }',
    )
    by_path = {r.path: r for r in api.routes}
    assert upstream_path(by_path["/a/{id}"]) == "/v2/a/{id}"
    assert upstream_template(by_path["/files/{proxy+}"]) == "/files/{proxy}"
    timeouts = {p: effective_timeout(api, r) for p, r in by_path.items()}
    assert {p: t.seconds if t else None for p, t in timeouts.items()} == {
        "/a/{id}": None,  # the backend `b` sets none: the platform's default
        "/files/{proxy+}": 3.0,  # the route's own
        "/slow": 20.0,  # the backend's
    }


def test_rates_per_second() -> None:
    from apic.compiler.model import Rate
    from apic.compiler.plan.rates import per_second

    assert per_second(Rate(amount=600, per="min")) == 10
    assert per_second(Rate(amount=1, per="min")) == 0.016667
    assert per_second(Rate(amount=5, per="s")) == 5


def test_public_paths_behind_domains_and_base_paths(tmp_path: Path) -> None:
    from apic.compiler.plan.paths import PublicPath, public_paths

    api = api_of(
        tmp_path,
        '  route GET "/book/list" {}\n  stage "prod" {}\n'
        '  domain "api.example.com" {\n'
        '    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/1"\n'
        '    base_path "api" = stage.prod\n    base_path "" = stage.prod\n  }',
    )
    assert public_paths(api, api.routes[0]) == [
        PublicPath("api.example.com", "", "prod", "/book/list"),
        PublicPath("api.example.com", "api", "prod", "/api/book/list"),
    ]


def test_auth_decision_resolves_authorizers_and_scopes_once(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  authorizer "jwt" { type = jwt, issuer = "https://id.example.com", audience = ["a"],'
        ' scopes = ["read"] }\n'
        '  authorizer "sig" { type = iam }\n'
        '  route GET "/open" { auth = none }\n'
        '  route GET "/key" { auth = api_key }\n'
        '  route GET "/both" { auth = [api_key, authorizer.jwt] }\n'
        '  route GET "/sig" { auth = authorizer.sig }\n'
        '  route GET "/plain" {}',
    )
    routes = {r.path: r for r in api.routes}

    def summary(path: str) -> list[tuple[bool, list[tuple[str, str | None, tuple[str, ...]]]]]:
        decision = auth_decision(api, routes[path])
        return [
            (
                alt.api_key,
                [(str(c.kind), c.authorizer.name if c.authorizer else None, c.scopes) for c in alt.checks],
            )
            for alt in decision.alternatives
        ]

    assert summary("/open") == [(False, [])]
    assert auth_decision(api, routes["/open"]).public
    assert summary("/key") == [(True, [])]
    assert not auth_decision(api, routes["/key"]).public
    assert summary("/both") == [(True, [(str(CheckKind.AUTHORIZER), "jwt", ("read",))])]
    assert summary("/sig") == [(False, [(str(CheckKind.IAM), None, ())])]
    assert summary("/plain") == []
    assert auth_decision(api, routes["/plain"]).public


def test_cors_preflights_fill_defaults_per_path_and_report_clashes(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        "  cors { allow_origins = [], allow_methods = [], max_age = 10min }\n"
        '  cors "partner" { allow_origins = ["https://p.example.com"], allow_methods = [PUT] }\n'
        '  route [GET, POST] "/docs" {}\n'
        '  route DELETE "/docs" {}\n'
        '  route PUT "/docs/{id}" { cors = cors.partner }\n'
        '  route GET "/docs/{id}" {}\n'
        '  route ANY "/any" {}\n'
        '  route GET "/health" { cors = false }',
    )
    plan = cors_plan(api, api.routes)
    assert [
        (p.path, p.allow_origins, p.allow_methods, p.allow_headers, p.max_age_seconds)
        for p in plan.preflights
    ] == [
        ("/docs", ("*",), ("DELETE", "GET", "OPTIONS", "POST"), DEFAULT_HEADERS, 600.0),
        ("/docs/{id}", ("*",), ("GET", "OPTIONS"), DEFAULT_HEADERS, 600.0),
    ]
    # routes come in the model's order (path, then methods): GET /docs/{id} is first on its path
    assert [r.label for r in plan.clashes] == ["PUT /docs/{id}"]


def test_rate_limits_are_counted_per_second_with_their_burst() -> None:
    assert rate_limit(Throttle(rate=Rate(amount=600, per="min"), burst=20)) == RateLimit(10, 20)
    assert rate_limit(Throttle(rate=Rate(amount=1, per="hour"))) == RateLimit(0.000278, None)
    assert rate_limit(Throttle(burst=5)) == RateLimit(None, 5)
    assert rate_limit(Throttle()) is None
    assert rate_limit(None) is None


def test_upstream_splits_the_origin_and_settles_path_timeout_and_health_check(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  backend "svc" {\n    url = "https://svc.example.com:8443/v1/"\n    timeout = 5s\n'
        '    k8s { service = "svc", namespace = "ns", port = 8080 }\n'
        '    health_check { path = "/healthz", interval = 10s }\n  }\n'
        '  route GET "/items/{id+}" { backend = backend.svc, upstream_path = "/api/items/{id+}" }\n'
        '  route GET "/plain" { timeout = 2s }',
    )
    routes = {r.path: r for r in api.routes}
    found = upstream(api, routes["/items/{id+}"])
    assert found.origin == Origin("https", "svc.example.com", 8443, "/v1")
    assert found.service is not None and (found.service.service, found.service.port) == ("svc", 8080)
    assert found.path_template == "/api/items/{id}"
    assert found.timeout is not None and found.timeout.seconds == 5
    assert found.health_check is not None and found.health_check.path == "/healthz"
    plain = upstream(api, routes["/plain"])
    assert plain.origin == Origin("https", "b.example.com", 443, "")
    assert plain.timeout is not None and plain.timeout.seconds == 2
    assert (plain.service, plain.health_check) == (None, None)


def test_url_problems_name_the_url() -> None:
    assert url_problem("https://a b") == "the URL `https://a b` holds white space or control characters"
    assert url_problem("ftp://x") == "`ftp://x` is not an absolute http(s) URL"
    assert url_problem("https://x:port") == "`https://x:port` is not a valid URL"
    assert url_problem("https://u:p@x") is not None and "credentials" in str(url_problem("https://u:p@x"))
    assert url_problem("http://x") is None


def test_key_plan_says_where_each_consumer_key_comes_from_and_never_invents_one(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  route GET "/k" { auth = api_key }\n'
        '  stage "prod" {}\n'
        '  usage_plan "p" { stages = [stage.prod] }\n'
        '  consumer "env" { plan = usage_plan.p, api_key = env("ENV_KEY") }\n'
        '  consumer "given" { plan = usage_plan.p, api_key = "k-0123456789abcdefghij" }\n'
        '  consumer "none" { plan = usage_plan.p, enabled = false }',
    )
    keys = key_plan(api)
    assert (keys.source, keys.header, keys.required_by_a_route) == (KeySource.HEADER, "x-api-key", True)
    assert [(k.consumer.name, k.value, k.secret, k.env, k.enabled) for k in keys.consumers] == [
        ("env", KeyValue.ENV, None, "ENV_KEY", True),
        ("given", KeyValue.GIVEN, "k-0123456789abcdefghij", None, True),
        ("none", KeyValue.NONE, None, None, False),
    ]


def test_route_plans_gather_each_routes_decisions_in_model_order(tmp_path: Path) -> None:
    api = api_of(
        tmp_path,
        '  cors { allow_origins = ["https://a.example.com"], allow_methods = [GET] }\n'
        '  route GET "/items/{item-id}" { auth = api_key, throttle { rate = 120/min, burst = 4 } }\n'
        '  route GET "/items/list" { cors = false }\n'
        '  route ANY "/{proxy+}" {}\n'
        '  stage "prod" { cache { size = 0.5GB, ttl = 60s } }\n'
        '  domain "api.example.com" {\n'
        '    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"\n'
        '    base_path "v1" = stage.prod\n  }',
    )
    plans = {p.route.label: p for p in route_plans(api)}
    assert list(plans) == [r.label for r in api.routes]
    item, listing, proxy = plans["GET /items/{item-id}"], plans["GET /items/list"], plans["ANY /{proxy+}"]
    assert [(p.order, p.priority) for p in (listing, item, proxy)] == [(0, 2), (1, 1), (2, 0)]
    assert item.pattern.regex == "^/items/(?P<item_id>[^/]+)$"
    assert [pp.path for pp in item.public_paths] == ["/v1/items/{item-id}"]
    assert item.auth.alternatives[0].api_key and not item.auth.public
    assert (item.cors, listing.cors) == ("", None)
    assert (item.cached, [str(k) for k in item.cache_keys]) == (True, ["path.item-id"])
    assert (proxy.cached, proxy.cache_keys) == (False, ())
    assert item.rate_limit == RateLimit(2, 4)
    assert item.upstream.path_template == "/items/{item-id}"


def test_quotas_keep_amount_and_period() -> None:
    assert quota(Rate(amount=10000, per="day")) == Quota(10000, "day")
    assert Quota(5, "week").seconds == 604800
    assert quota(None) is None
