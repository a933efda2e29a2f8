"""Rates and quotas in the units gateways count in."""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.model import MethodThrottle, Rate, Throttle

SECONDS = {"s": 1, "min": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2_592_000}
QUOTA_PERIODS = ("day", "week", "month")  # what usage-plan quotas count per (API Gateway)


def per_second(rate: Rate) -> float:
    """`600/min` -> 10; fractions kept to 6 digits, whole numbers as int."""
    value = rate.amount / SECONDS[rate.per]
    return int(value) if float(value).is_integer() else round(value, 6)


@dataclass(frozen=True)
class RateLimit:
    """A steady rate in requests per second and the burst above it; either may be unset."""

    per_second: float | None
    burst: int | None


def rate_limit(throttle: Throttle | MethodThrottle | None) -> RateLimit | None:
    """A throttle in the units every gateway counts in, or None when nothing is limited."""
    if throttle is None or (throttle.rate is None and throttle.burst is None):
        return None
    return RateLimit(per_second(throttle.rate) if throttle.rate is not None else None, throttle.burst)


@dataclass(frozen=True)
class Quota:
    """`10000/day`: how many requests a consumer may make per period (a word from
    `SECONDS`). Which periods a gateway can count is the target's to say: API Gateway counts
    `QUOTA_PERIODS`; a target that cannot count one reports it."""

    amount: int
    period: str

    @property
    def seconds(self) -> int:
        return SECONDS[self.period]


def quota(rate: Rate | None) -> Quota | None:
    return Quota(int(rate.amount), rate.per) if rate is not None else None
