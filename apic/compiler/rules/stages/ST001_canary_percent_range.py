from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel
from apic.compiler.model.types import format_number
from apic.compiler.rules.common import percent_hint


class CanaryPercentRange(Rule):
    """
    ## What it does
    Checks `canary.percent` on REST stages: it must carry `%` and lie in 0-100% (errors);
    exactly 0% or 100% is a warning. Canary `variables` that override variables the stage
    does not define are warnings too.

    ## Why is this bad?
    Values outside 0.0-100.0 fail the deploy. A 100% canary is a full cutover without a
    rollback story (promote the canary instead); a 0% canary is dead configuration. A
    canary variable the stage lacks is usually a typo, so the canary runs with a different
    configuration than intended.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {
        canary { percent = 100% }
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {
        canary { percent = 10% }
      }
    }
    ```
    """

    code = "ST001"
    name = "canary-percent-range"
    summary = "a canary percentage outside 0-100%, at 0% or 100%, or with stray variables"
    default_severity = Severity.ERROR
    severity_note = "warning at exactly 0% or 100%, and for variables the stage lacks"
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.REST:
                continue
            for stage in api.stages:
                canary = stage.canary
                if canary is None:
                    continue
                percent = canary.percent
                span = canary.span_of("percent")
                owner = f"the canary of stage `{stage.name}`"
                if percent is not None and percent.unit is None:
                    yield self.diagnostic(
                        span,
                        f"percent `{format_number(percent.value)}` of {owner} has no unit",
                        help=percent_hint(percent.value),
                    )
                elif percent is not None and not 0 <= percent.value <= 100:
                    yield self.diagnostic(span, f"percent {percent} of {owner} is outside 0-100%")
                elif percent is not None and percent.value in (0, 100):
                    meaning = (
                        "sends no traffic: it is dead configuration"
                        if percent.value == 0
                        else "sends all traffic: that is a cutover, not a canary"
                    )
                    yield self.diagnostic(
                        span,
                        f"{owner} at {percent} {meaning}",
                        help="promote the canary instead" if percent.value == 100 else "remove the canary",
                        severity=Severity.WARNING,
                    )
                defined = set(stage.variables or {})
                for name in sorted(set(canary.variables or {}) - defined):
                    yield self.diagnostic(
                        canary.span_of("variables"),
                        f"{owner} overrides variable `{name}`, which stage `{stage.name}` does not define",
                        help=f"define `{name}` on the stage too, or fix the name",
                        severity=Severity.WARNING,
                    )
