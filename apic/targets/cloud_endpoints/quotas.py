"""Usage plans as Cloud Endpoints quotas (`x-google-management` and each operation's
`x-google-quota`).

Endpoints counts a metric per calling (consumer) project in one-minute windows: a limit's
only unit is `1/min/{project}` ("Configuring quotas", cloud.google.com/endpoints). So a plan's
throttle becomes a per-minute limit (a warning: no burst, and per project, not per key), and
a daily or monthly quota is not written (a warning that names it). Operations that take an
API key count against the plan's metric.
"""

from __future__ import annotations

import math
import re
from typing import Any

from apic.compiler import codes
from apic.compiler.model import Api, Rate, UsagePlan
from apic.compiler.plan.rates import SECONDS
from apic.targets.base import Reporter

UNIT = "1/min/{project}"


def metric_name(plan: UsagePlan) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", plan.name.lower()).strip("-") + "-requests"


def per_minute(rate: Rate) -> int:
    """Requests a minute for `rate`, rounded down (a limit never allows more than the plan)."""
    return max(1, math.floor(rate.amount * 60 / SECONDS[rate.per]))


class Quotas:
    def __init__(self, api: Api, reporter: Reporter) -> None:
        self.api = api
        self.reporter = reporter
        self.metrics: list[dict[str, Any]] = []
        self.limits: list[dict[str, Any]] = []

    def build(self) -> list[str]:
        """Metrics and limits for every plan with a throttle; the metric names operations
        with an API key count against."""
        counted = []
        for plan in self.api.usage_plans:
            what = f"usage plan `{plan.name}`"
            if plan.quota is not None:
                self.reporter.report(
                    codes.TARGET_APPROXIMATION,
                    plan,
                    "quota",
                    f"{what}: the quota `{plan.quota}` is not written; Cloud Endpoints limits requests per "
                    "minute only",
                    help="say the plan's limit as a throttle",
                )
            if plan.throttle is None or plan.throttle.rate is None:
                continue
            limit = per_minute(plan.throttle.rate)
            burst = "" if plan.throttle.burst is None else f"; burst {plan.throttle.burst} is not written"
            self.reporter.report(
                codes.TARGET_APPROXIMATION,
                plan.throttle,
                "rate",
                f"{what}: the throttle `{plan.throttle.rate}` is written as {limit} requests a minute per "
                f"calling project{burst}",
            )
            name = metric_name(plan)
            self.metrics.append(
                {
                    "name": name,
                    "displayName": f"{plan.name} requests",
                    "valueType": "INT64",
                    "metricKind": "DELTA",
                }
            )
            self.limits.append(
                {"name": f"{name}-limit", "metric": name, "unit": UNIT, "values": {"STANDARD": limit}}
            )
            counted.append(name)
        return counted

    def management(self) -> dict[str, Any] | None:
        if not self.metrics:
            return None
        return {"metrics": self.metrics, "quota": {"limits": self.limits}}
