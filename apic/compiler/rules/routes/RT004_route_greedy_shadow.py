from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, Route
from apic.compiler.model.base import declaration_order
from apic.compiler.model.routes import RouteTable, TrieNode
from apic.compiler.rules.common import auth_strength, plural, route_anchor

AUTH_WORDS = {0: "no auth", 1: "an API key only", 2: "an authenticator"}


@dataclass
class Subtree:
    """What a subtree holds, computed once bottom-up: no route is compared with every other."""

    count: int = 0
    first: Route | None = None
    strongest: Route | None = None

    def add_route(self, route: Route) -> None:
        self.count += 1
        if self.first is None or declaration_order(route) < declaration_order(self.first):
            self.first = route
        if self.strongest is None or auth_strength(route) > auth_strength(self.strongest):
            self.strongest = route

    def merge(self, other: Subtree) -> None:
        self.count += other.count
        for route in (other.first, other.strongest):
            if route is not None:
                self.count -= 1
                self.add_route(route)


def subtrees(root: TrieNode) -> dict[int, Subtree]:
    nodes = list(root.walk())
    summary: dict[int, Subtree] = {}
    for node in reversed(nodes):  # children before parents
        here = Subtree()
        for route in node.routes:
            here.add_route(route)
        for child in node.children():
            here.merge(summary[id(child)])
        summary[id(node)] = here
    return summary


class RouteGreedyShadow(Rule):
    """
    ## What it does
    Finds a greedy catch-all such as `/admin/{proxy+}` under a prefix that also has specific
    routes (`/admin/users`). It is an error when the catch-all asks for weaker auth than a
    specific route under the same prefix.

    ## Why is this bad?
    Prefix and ordered routers (Nginx, Kong, Ingress) can let the catch-all swallow the
    specific routes. A catch-all with weaker auth exposes the backend paths the specific
    routes meant to protect: `/admin/users/` or another method reaches the backend through
    the catch-all, which is an auth bypass.

    ## Example
    ```gw
    api "console" {
      defaults { auth = iam }
      route GET "/admin/users" {}
      route GET "/admin/{proxy+}" {}
    }
    ```

    ## Use instead
    ```gw
    api "console" {
      defaults { auth = iam }
      route GET "/admin/users" {}
      route GET "/assets/{proxy+}" {}
    }
    ```
    """

    code = "RT004"
    name = "route-greedy-shadow"
    summary = "a greedy catch-all under a prefix that has specific routes"
    default_severity = Severity.WARNING
    severity_note = "error when the catch-all has weaker auth than a specific route"

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is ApiKind.WEBSOCKET:
                continue
            root = RouteTable.of(api).root
            summary = subtrees(root)
            for node in root.walk():
                if node.greedy is None or not node.greedy.routes:
                    continue
                specific = Subtree()
                for child in [*node.literals.values(), *([node.param] if node.param else [])]:
                    specific.merge(summary[id(child)])
                if specific.first is None or specific.strongest is None:
                    continue
                for greedy in sorted(node.greedy.routes, key=declaration_order):
                    yield self._finding(greedy, specific)

    def _finding(self, greedy: Route, specific: Subtree) -> Diagnostic:
        assert specific.first is not None and specific.strongest is not None
        strongest = specific.strongest
        count = plural(specific.count, "specific route")
        if auth_strength(greedy) < auth_strength(strongest):
            return self.diagnostic(
                route_anchor(greedy),
                f"catch-all {greedy.label} requires {AUTH_WORDS[auth_strength(greedy)]} but shadows "
                f"{count}, and {strongest.label} requires {AUTH_WORDS[auth_strength(strongest)]}",
                related=[(route_anchor(strongest), f"{strongest.label} is protected more strongly")],
                help="give the catch-all at least the auth of every route under its prefix",
                severity=Severity.ERROR,
            )
        return self.diagnostic(
            route_anchor(greedy),
            f"catch-all {greedy.label} shares its prefix with {count}, such as {specific.first.label}",
            related=[(route_anchor(specific.first), f"{specific.first.label} is defined here")],
            help="move the catch-all under its own prefix, or suppress with a reason",
        )
