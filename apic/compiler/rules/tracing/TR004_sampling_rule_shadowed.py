from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.plan.sampling import user_rules
from apic.compiler.rules.tracing.common import covers


class SamplingRuleShadowed(Rule):
    """
    ## What it does
    Finds a sampling rule that can never match because a rule with a higher priority (a
    lower number) matches every request it would: its host, method and path globs are each
    supersets, as `/api/*` at priority 100 is of `/api/book/list` at 200.

    ## Why is this bad?
    Exclusions and boosts that silently never apply. This is the common way a hand-written
    healthcheck exclusion stops working.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/api/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5%, fixed_target = 1 }
        rule "api" { priority = 100, path = "/api/*", rate = 10%, fixed_target = 1 }
        rule "items" { priority = 200, path = "/api/items", rate = 0%, fixed_target = 0 }
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/api/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5%, fixed_target = 1 }
        rule "items" { priority = 100, path = "/api/items", rate = 0%, fixed_target = 0 }
        rule "api" { priority = 200, path = "/api/*", rate = 10%, fixed_target = 1 }
      }
    }
    ```
    """

    code = "TR004"
    name = "sampling-rule-shadowed"
    summary = "a sampling rule that a higher-priority rule always takes first"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            rules = user_rules(api)  # sorted by priority, then name
            for index, rule in enumerate(rules):
                for earlier in rules[:index]:
                    if earlier.priority == rule.priority:
                        continue  # equal priorities are sampling-value-range's finding
                    if (
                        covers(earlier.host, rule.host)
                        and covers(earlier.method, rule.method)
                        and covers(earlier.url_path, rule.url_path)
                    ):
                        source, first = rule.source, earlier.source
                        yield self.diagnostic(
                            source.span if source is not None else None,
                            f"sampling rule `{rule.name}` (priority {rule.priority}) never matches: "
                            f"`{earlier.name}` (priority {earlier.priority}) matches "
                            f"{earlier.method} {earlier.host}{earlier.url_path} first",
                            related=[
                                (first.span if first is not None else None, f"`{earlier.name}` is here")
                            ],
                            help=f"give `{rule.name}` a priority below {earlier.priority}",
                        )
                        break
