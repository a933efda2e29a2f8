from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.plan.sampling import HEALTHCHECK_PRIORITY_FIRST as FIRST
from apic.compiler.plan.sampling import HEALTHCHECK_PRIORITY_LAST as LAST


class SamplingPriorityReserved(Rule):
    """
    ## What it does
    Finds sampling rules whose `priority` lies in 1-99, the range apic reserves for the
    rate-0 exclusions of healthcheck routes and of the backends' health-check paths.

    ## Why is this bad?
    X-Ray applies the rule with the lowest priority number that matches. A user rule in the
    reserved range can sit ahead of a healthcheck exclusion (so probes are traced and eat
    the reservoir), and which of two equal priorities wins depends on rule names, not on
    intent.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5% }
        rule "items" { priority = 10, path = "/items", rate = 50% }
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5% }
        rule "items" { priority = 100, path = "/items", rate = 50% }
      }
    }
    ```
    """

    code = "TR005"
    name = "sampling-priority-reserved"
    summary = "a sampling rule in apic's reserved priority range 1-99"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for rule in api.tracing.rules if api.tracing is not None else ():
                priority = rule.priority
                if priority is not None and FIRST <= priority <= LAST:
                    yield self.diagnostic(
                        rule.span_of("priority"),
                        f"sampling rule `{rule.name}` has priority {priority}: apic reserves "
                        f"{FIRST}-{LAST} for healthcheck exclusions",
                        help="use a priority of 100 or more",
                    )
