"""Rates and quotas in the units gateways count in."""

from __future__ import annotations

from apic.compiler.model import Rate

SECONDS = {"s": 1, "min": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2_592_000}
QUOTA_PERIODS = ("day", "week", "month")  # what usage-plan quotas count per (API Gateway)


def per_second(rate: Rate) -> float:
    """`600/min` -> 10; fractions kept to 6 digits, whole numbers as int."""
    value = rate.amount / SECONDS[rate.per]
    return int(value) if float(value).is_integer() else round(value, 6)
