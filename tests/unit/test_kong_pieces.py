"""The kong target's small decisions, one by one: windows, paths, rewrites, names, keys."""

from __future__ import annotations

import pytest

from apic.compiler.model import Api, Backend, HttpMethod, Route
from apic.compiler.plan.paths import Placement
from apic.compiler.plan.patterns import path_pattern
from apic.compiler.plan.routes import route_plans
from apic.targets.kong.build import env_placeholder
from apic.targets.kong.names import Names, entity_id, slug
from apic.targets.kongplugins.limits import rate_limiting
from apic.targets.kongplugins.routing import kong_path, rewrite, shared_prefix, upstream_prefix


def test_a_shorter_window_never_allows_more_than_a_longer_one() -> None:
    plugin = rate_limiting({"second": 20, "day": 10}, "consumer")
    assert plugin == {
        "name": "rate-limiting",
        "config": {"day": 10, "second": 10, "limit_by": "consumer", "policy": "local"},
    }
    assert rate_limiting({}, "service") is None


def test_paths_are_anchored_regexes_behind_their_base_path() -> None:
    assert kong_path(path_pattern("/"), "") == "~/$"
    assert kong_path(path_pattern("/"), "api") == "~/api/?$"
    assert kong_path(path_pattern("/b/{book-id}"), "v1.0") == r"~/v1\.0/b/(?P<book_id>[^/]+)$"
    assert kong_path(path_pattern("/files/{proxy+}"), "") == "~/files/(?P<proxy>.+)$"


def plans(*routes: Route) -> list:
    api = Api(name="a", backends=(Backend(name="b", url="https://b.example.com"),), routes=routes)
    return route_plans(api)


def test_rewrites_only_where_kongs_own_join_goes_wrong() -> None:
    same, moved, prefixed, unbound = plans(
        Route(methods=(HttpMethod.GET,), path="/a/{id}", backend="b"),
        Route(methods=(HttpMethod.GET,), path="/b/{id}", backend="b", upstream_path="/v2/items/{id}"),
        Route(methods=(HttpMethod.GET,), path="/c", backend="b", upstream_path="/base/c"),
        Route(methods=(HttpMethod.GET,), path="/d/{id}", backend="b", upstream_path="/d/{other}"),
    )
    root = Placement((), "", None)
    assert rewrite(same, root, "", "") is None
    assert rewrite(same, Placement(("h",), "api", "s"), "/o", "") == '/o/a/$(uri_captures["id"])'
    assert rewrite(moved, root, "", "") == '/v2/items/$(uri_captures["id"])'
    assert upstream_prefix(prefixed) == "/base" and rewrite(prefixed, root, "", "/base") is None
    with pytest.raises(ValueError, match="does not capture"):
        rewrite(unbound, root, "", "")
    assert shared_prefix([same, prefixed, moved]) == ""


def test_ids_are_uuid5_of_what_the_entity_is_and_names_stay_unique() -> None:
    assert entity_id("route", "a:GET /x::") == entity_id("route", "a:GET /x::")
    assert entity_id("route", "a:GET /x::") != entity_id("service", "a:GET /x::")
    names = Names()
    assert names.name("route", "k1", slug("GET /a b")) == "GET.a.b"
    assert names.name("route", "k2", slug("GET /a.b")).startswith("GET.a.b-")
    assert names.name("route", "k1", "ignored") == "GET.a.b"


def test_secrets_are_placeholders_decK_fills_never_invented_keys() -> None:
    assert env_placeholder("ACME_KEY") == '${{ env "DECK_ACME_KEY" }}'
    assert env_placeholder("DECK_X") == '${{ env "DECK_X" }}'
