"""`apic import` over generated route tables: what a target writes, imported and compiled back
with the same target, routes every request to the same place.

Each route of a drawn table (a small, colliding alphabet: literals beside parameters, greedy
paths, ANY beside methods) gets a backend of its own, so the Service or upstream a request
reaches says which route took it. Compiled with Kong, the k8s controllers or Gateway API,
imported (`--from kong`, `--from k8s`) and compiled back, each drawn request is routed through
both outputs by the same emulation, and the answers must be equal.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from kong_checks import kong_pick, upstream_request
from route_strategies import REQUESTS, route_sets

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, ApiKind, Backend, GatewayModel, K8sService, Route
from apic.importer import import_file
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.k8s import K8sTarget
from apic.targets.kong import KongTarget

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_import_k8s import METHODS, picked


def own_backends(routes: list[Route]) -> GatewayModel:
    """An HTTP API whose route n sends to backend `sn` (a URL and a Kubernetes Service)."""
    backends = tuple(
        Backend(
            name=f"s{n}",
            url=f"http://s{n}.internal",
            k8s=K8sService(service=f"s{n}", namespace="web", port=80),
        )
        for n in range(len(routes))
    )
    api = Api(
        name="a",
        kind=ApiKind.HTTP,
        backends=backends,
        routes=tuple(replace(r, backend=f"s{n}") for n, r in enumerate(routes)),
    )
    loaded = load(Path("/virtual/routes.gw"), text=print_model(GatewayModel(apis=(api,))))
    assert loaded.model is not None
    return loaded.model


def compile_with(target: str, model: GatewayModel) -> str | None:
    if target == "kong":
        result = KongTarget().compile(model)
    elif target == "gateway-api":
        result = GatewayApiTarget().compile(model)
    else:
        result = K8sTarget().compile(model, options={"controller": target.removesuffix("-controller")})
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        return None
    return result.artifacts[0].text


def answer(target: str, text: str, method: str, path: str) -> object:
    if target == "kong":  # a decK file
        document = yaml.safe_load(text)
        route, tie = kong_pick(document, method, "any.example", path)
        assert not tie
        return None if route is None else upstream_request(document, route, path)
    objects = [o for o in yaml.safe_load_all(text) if o]
    return picked(objects, target.removesuffix("-controller"), method, "any.example", path)


@pytest.mark.parametrize("target", ["kong", "alb", "kong-controller", "nginx", "gateway-api"])
@settings(max_examples=40, deadline=None)
@given(route_sets(), REQUESTS)
def test_an_imported_output_routes_as_the_output(
    target: str, routes: list[Route], requests: list[tuple[str, str]]
) -> None:
    assume(routes)  # an empty output has nothing to import, and says so (SC017)
    written = compile_with(target, own_backends(routes))
    assume(written is not None)  # refused by the target, and said (the k8s properties hold that)
    assert written is not None
    source = "kong" if target == "kong" else "k8s"
    imported = import_file(Path("/virtual/out.yaml"), source, text=written)
    assert imported.text is not None, [d.message for d in imported.diagnostics]
    back = load(Path("/virtual/imported.gw"), text=imported.text)
    assert back.model is not None
    again = compile_with(target, back.model)
    assert again is not None
    for method, path in requests:
        for each in sorted({method, *METHODS[:3]}):
            assert answer(target, written, each, path) == answer(target, again, each, path), (each, path)
