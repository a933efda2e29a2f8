"""What a route does to the traffic it lets through: CORS, the response cache, header and
query forwarding, and trace sampling, each as the Kong plugin that says it."""

from __future__ import annotations

import fnmatch

from apic.compiler import codes
from apic.compiler.model import Api, ForwardMapping, HttpMethod, ParamSource, SourceKind
from apic.compiler.plan.caching import DEFAULT_TTL_SECONDS, CachedMethod
from apic.compiler.plan.cors import Preflight
from apic.compiler.plan.routes import RoutePlan
from apic.compiler.plan.sampling import Rule, default_rate, healthcheck_rules, user_rules
from apic.targets.base import Reporter
from apic.targets.kongplugins.json import Json

CORS_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS"})
CACHE_METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT"})
REQUEST_ID = "requestId"


def cors(preflight: Preflight) -> dict[str, Json]:
    settings: dict[str, Json] = {
        "origins": list(preflight.allow_origins),
        "methods": sorted(m for m in preflight.allow_methods if m in CORS_METHODS),
        "headers": list(preflight.allow_headers),
        "credentials": preflight.allow_credentials,
        "preflight_continue": False,
    }
    if preflight.expose_headers:
        settings["exposed_headers"] = list(preflight.expose_headers)
    if preflight.max_age_seconds is not None:
        settings["max_age"] = int(preflight.max_age_seconds)
    return {"name": "cors", "config": settings}


def proxy_cache(config: Reporter, plan: RoutePlan, cached: list[CachedMethod]) -> dict[str, Json]:
    """proxy-cache keys an entry by route, consumer, method, path and the listed query
    parameters and headers: the path is always a key, so `path_keys = false` (one entry for
    every id) cannot be said, and keys from elsewhere than the request are warned about."""
    route = plan.route
    ttl = next((c.ttl for c in cached if c.ttl is not None), None)
    methods = sorted({c.method.value for c in cached} & CACHE_METHODS) or ["GET", "HEAD"]
    settings: dict[str, Json] = {
        "strategy": "memory",
        "cache_ttl": int(ttl.seconds) if ttl is not None else DEFAULT_TTL_SECONDS,
        "request_method": methods,
    }
    queries = sorted({k.name for k in plan.cache_keys if k.kind is SourceKind.QUERY})
    headers = sorted({k.name.lower() for k in plan.cache_keys if k.kind is SourceKind.HEADER})
    if queries:
        settings["vary_query_params"] = queries
    if headers:
        settings["vary_headers"] = headers
    others = [
        str(k)
        for k in plan.cache_keys
        if k.kind not in (SourceKind.QUERY, SourceKind.HEADER, SourceKind.PATH)
    ]
    node = route.cache if route.cache is not None else route
    if others:
        config.report(
            codes.TARGET_APPROXIMATION,
            node,
            None,
            f"{route.label}: cache keys {', '.join(others)} are not written: Kong's proxy-cache keys "
            "entries by the request's path, query parameters and headers only",
        )
    if route.cache is not None and route.cache.path_keys is False:
        config.report(
            codes.TARGET_APPROXIMATION,
            route.cache,
            "path_keys",
            f"{route.label}: Kong's proxy-cache always keys entries by the request path, so each path "
            "is cached apart",
        )
    return {"name": "proxy-cache", "config": settings}


def template(source: ParamSource, captures: dict[str, str]) -> str | None:
    """A request-transformer template reading `source`, or None when Kong has none for it."""
    if source.kind is SourceKind.PATH and source.name in captures:
        return f'$(uri_captures["{captures[source.name]}"])'
    if source.kind is SourceKind.QUERY:
        return f'$(query_params["{source.name}"])'
    if source.kind is SourceKind.HEADER:
        return f'$(headers["{source.name.lower()}"])'
    if source.kind is SourceKind.STATIC and "$(" not in source.name:
        return source.name
    return None


def forwarding(
    config: Reporter, plan: RoutePlan, uri: str | None
) -> tuple[dict[str, Json] | None, dict[str, Json] | None]:
    """(request-transformer, correlation-id) for the route's upstream path and its `forward`
    mappings. A header set from a source is first removed, so a client cannot send it in
    its place; `context.requestId` is Kong's correlation-id plugin."""
    captures = dict(plan.pattern.captures)
    remove: dict[str, list[str]] = {}
    add: dict[str, list[str]] = {}
    correlation: dict[str, Json] | None = None
    for mapping in plan.route.forward:
        request_id = mapping.source.kind is SourceKind.CONTEXT and mapping.source.name == REQUEST_ID
        if request_id and mapping.location is SourceKind.HEADER:
            correlation = {
                "name": "correlation-id",
                "config": {"header_name": mapping.name, "generator": "uuid", "echo_downstream": False},
            }
            continue
        value = template(mapping.source, captures)
        section = {SourceKind.HEADER: "headers", SourceKind.QUERY: "querystring"}.get(mapping.location)
        if value is None or section is None or ":" in mapping.name or "," in value:
            forward_not_written(config, plan, mapping)
            continue
        name = mapping.name.lower() if section == "headers" else mapping.name
        same = mapping.source.kind is mapping.location and mapping.source.name.lower() == mapping.name.lower()
        if not same:
            remove.setdefault(section, []).append(name)
        add.setdefault(section, []).append(f"{name}:{value}")
    settings: dict[str, Json] = {}
    if uri is not None:
        settings["replace"] = {"uri": uri}
    if remove:
        settings["remove"] = {k: sorted(v) for k, v in remove.items()}
    if add:
        settings["add"] = {k: sorted(v) for k, v in add.items()}
    transformer = {"name": "request-transformer", "config": settings} if settings else None
    return transformer, correlation


def forward_not_written(config: Reporter, plan: RoutePlan, mapping: ForwardMapping) -> None:
    config.report(
        codes.TARGET_APPROXIMATION,
        mapping,
        None,
        f"{plan.route.label}: forwarding {mapping.location.value} `{mapping.name}` = {mapping.source} is not "
        "written: Kong's request-transformer reads only the request's path captures, query parameters, "
        "headers and plain values",
    )


def sampling_rules(api: Api) -> list[Rule]:
    return [*healthcheck_rules(api), *user_rules(api)]


def sampling_rate(api: Api, plan: RoutePlan, rules: list[Rule], hosts: tuple[str, ...], public: str) -> float:
    """The rate of the first rule (by priority) that matches the route, else the default: X-Ray's
    globs read against the route's resource and public paths and its hosts."""
    methods = {m.value for m in plan.route.methods}
    for rule in sorted(rules, key=lambda r: r.priority):
        if rule.scope != "gateway":
            continue
        if rule.method != "*" and rule.method not in methods and HttpMethod.ANY.value not in methods:
            continue
        if rule.host != "*" and not any(fnmatch.fnmatchcase(h, rule.host) for h in hosts):
            continue
        if any(fnmatch.fnmatchcase(p, rule.url_path) for p in (plan.route.path, public)):
            return rule.rate
    return default_rate(api)[0]


def tracing_enabled(api: Api) -> bool:
    return api.tracing is not None or any(stage.tracing for stage in api.stages)
