"""Route tables drawn from a small, colliding alphabet, for the properties that hold a router
(the plan's rank order, Kong's priorities) to the model's route table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import strategies as st

from apic.api import load
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, ApiKind, Backend, GatewayModel, HttpMethod, K8sService, Route


def route(method: str, path: str) -> Route:
    return Route(methods=(HttpMethod(method),), path=path)


SEGMENT = st.sampled_from(["a", "b", "a.b", "{v}"])
METHOD = st.sampled_from(["GET", "POST", "ANY"])


@st.composite
def paths(draw: st.DrawFn) -> str:
    parts = draw(st.lists(SEGMENT, max_size=3))
    named = [f"{{v{i}}}" if p == "{v}" else p for i, p in enumerate(parts)]
    if draw(st.booleans()) and len(named) < 3:
        named.append("{rest+}")
    return "/" + "/".join(named)


@st.composite
def route_sets(draw: st.DrawFn) -> list[Route]:
    shapes = draw(st.lists(st.tuples(METHOD, paths()), max_size=8, unique=True))
    return [route(m, p) for m, p in shapes]


REQUEST_PATH = st.lists(st.sampled_from(["a", "b", "a.b", "axb", "c"]), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)


REQUESTS = st.lists(st.tuples(st.sampled_from(["GET", "POST", "PUT"]), REQUEST_PATH), min_size=1)


def cluster_model(routes: list[Route]) -> GatewayModel:
    """An HTTP API of `routes` sending everything to one Kubernetes service, printed and
    loaded back so that every node has a source position (targets report on them)."""
    backend = Backend(name="app", k8s=K8sService(service="app", namespace="web", port=80))
    api = Api(
        name="a",
        kind=ApiKind.HTTP,
        backends=(backend,),
        routes=tuple(replace(r, backend="app") for r in routes),
    )
    loaded = load(Path("/virtual/routes.gw"), text=print_model(GatewayModel(apis=(api,))))
    assert loaded.model is not None
    return loaded.model
