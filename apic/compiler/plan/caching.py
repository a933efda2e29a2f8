"""Which responses API Gateway caches, and what tells cached entries apart: decided once here
for every target and for lint.

A cache entry is keyed by the resource path plus the method's cache key parameters, not by
the request path: without `path.id` among the keys, `GET /products/1` and `GET /products/2`
share one entry and callers get each other's product. So a cached route's path parameters
are always keys unless the source says `path_keys = false`.

What is cached in a stage: every route with its own `cache` block; when none has one and the
stage has a cache cluster, every GET route, as API Gateway enables stage caching for GET
methods only ("When you enable caching for a stage, only GET methods have caching enabled
by default", API Gateway developer guide, api-gateway-caching).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apic.compiler.model import Api, Duration, HttpMethod, ParamSource, Route, SourceKind, Stage

PATH_PARAMETER = re.compile(r"\{([^}+]+)\+?\}")


def path_parameters(route: Route) -> list[str]:
    """`/book/{bookId}/{proxy+}` -> [bookId, proxy], in path order."""
    return PATH_PARAMETER.findall(route.path)


def cache_keys(route: Route) -> tuple[ParamSource, ...]:
    """The effective cache keys of a cached route: its path parameters (unless
    `path_keys = false`), then the keys the source names, each once, in that order."""
    keys: list[ParamSource] = []
    cache = route.cache
    if cache is None or cache.path_keys is not False:
        keys.extend(ParamSource(kind=SourceKind.PATH, name=name) for name in path_parameters(route))
    for key in cache.keys if cache is not None else ():
        if all((k.kind, k.name) != (key.kind, key.name) for k in keys):
            keys.append(key)
    return tuple(keys)


@dataclass(frozen=True)
class CachedMethod:
    """One method a stage caches, with the TTL and encryption that apply to it."""

    route: Route
    method: HttpMethod
    ttl: Duration | None
    encrypted: bool | None


def stage_caches_get_routes(api: Api, stage: Stage) -> bool:
    """A stage cache cluster with no route-level cache block caches every GET route."""
    return stage.cache is not None and not any(r.cache is not None for r in api.routes)


def cached_routes(api: Api) -> list[Route]:
    """Routes that some stage may cache: those that need cache keys on their integration."""
    if any(r.cache is not None for r in api.routes):
        return [r for r in api.routes if r.cache is not None]
    if any(s.cache is not None for s in api.stages):
        return [r for r in api.routes if HttpMethod.GET in r.methods]
    return []


def cached_methods(api: Api, stage: Stage) -> list[CachedMethod]:
    found = []
    stage_ttl = stage.cache.ttl if stage.cache else None
    stage_encrypted = stage.cache.encrypted if stage.cache else None
    for route in api.routes:
        if route.cache is not None:
            encrypted = route.cache.encrypted if route.cache.encrypted is not None else stage_encrypted
            found.extend(
                CachedMethod(route, method, route.cache.ttl or stage_ttl, encrypted)
                for method in route.methods
            )
        elif stage_caches_get_routes(api, stage) and HttpMethod.GET in route.methods:
            found.append(CachedMethod(route, HttpMethod.GET, stage_ttl, stage_encrypted))
    return found


DEFAULT_TTL_SECONDS = 300  # API Gateway's default: "the default TTL value for API caching is 300 seconds"


def cached_in(api: Api, route: Route, stage: Stage | None) -> list[CachedMethod]:
    """The methods of `route` that `stage` caches; without a stage, those its own cache block
    caches (a target that serves one deployment and is told no stage)."""
    if stage is not None:
        return [c for c in cached_methods(api, stage) if c.route is route]
    if route.cache is None:
        return []
    return [CachedMethod(route, method, route.cache.ttl, route.cache.encrypted) for method in route.methods]
