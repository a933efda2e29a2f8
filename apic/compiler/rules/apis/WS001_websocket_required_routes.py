from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel
from apic.compiler.rules.common import own_span


class WebsocketRequiredRoutes(Rule):
    """
    ## What it does
    On WebSocket APIs, finds a missing `$default` route, a missing `route_selection`
    expression, and auth on a route other than `$connect`.

    ## Why is this bad?
    Messages that match no route key get errors when there is no `$default`. Without a
    selection expression no message reaches a named route. Authorizers on routes other
    than `$connect` are not applied: the connection itself runs unauthenticated.

    ## Example
    ```gw
    api "chat" {
      kind = websocket
      route_selection = "$request.body.action"
      route "$connect" { auth = iam }
      route "send" {}
    }
    ```

    ## Use instead
    ```gw
    api "chat" {
      kind = websocket
      route_selection = "$request.body.action"
      route "$connect" { auth = iam }
      route "send" {}
      route "$default" {}
    }
    ```
    """

    code = "WS001"
    name = "websocket-required-routes"
    summary = "a WebSocket API without $default or route_selection, or with auth off $connect"
    default_severity = Severity.WARNING
    kinds = frozenset({ApiKind.WEBSOCKET})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.WEBSOCKET:
                continue
            keys = {r.path for r in api.routes}
            if "$default" not in keys:
                yield self.diagnostic(
                    api.span,
                    f"WebSocket api `{api.name}` has no `$default` route: unmatched messages get errors",
                    help='add route "$default" { … }',
                )
            if api.route_selection is None:
                yield self.diagnostic(
                    api.span,
                    f"WebSocket api `{api.name}` has no route_selection expression",
                    help='set route_selection = "$request.body.action"',
                )
            for route in api.routes:
                own = own_span(route, "auth")
                if route.path != "$connect" and route.auth and own is not None:
                    yield self.diagnostic(
                        own,
                        f"auth on WebSocket route `{route.path}` is not applied: "
                        "only `$connect` is authorised",
                        help="move the auth to the $connect route",
                    )
