"""Path patterns and precedence, decided once in `plan.patterns` for every ordered or
priority router (Kong's `regex_priority`, nginx regex locations).

The property test holds the plan to the model's route table: sorting routes by `rank` and
taking the first whose regex and method match a request picks exactly the route the table
picks, for any set of routes and requests drawn from a small, colliding alphabet.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from route_strategies import REQUEST_PATH, route, route_sets

from apic.compiler.model import Api, HttpMethod, Route
from apic.compiler.model.routes import RouteTable
from apic.compiler.plan.patterns import (
    CAPTURE_NAME_MAX,
    by_precedence,
    capture_name,
    escape_literal,
    path_pattern,
    priorities,
    rank,
)


def test_regexes_escape_literals_and_capture_valid_names() -> None:
    assert path_pattern("/").regex == "^/$"
    assert path_pattern("/book/{book-id}").regex == "^/book/(?P<book_id>[^/]+)$"
    assert path_pattern("/v1.0/{1st}/files/{proxy+}").regex == (
        r"^/v1\.0/(?P<_1st>[^/]+)/files/(?P<proxy>.+)$"
    )
    assert path_pattern("/a(b)/x+y/$z").regex == r"^/a\(b\)/x\+y/\$z$"
    assert path_pattern("/book/{book-id}").capture("book-id") == "book_id"


def test_capture_names_are_unique_and_at_most_32_characters() -> None:
    long = "a" * 40
    pattern = path_pattern(f"/x/{{{long}}}/{{a.b}}/{{a_b}}/{{{long}x}}")
    assert [name for _, name in pattern.captures] == ["a" * 32, "a_b", "a_b_2", "a" * 30 + "_2"]
    assert all(len(name) <= CAPTURE_NAME_MAX for _, name in pattern.captures)
    assert capture_name("", set()) == "_"
    assert capture_name("é", set()) == "_"


def test_literal_prefix_and_kind() -> None:
    assert path_pattern("/book/list").literal_prefix == "/book/list"
    assert path_pattern("/book/list").literal
    assert path_pattern("/book/{id}/x").literal_prefix == "/book/"
    assert path_pattern("/{proxy+}").literal_prefix == "/"
    assert path_pattern("/{proxy+}").greedy
    assert path_pattern("/").literal_prefix == "/"


def test_escape_leaves_letters_digits_and_dashes_alone() -> None:
    # Rust's regex refuses an escaped letter or digit; PCRE gives some of them a meaning
    assert escape_literal("a-b_c9~") == "a-b_c9~"
    assert escape_literal(".*") == r"\.\*"


def test_rank_orders_literal_param_greedy_then_explicit_method() -> None:
    routes = [
        route("ANY", "/{proxy+}"),
        route("GET", "/book/{id}"),
        route("ANY", "/book/list"),
        route("GET", "/book/list"),
        route("GET", "/{x}/list"),
    ]
    assert [r.label for r in by_precedence(routes)] == [
        "GET /book/list",
        "ANY /book/list",
        "GET /book/{id}",
        "GET /{x}/list",
        "ANY /{proxy+}",
    ]
    assert [(r.label, p) for r, p in priorities(routes)] == [
        ("ANY /{proxy+}", 0),
        ("GET /book/{id}", 2),
        ("ANY /book/list", 3),
        ("GET /book/list", 4),
        ("GET /{x}/list", 1),
    ]
    assert rank(routes[2]) == ((0, 0), 1)


@settings(max_examples=300, deadline=None)
@given(route_sets(), st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), REQUEST_PATH), min_size=1))
def test_first_match_by_rank_is_the_route_the_table_picks(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    table = RouteTable.build(Api(name="a", routes=tuple(routes)))
    ordered = [(r, re.compile(path_pattern(r.path).regex)) for r in by_precedence(routes)]
    for method, path in requests:
        expected = table.match(method, path)
        found = next(
            (
                r
                for r, regex in ordered
                if regex.match(path) and (HttpMethod(method) in r.methods or HttpMethod.ANY in r.methods)
            ),
            None,
        )
        assert found is expected, (method, path, [r.label for r, _ in ordered])


def test_an_http_apis_catch_all_takes_any_path_and_comes_last() -> None:
    from apic.compiler.model import ApiKind
    from apic.compiler.plan.routes import route_plans

    assert path_pattern("$default").regex == "^/(?P<path>.*)$"
    assert path_pattern("$default").catch_all
    api = Api(
        name="a",
        kind=ApiKind.HTTP,
        routes=(route("ANY", "$default"), route("GET", "/{x}"), route("GET", "/a")),
    )
    assert [(p.route.path, p.priority, p.order) for p in route_plans(api)] == [
        ("/{x}", 0, 1),
        ("/a", 1, 0),
        ("$default", -1, 2),
    ]
    websocket = Api(name="w", kind=ApiKind.WEBSOCKET, routes=(route("GET", "$default"),))
    assert route_plans(websocket) == []


def test_overlap_says_whether_one_path_can_match_both() -> None:
    from apic.compiler.plan.patterns import overlap

    def both(a: str, b: str) -> bool:
        return overlap(path_pattern(a), path_pattern(b))

    assert both("/book/{id}", "/book/list")
    assert both("/{x}/list", "/book/{id}")
    assert not both("/book/{id}", "/author/{id}")
    assert not both("/book/{id}", "/book/{id}/reviews")
    assert both("/files/{proxy+}", "/files/{a}/b")
    assert not both("/files/{proxy+}", "/files")
    assert both("$default", "/anything")


@given(route_sets())
def test_contested_pairs_are_every_overlapping_later_pair(routes: list[Route]) -> None:
    """The first-segment buckets of `contested` find exactly the pairs comparing every later
    route would (the quadratic definition)."""
    from apic.compiler.plan.patterns import overlap
    from apic.compiler.plan.routes import contested, route_plans

    plans = route_plans(Api(name="a", routes=tuple(routes)))
    variable = sorted(
        (p for p in plans if not p.pattern.literal and not p.pattern.catch_all), key=lambda p: p.order
    )
    expected = [
        (
            first.route.label,
            [later.route.label for later in variable[i + 1 :] if overlap(first.pattern, later.pattern)],
        )
        for i, first in enumerate(variable)
    ]
    assert [
        (first.route.label, [r.route.label for r in rivals]) for first, rivals in contested(plans)
    ] == expected
