"""Rate limits and quotas in Kong's rate-limiting plugin.

Kong counts fixed windows (second, minute, hour, day, month, year), one counter per window.
A source's rate keeps its own unit (`600/min` is `minute: 600`, not `second: 10`). What Kong
cannot count is a warning that names it: a burst (Kong has no token bucket) and a weekly
quota (no week window). Kong rejects a configuration whose longer window allows less than
a shorter one, so a shorter window is lowered to the longer one's limit, which changes
nothing a client can do.
"""

from __future__ import annotations

from apic.compiler import codes
from apic.compiler.model import Api, Node, Rate, Route, Stage, UsagePlan
from apic.targets.base import Reporter
from apic.targets.kongplugins.json import Json

WINDOWS = {"s": "second", "min": "minute", "hour": "hour", "day": "day", "month": "month"}
ORDER = ("second", "minute", "hour", "day", "month", "year")


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def add_rate(
    config: Reporter, limits: dict[str, int | float], rate: Rate, node: Node, field: str, what: str
) -> None:
    window = WINDOWS.get(rate.per)
    if window is None:
        config.report(
            codes.TARGET_APPROXIMATION,
            node,
            field,
            f"{what} `{rate}` is not written: Kong's rate-limiting has no week window",
            help="say it per day or per month",
        )
        return
    amount = number(rate.amount)
    limits[window] = min(limits.get(window, amount), amount)


def warn_burst(config: Reporter, burst: int | None, node: Node, what: str) -> None:
    if burst is not None:
        config.report(
            codes.TARGET_APPROXIMATION,
            node,
            "burst",
            f"{what}: burst {burst} is not written: Kong's rate-limiting counts fixed windows and has "
            "no burst",
        )


def rate_limiting(limits: dict[str, int | float], limit_by: str) -> dict[str, Json] | None:
    if not limits:
        return None
    settings: dict[str, Json] = {}
    ceiling: float | None = None
    for window in reversed(ORDER):
        if window not in limits:
            continue
        value = limits[window] if ceiling is None else min(limits[window], ceiling)
        settings[window] = value
        ceiling = value
    settings.update({"limit_by": limit_by, "policy": "local"})
    return {"name": "rate-limiting", "config": settings}


def route_limited(api: Api) -> bool:
    """Some route or stage of `api` has a throttle (which a plan's consumer plugin replaces)."""
    return any(r.throttle is not None for r in api.routes) or any(s.throttle is not None for s in api.stages)


def route_limit(config: Reporter, route: Route, stage: Stage | None) -> dict[str, Json] | None:
    """The route's own throttle, else its stage's: API Gateway's per-method limits count all
    clients together, which is Kong's `limit_by: service` on a route (the counter is the
    route's). Bursts are the caller's to say, once per throttle."""
    limits: dict[str, int | float] = {}
    if route.throttle is not None and route.throttle.rate is not None:
        add_rate(config, limits, route.throttle.rate, route.throttle, "rate", f"{route.label} throttle")
    elif stage is not None and stage.throttle is not None and stage.throttle.rate is not None:
        add_rate(
            config, limits, stage.throttle.rate, stage.throttle, "rate", f"stage `{stage.name}` throttle"
        )
    return rate_limiting(limits, "service")


def plan_limit(config: Reporter, plan: UsagePlan, route_limited: bool) -> dict[str, Json] | None:
    """A usage plan's throttle and quota as a consumer's rate-limiting plugin, and what of the
    plan Kong cannot count said on the plan."""
    limits: dict[str, int | float] = {}
    what = f"usage plan `{plan.name}`"
    if plan.throttle is not None:
        if plan.throttle.rate is not None:
            add_rate(config, limits, plan.throttle.rate, plan.throttle, "rate", f"{what} throttle")
        warn_burst(config, plan.throttle.burst, plan.throttle, f"{what} throttle")
    if plan.quota is not None:
        add_rate(config, limits, plan.quota, plan, "quota", f"{what} quota")
        if plan.quota.per in WINDOWS:
            config.report(
                codes.TARGET_APPROXIMATION,
                plan,
                "quota",
                f"{what} quota `{plan.quota}`: DB-less Kong counts rate limits on each node "
                "(`policy: local`), so a cluster of n nodes lets a consumer make n times as many calls",
                help="point the plugin at Redis (`policy: redis`) for one count across nodes",
            )
    for throttle in plan.method_throttles:
        config.report(
            codes.TARGET_APPROXIMATION,
            throttle,
            None,
            f"{what}: the throttle of {throttle.method.value} {throttle.path} is not written; the plan's "
            "own limits apply to the route",
        )
    if limits and route_limited:
        config.report(
            codes.TARGET_APPROXIMATION,
            plan,
            None,
            f"{what}: Kong applies the most specific rate-limiting plugin only, so for the plan's "
            "consumers its limits replace the route and stage throttles",
        )
    return rate_limiting(limits, "consumer")
