"""Target `k8s` over generated route tables and models: the Kong controller's routes pick the
model's route, and every model compiles or is refused on every controller."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from k8s_checks import alb_rule, kong_controller_problems, kong_routes, nginx_pick, problems
from kong_checks import kong_pick
from route_strategies import REQUESTS, cluster_model, route_sets
from strategies import models

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import GatewayModel, HttpMethod, Route
from apic.compiler.model.routes import RouteTable
from apic.compiler.plan.paths import placements
from apic.targets.k8s import K8sTarget
from apic.targets.k8s.alb import action_name, pattern
from apic.targets.k8s.kong import ingress_name


@settings(max_examples=150, deadline=None)
@given(route_sets(), REQUESTS)
def test_the_kong_controller_picks_the_route_the_table_picks(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    model = cluster_model(routes)
    api = model.apis[0]
    result = K8sTarget().compile(model, options={"controller": "kong"})
    doc = kong_routes([o for o in yaml.safe_load_all(result.artifacts[0].text) if o])
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        picked, tie = kong_pick(doc, method, "any.example", path)
        want = ingress_name(api, expected, placements(api, expected)[0]) if expected is not None else None
        assert ((picked["name"] if picked else None), tie) == (want, False), (method, path)


@pytest.mark.parametrize("controller", ["alb", "kong", "nginx"])
@settings(max_examples=30, deadline=None)
@given(generated=models())
def test_every_model_compiles_or_is_refused(controller: str, generated: GatewayModel) -> None:
    loaded = load(Path("/virtual/k8s.gw"), text=print_model(generated))
    assert loaded.model is not None
    result = K8sTarget().compile(loaded.model, options={"controller": controller})
    refused = any(d.severity is Severity.ERROR for d in result.diagnostics)
    assert bool(result.artifacts) != refused
    if result.artifacts:
        objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
        if controller in ("alb", "nginx"):
            assert problems(objects) == []
        else:
            said = " ".join(d.message for d in result.diagnostics)
            assert [
                p
                for p in kong_controller_problems(objects)
                if "(said by a TG002)" not in p or p.split("Secret ")[1].split()[0] not in said
            ] == []


@settings(max_examples=200, deadline=None)
@given(route_sets(), REQUESTS)
def test_an_alb_picks_the_route_the_table_picks_or_says_why_not(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    model = cluster_model(routes)
    api = model.apis[0]
    result = K8sTarget().compile(model, options={"controller": "alb"})
    objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
    said = [d.message for d in result.diagnostics if "also takes longer paths" in d.message]
    by_rule = {
        (action_name(r) if HttpMethod.ANY not in r.methods else "app", alb_path(r)): r for r in api.routes
    }
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        found = alb_rule(objects, method, "any.example", path)
        picked = by_rule[found] if found is not None else None
        if picked is expected:
            continue
        # only a route whose pattern is said to take longer paths may take this request
        assert isinstance(picked, Route), (method, path, found)
        assert any(m.startswith(f"{picked.label}: its ALB pattern") for m in said), (method, path)


def alb_path(route: Route) -> str:
    """The path the ALB Ingress writes for a route of a placement without base path."""
    return route.path if "{" not in route.path else pattern(route.path)


@settings(max_examples=200, deadline=None)
@given(route_sets(), REQUESTS)
def test_ingress_nginx_picks_the_route_the_table_picks_or_says_why_not(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    model = cluster_model(routes)
    api = model.apis[0]
    result = K8sTarget().compile(model, options={"controller": "nginx"})
    if not result.artifacts:
        # two routes on one path that differ only by method: refused, and said so on the route
        assert any("differ only by method" in d.message for d in result.diagnostics)
        return
    objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
    said = [d.message for d in result.diagnostics if "must win over" in d.message]
    by_name = {ingress_name(api, r, placements(api, r)[0]): r for r in api.routes}
    table = RouteTable.build(api)
    for _method, path in requests:
        # ingress-nginx matches no methods: the model's route for any method of the path is a
        # fair answer, and a route said to lose to a longer regex may lose there
        candidates = {table.match(m, path) for m in ("GET", "POST", "PUT", "DELETE")}
        picked = by_name.get(nginx_pick(objects, "any.example", path) or "")
        if picked in candidates or (picked is None and candidates == {None}):
            continue
        assert any(
            m.startswith(f"{c.label} must win over ") and picked.label in m
            for m in said
            for c in candidates
            if c
        ), (path, picked)
