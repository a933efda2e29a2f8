from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, Route
from apic.compiler.model.base import declaration_order
from apic.compiler.model.routes import RouteTable, TrieNode, methods_overlap, shared_methods
from apic.compiler.rules.common import route_anchor


def meeting_points(literal: TrieNode, variable: TrieNode) -> Iterator[tuple[TrieNode, TrieNode]]:
    """Walk two subtrees side by side and yield the node pairs one request reaches in both.

    Only segments both sides can match are followed (equal literals, or a `{param}` on
    either side), so the walk stays inside the overlap instead of visiting every pair.
    """
    stack = [(literal, variable)]
    while stack:
        a, b = stack.pop()
        if a.routes and b.routes:
            yield a, b
        for text, child in a.literals.items():
            if text in b.literals:
                stack.append((child, b.literals[text]))
            if b.param is not None:
                stack.append((child, b.param))
        if a.param is not None:
            stack.extend((a.param, child) for child in b.literals.values())
            if b.param is not None:
                stack.append((a.param, b.param))


class RouteLiteralParamOverlap(Rule):
    """
    ## What it does
    Finds a literal path segment beside a `{param}` segment where both routes take the
    same method, such as `GET /book/list` and `GET /book/{bookId}`: the request
    `GET /book/list` matches both.

    ## Why is this bad?
    Every gateway settles the tie its own way. API Gateway picks the more specific route;
    Kong needs `regex_priority`; Nginx needs `location =`; Ingress and HTTPRoute rank Exact
    above Prefix. The id `list` can never be looked up. When that is intended, say so with a
    suppression and a reason, as the bookstore example does.

    ## Example
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/book/{bookId}" {}
      route GET "/book/list" {}
    }
    ```

    ## Use instead
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/book/{bookId}" {}
      route GET "/books" {}
    }
    ```
    """

    code = "RT003"
    name = "route-literal-param-overlap"
    summary = "a literal segment and a {param} segment match the same request"
    default_severity = Severity.INFO

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is ApiKind.WEBSOCKET:
                continue
            reported: set[int] = set()
            for node in RouteTable.of(api).root.walk():
                if node.param is None or not node.literals:
                    continue
                for child in node.literals.values():
                    for a, b in meeting_points(child, node.param):
                        yield from self._pairs(a.routes, b.routes, reported)

    def _pairs(self, literal: list[Route], variable: list[Route], reported: set[int]) -> Iterator[Diagnostic]:
        for route in sorted(literal, key=declaration_order):
            if id(route) in reported:
                continue
            other = next(
                (
                    v
                    for v in sorted(variable, key=declaration_order)
                    if methods_overlap(route.methods, v.methods)
                ),
                None,
            )
            if other is None:
                continue
            reported.add(id(route))
            methods = " ".join(shared_methods(route.methods, other.methods))
            yield self.diagnostic(
                route_anchor(route),
                f"{route.label} also matches {other.label} ({methods}): gateways disagree on which one wins",
                related=[(route_anchor(other), f"{other.label} is defined here")],
                help="rename one path, or suppress with a reason when the literal is meant to win",
            )
