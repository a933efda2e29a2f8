"""Target `gateway-api` over generated route tables and models: a conformant implementation
(gateway_checks) picks the model's route, and every model compiles or is refused."""

from __future__ import annotations

from pathlib import Path

import yaml
from gateway_checks import gateway_pick, problems
from hypothesis import given, settings
from route_strategies import REQUESTS, cluster_model, route_sets
from strategies import models

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import GatewayModel, Route
from apic.compiler.model.routes import RouteTable
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.kubenames import route_name


@settings(max_examples=200, deadline=None)
@given(route_sets(), REQUESTS)
def test_httproutes_pick_the_route_the_table_picks(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    model = cluster_model(routes)
    api = model.apis[0]
    result = GatewayApiTarget().compile(model)
    objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
    assert problems(objects) == []
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        picked, _ = gateway_pick(objects, method, "any.example", path)
        got = picked[2]["name"] if picked else None
        assert got == (route_name(expected) if expected else None), (method, path)


@settings(max_examples=40, deadline=None)
@given(models())
def test_every_model_compiles_or_is_refused(generated: GatewayModel) -> None:
    loaded = load(Path("/virtual/gw.gw"), text=print_model(generated))
    assert loaded.model is not None
    result = GatewayApiTarget().compile(loaded.model)
    refused = any(d.severity is Severity.ERROR for d in result.diagnostics)
    assert bool(result.artifacts) != refused
    if result.artifacts:
        assert problems([o for o in yaml.safe_load_all(result.artifacts[0].text) if o]) == []
