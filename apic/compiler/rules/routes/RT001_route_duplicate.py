from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.model.base import declaration_order
from apic.compiler.model.routes import RouteTable, methods_overlap, shared_methods
from apic.compiler.rules.common import route_anchor


class RouteDuplicate(Rule):
    """
    ## What it does
    Finds two routes that answer the same request: the same method (or `ANY` beside any
    method) and the same path shape, after `group` prefixes and imports are applied.
    `/orders/{id}` and `/orders/{orderId}` have the same shape.

    ## Why is this bad?
    CloudFormation refuses the second method on the same resource, so the deploy fails.
    Kong and Nginx accept both and the last definition silently wins: one team's route
    takes another team's traffic.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{id}" {}
      route ANY "/orders/{id}" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{id}" {}
      route [POST, DELETE] "/orders/{id}" {}
    }
    ```
    """

    code = "RT001"
    name = "route-duplicate"
    summary = "two routes answer the same method and path"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            table = RouteTable.of(api)
            groups = [node.routes for node in table.root.walk() if len(node.routes) > 1]
            groups += [routes for routes in table.route_keys.values() if len(routes) > 1]
            for routes in groups:
                ordered = sorted(routes, key=declaration_order)
                for index, later in enumerate(ordered):
                    first = next(
                        (
                            r
                            for r in ordered[:index]
                            if methods_overlap(r.methods, later.methods)
                            or (not r.methods and not later.methods)
                        ),
                        None,
                    )
                    if first is None:
                        continue
                    both = " ".join(shared_methods(first.methods, later.methods)) or "the route key"
                    yield self.diagnostic(
                        route_anchor(later),
                        f"route {later.label} answers the same requests ({both}) as {first.label}",
                        related=[(route_anchor(first), f"{first.label} is defined here")],
                        help="remove one of them, or give them disjoint methods",
                    )
