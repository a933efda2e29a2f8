from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import Api, ApiKind, GatewayModel, HttpMethod, Route
from apic.compiler.rules.common import (
    MAX_RELATED,
    WRITE_METHODS,
    is_public,
    own_span,
    route_anchor,
    speaks_openapi,
)


class RouteNoAuth(Rule):
    """
    ## What it does
    Finds routes that anyone can call: the effective `auth` (after `defaults` and `group`)
    is `none` or unset, and the route is not a `healthcheck`. Writes (POST, PUT, PATCH,
    DELETE, ANY) are errors. Preflight-only `OPTIONS` routes are left alone. On WebSocket
    APIs only `$connect` is checked, since that is where a connection is authorised.

    ## Why is this bad?
    Accidentally public endpoints. AWS SAM recommends CloudFormation hooks that insist on
    an authorizer for every API Gateway method; this catches it before the deploy.

    ## Example
    ```gw
    api "shop" {
      route POST "/orders" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      route POST "/orders" { auth = iam }
    }
    ```
    """

    code = "AU001"
    name = "route-no-auth"
    summary = "a route anyone can call"
    default_severity = Severity.WARNING
    severity_note = "error for POST, PUT, PATCH, DELETE and ANY"

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            openapi = speaks_openapi(api)
            # preflight-only OPTIONS routes are left alone here as below
            candidates = [
                r
                for r in api.routes
                if not r.healthcheck and r.methods and not set(r.methods) <= {HttpMethod.OPTIONS}
            ]
            if openapi and candidates and all(not r.auth for r in candidates):
                # an OpenAPI document that declares security nowhere: one finding, not one a route
                yield self.undeclared(api, candidates)
                continue
            for route in api.routes:
                if route.healthcheck or not is_public(route):
                    continue
                if api.kind is ApiKind.WEBSOCKET and route.path != "$connect":
                    continue
                if route.methods and set(route.methods) <= {HttpMethod.OPTIONS}:
                    continue
                writes = sorted(m.value for m in route.methods if m.value in WRITE_METHODS)
                where = route.field_spans.get("auth")
                own = own_span(route, "auth")
                related = [(where, "auth is set to none here")] if where is not None and own is None else []
                yield self.diagnostic(
                    own or route_anchor(route),
                    f"{route.label} is public: no auth applies"
                    + (f", and it accepts {'/'.join(writes)}" if writes else ""),
                    related=related,
                    help=(
                        "declare `security` on the operation, or `security: []` where it is meant to be "
                        "public; mark probes `x-apic-healthcheck: true`"
                    )
                    if openapi
                    else "set `auth` on the route or in `defaults`; mark probes `healthcheck = true`",
                    severity=Severity.ERROR if writes else Severity.WARNING,
                )

    def undeclared(self, api: Api, routes: list[Route]) -> Diagnostic:
        writes = [r for r in routes if any(m.value in WRITE_METHODS for m in r.methods)]
        shown = (writes or routes)[:MAX_RELATED]
        return self.diagnostic(
            api.span,
            f"no operation of `{api.name}` declares security: all {len(routes)} route(s) are public"
            + (f", {len(writes)} of them accepting writes" if writes else ""),
            related=[(route_anchor(r), f"{r.label} is public") for r in shown],
            help="declare `security` at the document's root or on the operations; write `security: []` "
            "on the ones meant to be public (and `x-apic-ignore: [route-no-auth]` if all are)",
            severity=Severity.ERROR if writes else Severity.WARNING,
        )
