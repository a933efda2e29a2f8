from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel
from apic.compiler.rules.tracing.common import traced_stages


class SamplingDefaultMissing(Rule):
    """
    ## What it does
    Finds APIs with a traced stage (`tracing = true`) but no `tracing { default { … } }`.

    ## Why is this bad?
    Without a default, requests fall to the account's `Default` sampling rule (priority
    10000). It is edited in the console, not versioned with the API, and may be anything,
    including zero: sampling changes silently.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5%, fixed_target = 1 }
      }
    }
    ```
    """

    code = "TR002"
    name = "sampling-default-missing"
    summary = "tracing is on but no default sampling rate is set"
    default_severity = Severity.WARNING
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.tracing is not None and api.tracing.default is not None:
                continue
            for stage in traced_stages(api):
                yield self.diagnostic(
                    stage.span_of("tracing"),
                    f"stage `{stage.name}` is traced but api `{api.name}` sets no default sampling rate",
                    related=[(api.tracing.span if api.tracing else None, "the tracing block")],
                    help="add tracing { default { rate = 5%, fixed_target = 1 } }",
                )
