from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, Route, SourceKind
from apic.compiler.model.routes import segments
from apic.compiler.rules.common import path_params, route_anchor, route_sources, template_params
from apic.compiler.suggest import did_you_mean


class RouteParamUnbound(Rule):
    """
    ## What it does
    Finds path variables used but not bound: `{x}` in `upstream_path`, or `path.x` in
    `forward`, `cache.keys` or a request template, where the route's path has no `{x}`. Also
    finds a greedy variable such as `{proxy+}` that is not the last segment.

    ## Why is this bad?
    The backend receives a literal `{x}` (and answers 404), or the deploy fails: API Gateway
    requires "The greedy path variable must be at the end of the resource path". It is the
    usual leftover of renaming a route.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{id}" {
        upstream_path = "/v1/orders/{orderId}"
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/orders/{id}" {
        upstream_path = "/v1/orders/{id}"
      }
    }
    ```
    """

    code = "RT005"
    name = "route-param-unbound"
    summary = "a path variable is used but not bound, or a greedy variable is not last"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is ApiKind.WEBSOCKET:
                continue
            for route in api.routes:
                yield from self._route(route)

    def _route(self, route: Route) -> Iterator[Diagnostic]:
        parts = segments(route.path)
        for index, segment in enumerate(parts[:-1]):
            if segment.kind == "greedy":
                yield self.diagnostic(
                    route.field_spans.get("path") or route_anchor(route),
                    f"greedy `{segment}` is segment {index + 1} of {len(parts)} in `{route.path}`; "
                    "it must be the last",
                    help="move the greedy variable to the end, or make it a plain `{name}`",
                )
        bound = path_params(route.path)
        if route.upstream_path is not None:
            upstream = segments(route.upstream_path)
            for index, segment in enumerate(upstream):
                if segment.kind == "literal":
                    continue
                if segment.text not in bound:
                    yield self._unbound(
                        route,
                        f"`{segment}` in upstream_path",
                        segment.text,
                        route.span_of("upstream_path"),
                        bound,
                    )
                elif segment.kind == "greedy" and index < len(upstream) - 1:
                    yield self.diagnostic(
                        route.span_of("upstream_path"),
                        f"greedy `{segment}` must be the last segment of "
                        f"upstream_path `{route.upstream_path}`",
                    )
        for source, span, use in route_sources(route):
            if source.kind is SourceKind.PATH and source.name not in bound:
                yield self._unbound(route, f"`path.{source.name}` ({use})", source.name, span, bound)
        for kind, name, span in template_params(route):
            if kind is SourceKind.PATH and name not in bound:
                yield self._unbound(
                    route, f"path parameter `{name}` read by the request template", name, span, bound
                )

    def _unbound(self, route: Route, what: str, name: str, span, bound: dict[str, bool]) -> Diagnostic:
        known = ", ".join(f"{{{n}}}" for n in bound) or "none"
        return self.diagnostic(
            span or route_anchor(route),
            f"{what} is not a variable of `{route.path}` (its variables: {known})",
            related=[(route.field_spans.get("path"), f"the path of {route.label}")],
            help=did_you_mean(name, list(bound)) or "bind it in the path, or remove the use",
        )
