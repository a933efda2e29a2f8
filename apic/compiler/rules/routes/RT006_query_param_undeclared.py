from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, Route, SourceKind
from apic.compiler.rules.common import route_anchor, route_sources, template_params
from apic.compiler.suggest import did_you_mean

BLOCK = {SourceKind.QUERY: "query", SourceKind.HEADER: "header"}


class QueryParamUndeclared(Rule):
    """
    ## What it does
    Finds `query.X` or `header.X` read by `forward`, `cache.keys` or a request template
    (`$input.params().querystring.get('X')`) on a route that does not declare it with
    `query "X" {}` or `header "X" {}`. Header names compare case-insensitively.

    ## Why is this bad?
    On REST APIs, method request parameters must be declared before they are mapped: the
    deploy fails. A cache key on an undeclared parameter is silently ignored, so one
    user's cached response can be served to another. On Kong and Nginx, undeclared
    parameters pass to the backend unchecked.

    Authorizer identity sources are not checked: API Gateway reads them from the raw
    request, not from declared method parameters.

    ## Example
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/books" {
        cache { keys = [query.page] }
      }
      stage "prod" { cache { size = 0.5GB } }
    }
    ```

    ## Use instead
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/books" {
        query "page" { type = integer }
        cache { keys = [query.page] }
      }
      stage "prod" { cache { size = 0.5GB } }
    }
    ```
    """

    code = "RT006"
    name = "query-param-undeclared"
    summary = "a query or header parameter is used but not declared"
    default_severity = Severity.ERROR
    kinds = frozenset({ApiKind.REST, ApiKind.HTTP})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind not in self.kinds:
                continue
            for route in api.routes:
                yield from self._route(route)

    def _route(self, route: Route) -> Iterator[Diagnostic]:
        declared = {
            SourceKind.QUERY: {p.name for p in route.query_params},
            SourceKind.HEADER: {p.name.lower() for p in route.header_params},
        }
        uses = [(s.kind, s.name, span, use) for s, span, use in route_sources(route)]
        uses += [(kind, name, span, "request template") for kind, name, span in template_params(route)]
        for kind, name, span, use in uses:
            if kind not in declared:
                continue
            key = name.lower() if kind is SourceKind.HEADER else name
            if key in declared[kind]:
                continue
            block = BLOCK[kind]
            known = [
                p.name for p in (route.query_params if kind is SourceKind.QUERY else route.header_params)
            ]
            yield self.diagnostic(
                span or route_anchor(route),
                f"`{block}.{name}` ({use}) is not declared on {route.label}",
                related=[(route_anchor(route), f"declare it in {route.label}")],
                help=did_you_mean(name, known) or f'add `{block} "{name}" {{}}` to the route',
            )
