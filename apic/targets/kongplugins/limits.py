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
from apic.compiler.model import Node, Rate
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
