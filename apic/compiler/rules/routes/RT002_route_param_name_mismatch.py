from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, Route
from apic.compiler.model.routes import segments, variable_clashes
from apic.compiler.rules.common import route_anchor


def prefix(route: Route, depth: int) -> str:
    return "/" + "/".join(str(s) for s in segments(route.path)[:depth])


class RouteParamNameMismatch(Rule):
    """
    ## What it does
    Finds two path variables at the same position under the same parent with different
    names, such as `/orders/{orderId}` and `/orders/{id}/audit`. On REST APIs a greedy
    `{proxy+}` beside a `{param}` is the same problem: both are variable path parts.

    ## Why is this bad?
    API Gateway REST builds one resource tree, and a resource may have only one variable
    child: the deploy fails with "A sibling ({id}) of this resource already has a variable
    path part -- only one is allowed". Elsewhere the routes deploy, but mappings written
    for one name silently bind the other.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{orderId}" {}
      route GET "/orders/{id}/audit" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{orderId}" {}
      route GET "/orders/{orderId}/audit" {}
    }
    ```
    """

    code = "RT002"
    name = "route-param-name-mismatch"
    summary = "sibling path variables with different names"
    default_severity = Severity.ERROR
    severity_note = "warning on HTTP and WebSocket APIs"

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is ApiKind.WEBSOCKET:
                continue
            rest = api.kind is ApiKind.REST
            severity = Severity.ERROR if rest else Severity.WARNING
            for clash in variable_clashes(api, greedy=rest):
                route, text, first, first_text = clash.route, clash.text, clash.first, clash.first_text
                where = prefix(first, clash.node.depth)
                yield self.diagnostic(
                    route_anchor(route),
                    f"`{text}` in {route.label} sits beside `{first_text}` under `{where}`"
                    + (": API Gateway allows one variable path part per resource" if rest else ""),
                    related=[(route_anchor(first), f"`{first_text}` is used by {first.label}")],
                    help=f"use the name `{first_text}` at this position in every route",
                    severity=severity,
                )
