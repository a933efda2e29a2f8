"""Target `kong` over generated models and route tables: it never crashes, what it writes
validates, and Kong's router (as kong_checks emulates it) picks the model's route."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from kong_checks import kong_pick, problems, request_table
from route_strategies import REQUEST_PATH, route_sets
from strategies import models

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, ApiKind, Backend, GatewayModel, Route
from apic.compiler.model.routes import RouteTable
from apic.targets.kong import KongTarget
from apic.targets.kong.names import entity_id


@settings(max_examples=60, deadline=None)
@given(models())
def test_every_model_compiles_or_is_refused_and_what_is_written_validates(generated: GatewayModel) -> None:
    loaded = load(Path("/virtual/kong.gw"), text=print_model(generated))  # spans for the diagnostics
    assert loaded.model is not None
    model = loaded.model
    result = KongTarget().compile(model)
    refused = any(d.severity is Severity.ERROR for d in result.diagnostics)
    assert bool(result.artifacts) != refused
    if result.artifacts:
        doc = yaml.safe_load(result.artifacts[0].text)
        assert problems(doc) == []
        assert request_table(model, doc)[1] == []


@settings(max_examples=200, deadline=None)
@given(route_sets(), st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), REQUEST_PATH), min_size=1))
def test_kong_picks_the_route_the_table_picks(routes: list[Route], requests: list[tuple[str, str]]) -> None:
    backend = Backend(name="app", url="https://app.example.com")
    api = Api(
        name="a",
        kind=ApiKind.HTTP,
        backends=(backend,),
        routes=tuple(replace(r, backend="app") for r in routes),
    )
    result = KongTarget().compile(GatewayModel(apis=(api,)))
    doc = yaml.safe_load(result.artifacts[0].text)
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        picked, tie = kong_pick(doc, method, "any.example", path)
        want = entity_id("route", f"a:{expected.label}::") if expected is not None else None
        assert (picked["id"] if picked else None, tie) == (want, False), (method, path)
