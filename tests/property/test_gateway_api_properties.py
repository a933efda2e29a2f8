"""Target `gateway-api` over generated route tables and models: a conformant implementation
(gateway_checks) picks the model's route, and every model compiles or is refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from gateway_checks import gateway_pick, problems
from hypothesis import given, settings
from hypothesis import strategies as st
from route_strategies import REQUEST_PATH, route_sets
from strategies import models

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, ApiKind, Backend, GatewayModel, K8sService, Route
from apic.compiler.model.routes import RouteTable
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.gateway_api.build import rule_name


@settings(max_examples=200, deadline=None)
@given(route_sets(), st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), REQUEST_PATH), min_size=1))
def test_httproutes_pick_the_route_the_table_picks(
    routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    backend = Backend(name="app", k8s=K8sService(service="app", namespace="web", port=80))
    api = Api(
        name="a",
        kind=ApiKind.HTTP,
        backends=(backend,),
        routes=tuple(replace(r, backend="app") for r in routes),
    )
    loaded = load(Path("/virtual/routes.gw"), text=print_model(GatewayModel(apis=(api,))))  # spans
    assert loaded.model is not None
    api = loaded.model.apis[0]
    result = GatewayApiTarget().compile(loaded.model)
    objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
    assert problems(objects) == []
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        picked, _ = gateway_pick(objects, method, "any.example", path)
        got = picked[2]["name"] if picked else None
        assert got == (rule_name(expected) if expected else None), (method, path)


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
