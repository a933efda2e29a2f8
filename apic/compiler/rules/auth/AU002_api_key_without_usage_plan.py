from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import Api, ApiKind, AuthKind, GatewayModel, Route
from apic.compiler.model.base import declaration_order
from apic.compiler.rules.common import route_anchor


def requires_api_key(route: Route) -> bool:
    return bool(route.auth) and all(any(r.kind is AuthKind.API_KEY for r in alt) for alt in route.auth)


class ApiKeyWithoutUsagePlan(Rule):
    """
    ## What it does
    On REST APIs, finds stages where routes require an API key but no `usage_plan` lists
    the stage, or no `consumer` is bound to such a plan.

    ## Why is this bad?
    API Gateway honours keys only through a usage plan attached to the stage. Without one,
    every request to those routes returns `403 Forbidden` after go-live.

    ## Example
    ```gw
    api "partners" {
      route GET "/rates" { auth = [api_key, iam] }
      stage "prod" {}
    }
    ```

    ## Use instead
    ```gw
    api "partners" {
      route GET "/rates" { auth = [api_key, iam] }
      stage "prod" {}
      usage_plan "standard" { stages = [stage.prod] }
      consumer "acme" { plan = usage_plan.standard }
    }
    ```
    """

    code = "AU002"
    name = "api-key-without-usage-plan"
    summary = "routes require an API key on a stage no usage plan and consumer serve"
    default_severity = Severity.ERROR
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.REST:
                continue
            keyed = [r for r in api.routes if requires_api_key(r)]
            if not keyed:
                continue
            first = min(keyed, key=declaration_order)
            for stage in api.stages:
                problem = self._problem(api, stage.name)
                if problem is None:
                    continue
                yield self.diagnostic(
                    first.span_of("auth") or route_anchor(first),
                    f"{len(keyed)} route(s) such as {first.label} require an API key, but {problem} "
                    f"stage `{stage.name}`: every request will get 403",
                    related=[(stage.span, f"stage `{stage.name}` is defined here")],
                    help=f"add a usage_plan with stages = [stage.{stage.name}] and a consumer bound to it",
                )

    @staticmethod
    def _problem(api: Api, stage: str) -> str | None:
        plans = [p for p in api.usage_plans if stage in p.stages]
        if not plans:
            return "no usage_plan lists"
        names = {p.name for p in plans}
        if not any(c.plan in names for c in api.consumers):
            return "no consumer is bound to a usage plan of"
        return None
