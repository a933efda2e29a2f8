from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import AuthKind, GatewayModel
from apic.compiler.rules.common import MAX_RELATED, route_anchor, speaks_openapi


class ApiKeyOnlyAuth(Rule):
    """
    ## What it does
    Finds routes whose only protection is an API key. Routes that inherit the same `auth`
    line are reported once, at that line.

    ## Why is this bad?
    Keys identify callers; they do not authenticate them. They travel in a header, are
    shared among a partner's systems and are rarely rotated. AWS positions API keys for
    metering and throttling, alongside an authorizer, IAM or Cognito.

    ## Example
    ```gw
    api "partners" {
      route GET "/rates" { auth = api_key }
      stage "prod" {}
      usage_plan "standard" { stages = [stage.prod] }
      consumer "acme" { plan = usage_plan.standard }
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

    code = "AU003"
    name = "api-key-only-auth"
    summary = "an API key is a route's only auth"
    default_severity = Severity.INFO

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            by_line: dict[object, list] = {}
            for route in api.routes:
                if route.auth and any(all(r.kind is AuthKind.API_KEY for r in alt) for alt in route.auth):
                    span = route.field_spans.get("auth") or route_anchor(route)
                    by_line.setdefault(span, []).append(route)
            for span, routes in by_line.items():
                first = routes[0]
                others = f" and {len(routes) - 1} more route(s) rely" if len(routes) > 1 else " relies"
                yield self.diagnostic(
                    span,
                    f"{first.label}{others} on an API key alone",
                    related=[(route_anchor(r), f"{r.label} relies on it too") for r in routes[1:MAX_RELATED]],
                    help="pair the key with an authorizer in each operation's `security` (both in one "
                    "requirement)"
                    if speaks_openapi(api)
                    else "pair the key with iam or an authorizer: auth = [api_key, iam]",
                )
