from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, HttpMethod
from apic.compiler.rules.common import is_public, route_anchor


class CorsPreflightAuth(Rule):
    """
    ## What it does
    Finds routes with CORS enabled whose own method answers the preflight `OPTIONS`
    request (an explicit `OPTIONS` route, or `ANY` on a REST API, where apic then writes
    no separate preflight) while requiring auth.

    ## Why is this bad?
    Browsers send preflights without credentials or API keys, so they get 401 or 403 and
    the browser blocks the real call. SAM has `AddDefaultAuthorizerToCorsPreflight` for
    this reason.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      cors {
        allow_origins = ["https://app.example.com"]
        allow_methods = ["GET", "POST"]
      }
      route ANY "/items" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      cors {
        allow_origins = ["https://app.example.com"]
        allow_methods = ["GET", "POST"]
      }
      route [GET, POST] "/items" {}
    }
    ```
    """

    code = "CO002"
    name = "cors-preflight-auth"
    summary = "CORS preflights would need credentials"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is ApiKind.WEBSOCKET:
                continue
            answering = {HttpMethod.OPTIONS} | ({HttpMethod.ANY} if api.kind is ApiKind.REST else set())
            for route in api.routes:
                if api.cors_policy(route) is None or is_public(route):
                    continue
                method = next((m for m in route.methods if m in answering), None)
                if method is None:
                    continue
                yield self.diagnostic(
                    route_anchor(route),
                    f"{route.label} answers CORS preflights ({method.value} covers OPTIONS) "
                    "but requires auth: "
                    "browsers send preflights without credentials",
                    related=[(route.field_spans.get("auth"), "the auth that applies")],
                    help="list the methods without OPTIONS/ANY so apic answers preflights, "
                    "or give the OPTIONS route auth = none",
                )
