from __future__ import annotations

import re
from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.rules.common import route_anchor

HEALTH_NAMES = ("health", "healthz", "ping", "ready", "readyz", "live", "livez")
HEALTH_PATH = re.compile(r"/(?:" + "|".join(HEALTH_NAMES) + r")/?$", re.IGNORECASE)


class HealthcheckUnmarked(Rule):
    """
    ## What it does
    Finds routes whose path ends in `/health`, `/healthz`, `/ping`, `/ready`, `/readyz`,
    `/live` or `/livez` that are not marked `healthcheck = true`.

    ## Why is this bad?
    apic excludes healthchecks from trace sampling and plans them as probe targets only
    when they are marked. An unmarked probe endpoint is sampled like real traffic: probes
    arrive every few seconds from every load-balancer node and fill the reservoir.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/healthz" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/healthz" {
        healthcheck = true
        auth        = none
      }
    }
    ```
    """

    code = "TR006"
    name = "healthcheck-unmarked"
    summary = "a route named like a healthcheck that is not marked as one"
    default_severity = Severity.INFO

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for route in api.routes:
                if route.healthcheck or not route.methods or not HEALTH_PATH.search(route.path):
                    continue
                yield self.diagnostic(
                    route_anchor(route),
                    f"{route.label} looks like a healthcheck but is not marked as one",
                    help="add `healthcheck = true` (or suppress this if it is a real endpoint)",
                )
