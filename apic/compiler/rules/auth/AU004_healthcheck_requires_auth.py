from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.rules.common import is_public, route_anchor


class HealthcheckRequiresAuth(Rule):
    """
    ## What it does
    Finds healthcheck routes (`healthcheck = true`) that require an API key or any other
    authorization, including one inherited from `defaults` or a `group`.

    ## Why is this bad?
    Load balancers, uptime monitors and kubelet probes send no credentials. A healthcheck
    behind auth answers 401 or 403 to every probe: the target is marked unhealthy, or the
    monitor pages someone, while the service is fine.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/health" { healthcheck = true }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/health" {
        healthcheck = true
        auth        = none
      }
    }
    ```
    """

    code = "AU004"
    name = "healthcheck-requires-auth"
    summary = "a healthcheck route that probes cannot call: it requires credentials"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for route in api.routes:
                if not route.healthcheck or is_public(route):
                    continue
                required = route.auth_text
                yield self.diagnostic(
                    route.span_of("auth") or route_anchor(route),
                    f"healthcheck {route.label} requires {required}: probes send no credentials",
                    related=[(route_anchor(route), f"{route.label} is a healthcheck")],
                    help="set `auth = none` on the healthcheck route",
                )
