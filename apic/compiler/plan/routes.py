"""Every decision about one route in one place: what a target reads to print a route.

`route_plans` keeps the model's route order and adds the precedence (`priority`, higher
wins; `order`, the position in which an ordered router must try the route), so a target
needs neither the route table nor the other plan modules to print a route.
"""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.model import EXPLICIT_METHODS, Api, ApiKind, ParamSource, Route
from apic.compiler.plan.auth import AuthDecision, auth_decision
from apic.compiler.plan.caching import cache_keys, cached_routes
from apic.compiler.plan.paths import PublicPath, public_paths
from apic.compiler.plan.patterns import (
    CATCH_ALL,
    PathPattern,
    by_precedence,
    overlap,
    path_pattern,
    priorities,
)
from apic.compiler.plan.rates import RateLimit, rate_limit
from apic.compiler.plan.upstream import Upstream, upstream

# what `ANY` stands for, for routers that take a list of methods (and weigh a route with
# methods above one without)
EVERY_METHOD = tuple(sorted(m.value for m in EXPLICIT_METHODS))


@dataclass(frozen=True)
class RoutePlan:
    route: Route
    pattern: PathPattern
    priority: int
    order: int
    public_paths: tuple[PublicPath, ...]
    upstream: Upstream
    auth: AuthDecision
    cors: str | None  # the name of the policy the route answers with ("" for the api-wide one)
    cached: bool  # by its own cache block or a stage cache
    cache_keys: tuple[ParamSource, ...]  # empty when not cached
    rate_limit: RateLimit | None


def route_plans(api: Api) -> list[RoutePlan]:
    """The plan of every route with a path, and of an HTTP API's `$default` catch-all, which
    comes last: priority -1, below every route with a path (WebSocket route keys have no
    path to match; targets take them as they are)."""
    routes = [r for r in api.routes if r.path.startswith("/")]
    priority = {id(r): p for r, p in priorities(routes)}
    order = {id(r): i for i, r in enumerate(by_precedence(routes))}
    if api.kind is not ApiKind.WEBSOCKET:
        for route in api.routes:
            if route.path == CATCH_ALL:
                priority[id(route)], order[id(route)] = -1, len(order)
                routes.append(route)
    cached = {id(r) for r in cached_routes(api)}
    plans = []
    for route in routes:
        policy = api.cors_policy(route)
        plans.append(
            RoutePlan(
                route=route,
                pattern=path_pattern(route.path),
                priority=priority[id(route)],
                order=order[id(route)],
                public_paths=tuple(public_paths(api, route)),
                upstream=upstream(api, route),
                auth=auth_decision(api, route),
                cors=None if policy is None else (policy.name or ""),
                cached=id(route) in cached,
                cache_keys=cache_keys(route) if id(route) in cached else (),
                rate_limit=rate_limit(route.throttle),
            )
        )
    return plans


def contested(plans: list[RoutePlan]) -> list[tuple[RoutePlan, list[RoutePlan]]]:
    """Each route with a variable, in precedence order, with the later routes with variables
    whose paths it shares some request with: what a router that cannot be told the model's
    order between two such patterns (HTTPRoute's regex matches, ingress-nginx's
    longest-first regexes) decides on its own. Targets narrow the pairs to those their
    router gets wrong."""
    variable = sorted(
        (p for p in plans if not p.pattern.literal and not p.pattern.catch_all), key=lambda p: p.order
    )
    # a pattern whose first segment is a literal shares requests only with patterns that start
    # with the same literal or with a variable: compare within those, not every pair (which
    # was quadratic: 4 million comparisons at 5,000 routes)
    by_first: dict[str | None, list[int]] = {}
    for index, plan in enumerate(variable):
        by_first.setdefault(_first_literal(plan.pattern), []).append(index)
    open_first = by_first.get(None, [])
    found = []
    for i, first in enumerate(variable):
        head = _first_literal(first.pattern)
        candidates = (
            range(i + 1, len(variable))
            if head is None
            else sorted(j for j in (*by_first.get(head, ()), *open_first) if j > i)
        )
        found.append(
            (first, [variable[j] for j in candidates if overlap(first.pattern, variable[j].pattern)])
        )
    return found


def _first_literal(pattern: PathPattern) -> str | None:
    """The first segment's text when it is a literal, else None (a variable takes any)."""
    if pattern.segments and pattern.segments[0].kind == "literal":
        return pattern.segments[0].text
    return None
