"""The route table: API Gateway's precedence for matching, and trie answers equal to pairwise ones."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from apic.api import load
from apic.compiler.lint.rule import Rule, RuleContext, RuleOptions
from apic.compiler.model import Api, GatewayModel, HttpMethod, Route
from apic.compiler.model.routes import RouteTable, methods_overlap, segments
from apic.compiler.rules.routes.RT001_route_duplicate import RouteDuplicate
from apic.compiler.rules.routes.RT003_route_literal_param_overlap import RouteLiteralParamOverlap
from apic.compiler.source import SourceFile

TEXT = """\
api "a" {
  defaults { auth = iam }
  route GET "/book/{bookId}" {}
  route GET "/book/list" {}
  route ANY "/book/{bookId}/reviews" {}
  route POST "/book/{bookId}/reviews" {}
  route GET "/files/{path+}" {}
  route GET "/files/readme" {}
  route GET "/" {}
}
"""


def table(tmp_path: Path) -> RouteTable:
    loaded = load(tmp_path / "r.gw", text=TEXT)
    assert loaded.model is not None
    return RouteTable.build(loaded.model.apis[0])


def test_match_prefers_literal_then_param_then_greedy_and_exact_method_over_any(tmp_path: Path) -> None:
    routes = table(tmp_path)

    def label(method: str, path: str) -> str | None:
        found = routes.match(method, path)
        return found.label if found else None

    assert label("GET", "/book/list") == "GET /book/list"
    assert label("GET", "/book/42") == "GET /book/{bookId}"
    assert label("POST", "/book/42") is None
    assert label("POST", "/book/42/reviews") == "POST /book/{bookId}/reviews"
    assert label("DELETE", "/book/42/reviews") == "ANY /book/{bookId}/reviews"
    assert label("GET", "/files/readme") == "GET /files/readme"
    assert label("GET", "/files/a/b/c") == "GET /files/{path+}"
    assert label("GET", "/files") is None  # a greedy variable needs one segment at least
    assert label("GET", "/") == "GET /"
    assert label("get", "/book/7?x=1") == "GET /book/{bookId}"


def test_segments() -> None:
    assert [str(s) for s in segments("/a/{b}/{c+}")] == ["a", "{b}", "{c+}"]
    assert segments("/") == ()


# --- the trie finds exactly what comparing every pair finds --------------------------------
SEGMENT = st.sampled_from(["a", "b", "{x}", "{y}"])
ROUTE = st.tuples(
    st.lists(SEGMENT, min_size=1, max_size=3),
    st.sampled_from([("GET",), ("POST",), ("ANY",), ("GET", "POST")]),
)


def shape(path: str) -> tuple[str, ...]:
    return tuple("{}" if s.kind != "literal" else s.text for s in segments(path))


def same_request(a: Route, b: Route) -> bool:
    """Brute force: some concrete request path reaches both (a param matches any literal)."""
    x, y = segments(a.path), segments(b.path)
    return len(x) == len(y) and all(
        p.kind != "literal" or q.kind != "literal" or p.text == q.text for p, q in zip(x, y, strict=True)
    )


def literal_side(r: Route, o: Route) -> bool:
    """At the first segment where the two shapes part, `r` has the literal and `o` the param."""
    for p, q in zip(segments(r.path), segments(o.path), strict=False):
        if (p.kind == "literal") != (q.kind == "literal"):
            return p.kind == "literal"
        if p.kind == "literal" and p.text != q.text:
            return False
    return False


@given(st.lists(ROUTE, min_size=1, max_size=12))
def test_trie_rules_agree_with_pairwise_comparison(spec: list) -> None:
    source = SourceFile("routes", "\n".join(f"{'/'.join(p)} {m}" for p, m in spec))
    routes = tuple(
        Route(
            methods=tuple(HttpMethod(m) for m in methods),
            path="/" + "/".join(parts),
            span=source.span(source.line_starts[i], source.line_starts[i] + 1),
        )
        for i, (parts, methods) in enumerate(spec)
    )
    model = GatewayModel(apis=(Api(name="a", routes=routes),))
    ctx = RuleContext(options=RuleOptions())
    duplicates = {
        i
        for i, r in enumerate(routes)
        if any(shape(r.path) == shape(o.path) and methods_overlap(r.methods, o.methods) for o in routes[:i])
    }
    assert reported(RouteDuplicate(), model, ctx) == duplicates
    overlaps = {
        i
        for i, r in enumerate(routes)
        if any(
            same_request(r, o) and literal_side(r, o) and methods_overlap(r.methods, o.methods)
            for o in routes
        )
    }
    assert reported(RouteLiteralParamOverlap(), model, ctx) == overlaps


def reported(rule: Rule, model: GatewayModel, ctx: RuleContext) -> set[int]:
    """Indexes of the routes a rule reports (each generated route spans its own line)."""
    return {d.span.start_location[0] - 1 for d in rule.check(model, ctx)}
