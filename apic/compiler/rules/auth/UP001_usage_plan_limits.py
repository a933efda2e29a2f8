from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext, RuleOptions
from apic.compiler.model import Api, ApiKind, GatewayModel, MethodThrottle, Throttle, UsagePlan
from apic.compiler.model.types import format_number
from apic.compiler.plan.rates import QUOTA_PERIODS
from apic.compiler.source import Span


class Options(RuleOptions):
    account_rate: float = Field(10000, description="the account's steady-state limit in requests/s")
    account_burst: int = Field(5000, description="the account's burst limit")


class UsagePlanLimits(Rule):
    """
    ## What it does
    Checks the limits of REST usage plans: a throttle rate must be per second, a quota per
    day, week or month (errors); a burst below the rate or of zero, and a plan rate above
    its stages' throttle or the account limit, are warnings. Per-method throttles are
    checked the same way.

    ## Why is this bad?
    A token bucket smaller than one second of refill throws 429s at clients that stay
    within the advertised rate. A plan faster than the stage promises capacity clients
    cannot get. API Gateway has no per-minute throttle or per-hour quota: such values fail
    the deploy or are converted silently.

    ## Example
    ```gw
    api "partners" {
      defaults { auth = [api_key, iam] }
      route GET "/rates" {}
      stage "prod" {}
      usage_plan "standard" {
        stages = [stage.prod]
        throttle { rate = 50/s, burst = 10 }
      }
      consumer "acme" { plan = usage_plan.standard }
    }
    ```

    ## Use instead
    ```gw
    api "partners" {
      defaults { auth = [api_key, iam] }
      route GET "/rates" {}
      stage "prod" {}
      usage_plan "standard" {
        stages = [stage.prod]
        throttle { rate = 50/s, burst = 100 }
      }
      consumer "acme" { plan = usage_plan.standard }
    }
    ```
    """

    code = "UP001"
    name = "usage-plan-limits"
    summary = "usage plan throttles and quotas that cannot work as written"
    default_severity = Severity.WARNING
    severity_note = "error for a rate not per second or a quota not per day, week or month"
    kinds = frozenset({ApiKind.REST})
    Options = Options

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        options: Options = ctx.options
        for api in model.apis:
            if api.kind is not ApiKind.REST:
                continue
            for plan in api.usage_plans:
                yield from self._plan(api, plan, options)

    def _plan(self, api: Api, plan: UsagePlan, options: Options) -> Iterator[Diagnostic]:
        if plan.quota is not None and plan.quota.per not in QUOTA_PERIODS:
            yield self.diagnostic(
                plan.span_of("quota"),
                f"quota `{plan.quota}` of usage plan `{plan.name}` must be per day, week or month",
                help=f"for example {format_number(plan.quota.amount)}/day",
                severity=Severity.ERROR,
            )
        limits = [(f"usage plan `{plan.name}`", plan.throttle)]
        limits += [(f"`{m.method} {m.path}` in usage plan `{plan.name}`", m) for m in plan.method_throttles]
        for owner, throttle in limits:
            if throttle is None:
                continue
            yield from self._throttle(owner, throttle)
        rate = plan.throttle.rate if plan.throttle is not None else None
        if rate is None or rate.per != "s":
            return
        span = plan.throttle.span_of("rate") if plan.throttle is not None else plan.span
        for stage_name in plan.stages:
            stage = api.stage(stage_name)
            limit = stage.throttle.rate if stage is not None and stage.throttle is not None else None
            if limit is not None and limit.per == "s" and rate.amount > limit.amount:
                yield self.diagnostic(
                    span,
                    f"usage plan `{plan.name}` allows {rate} "
                    f"but stage `{stage_name}` is throttled at {limit}",
                    related=[
                        (
                            stage.throttle.span_of("rate") if stage and stage.throttle else None,
                            f"stage `{stage_name}` throttle",
                        )
                    ],
                    help="clients get the stage limit: lower the plan rate or raise the stage's",
                )
        burst = plan.throttle.burst if plan.throttle is not None else None
        if burst is not None and burst > options.account_burst and plan.throttle is not None:
            yield self.diagnostic(
                plan.throttle.span_of("burst"),
                f"usage plan `{plan.name}` allows a burst of {burst}, above the account limit of "
                f"{options.account_burst}",
                help="ask AWS to raise the account limit, then set account-burst in apic.toml",
            )
        if rate.amount > options.account_rate:
            yield self.diagnostic(
                span,
                f"usage plan `{plan.name}` allows {rate}, above the account limit of "
                f"{format_number(options.account_rate)}/s",
                help="ask AWS to raise the account limit, then set account-rate in apic.toml",
            )

    def _throttle(self, owner: str, node: Throttle | MethodThrottle) -> Iterator[Diagnostic]:
        rate, burst = node.rate, node.burst
        span: Span | None = node.span_of("rate")
        if rate is not None and rate.per != "s":
            yield self.diagnostic(
                span,
                f"throttle rate `{rate}` of {owner} must be per second",
                help="API Gateway throttles in requests per second, e.g. 10/s",
                severity=Severity.ERROR,
            )
            return
        burst_span = node.span_of("burst")
        if burst is not None and burst == 0:
            yield self.diagnostic(burst_span, f"burst 0 of {owner} rejects every request with 429")
        elif burst is not None and rate is not None and burst < rate.amount:
            yield self.diagnostic(
                burst_span,
                f"burst {burst} of {owner} is below its rate {rate}: clients within the rate still get 429",
                help=f"set burst to at least {format_number(rate.amount)}",
            )
