"""Target `cloud-endpoints` over generated models and route tables: it never crashes, what it
writes passes the OpenAPI 2.0 schema and Endpoints' documented limits, and ESP's matching
(as endpoints_checks emulates it) reaches the backend path the model says."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import yaml
from endpoints_checks import esp_route, problems
from hypothesis import given, settings
from hypothesis import strategies as st
from route_strategies import REQUEST_PATH, route_sets
from strategies import models

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, ApiKind, Backend, GatewayModel, Route
from apic.compiler.model.routes import RouteTable
from apic.targets.cloud_endpoints import CloudEndpointsTarget

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "targets"))
from test_cloud_endpoints import routed_otherwise

OPTIONS = {"project": "apic-property"}


@settings(max_examples=60, deadline=None)
@given(models())
def test_every_model_compiles_or_is_refused_and_what_is_written_validates(generated: GatewayModel) -> None:
    loaded = load(Path("/virtual/endpoints.gw"), text=print_model(generated))  # spans for the diagnostics
    assert loaded.model is not None
    model = loaded.model
    result = CloudEndpointsTarget().compile(model, None, OPTIONS)
    refused = any(d.severity is Severity.ERROR for d in result.diagnostics)
    assert bool(result.artifacts) != refused or not [a for a in model.apis if a.kind is not ApiKind.WEBSOCKET]
    documents = {}
    for api, artifact in zip(
        [a for a in model.apis if a.kind is not ApiKind.WEBSOCKET], result.artifacts, strict=False
    ):
        documents[api.name] = yaml.safe_load(artifact.text)
        assert problems(documents[api.name]) == []
    if result.artifacts:
        assert routed_otherwise(model, documents) == []


@settings(max_examples=200, deadline=None)
@given(route_sets(), st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), REQUEST_PATH), min_size=1))
def test_esp_reaches_the_route_the_table_picks(routes: list[Route], requests: list[tuple[str, str]]) -> None:
    """Each route has a backend of its own, so the host ESP sends a request to names the
    operation it matched."""
    backends = tuple(Backend(name=f"b{n}", url=f"https://r{n}.example.com") for n in range(len(routes)))
    own = tuple(replace(r, backend=f"b{n}", upstream_path=None) for n, r in enumerate(routes))
    api = Api(name="a", kind=ApiKind.HTTP, backends=backends, routes=own)
    result = CloudEndpointsTarget().compile(GatewayModel(apis=(api,)), None, OPTIONS)
    document = yaml.safe_load(result.artifacts[0].text)
    table = RouteTable.build(api)
    for method, path in requests:
        expected = table.match(method, path)
        got = esp_route(document, method, path)
        want = None if expected is None else (f"r{own.index(expected)}.example.com", path)
        assert got == want, (method, path)
