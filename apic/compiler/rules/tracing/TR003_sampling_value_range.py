from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel, Percent, SamplingDefault, SamplingRule
from apic.compiler.model.base import declaration_order
from apic.compiler.model.types import format_number
from apic.compiler.rules.common import percent_hint
from apic.compiler.source import Span

PRIORITY_MIN, PRIORITY_MAX = 1, 9999
MAX_PATH = 128


class SamplingValueRange(Rule):
    """
    ## What it does
    Checks the values of sampling rules and the default: a rate must carry `%` and lie in
    0-100%; `priority` must be 1-9999 (the X-Ray API range) and unique; `path` and `host` at
    most 128 characters. (A negative `fixed_target` is refused when the file is read.)

    ## Why is this bad?
    Out-of-range values fail the deploy. A bare `rate = 5` is ambiguous: meant as 5% it may
    be sent as 500% or as 5.0 (every request), a 100-fold trace bill.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5, fixed_target = 1 }
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
        default { rate = 5%, fixed_target = 1 }
      }
    }
    ```
    """

    code = "TR003"
    name = "sampling-value-range"
    summary = "a sampling rate, reservoir, priority or path outside what X-Ray accepts"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            tracing = api.tracing
            if tracing is None:
                continue
            if tracing.default is not None:
                yield from self._values("the default", tracing.default)
            seen: dict[int, SamplingRule] = {}
            for rule in sorted(tracing.rules, key=declaration_order):
                owner = f"sampling rule `{rule.name}`"
                yield from self._values(owner, rule)
                if rule.priority is None:
                    continue
                if not PRIORITY_MIN <= rule.priority <= PRIORITY_MAX:
                    yield self.diagnostic(
                        rule.span_of("priority"),
                        f"priority {rule.priority} of {owner} is outside {PRIORITY_MIN}-{PRIORITY_MAX}",
                    )
                elif rule.priority in seen:
                    first = seen[rule.priority]
                    yield self.diagnostic(
                        rule.span_of("priority"),
                        f"{owner} has priority {rule.priority}, like sampling rule `{first.name}`",
                        related=[(first.span_of("priority"), f"`{first.name}` has it first")],
                        help="give every rule its own priority: X-Ray's order between equals is by name",
                    )
                else:
                    seen[rule.priority] = rule
                for attr in ("path", "host"):
                    value = getattr(rule, attr)
                    if value is not None and len(value) > MAX_PATH:
                        yield self.diagnostic(
                            rule.span_of(attr),
                            f"{attr} of {owner} has {len(value)} characters; X-Ray allows {MAX_PATH}",
                        )

    def _values(self, owner: str, node: SamplingDefault | SamplingRule) -> Iterator[Diagnostic]:
        rate: Percent | None = node.rate
        span: Span | None = node.span_of("rate")
        if rate is not None and rate.unit is None:
            value = format_number(rate.value)
            yield self.diagnostic(
                span, f"rate `{value}` of {owner} has no unit", help=percent_hint(rate.value)
            )
        elif rate is not None and not 0 <= rate.value <= 100:
            yield self.diagnostic(span, f"rate {rate} of {owner} is outside 0-100%")
