"""The request table: for each route, where it is served (host and base path), concrete
paths that probe precedence, and the route the model's table picks for each (an HTTP API's
`$default` when no route matches).

One table for every use: the routing-equivalence tests hold each target's router to it, and
`apic probe` sends it to a deployed gateway.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from apic.compiler.model import Api, ApiKind, GatewayModel, HttpMethod, Route
from apic.compiler.model.routes import RouteTable, segments
from apic.compiler.plan.paths import Placement, placements
from apic.compiler.plan.routes import route_plans

SAMPLES_PER_ROUTE = 12
ANY_HOST = "any.example"  # the host sent to an API without a domain (any host reaches it)


@dataclass(frozen=True)
class Sample:
    api: Api
    placement: Placement
    method: str
    host: str
    path: str  # as the client sends it: base path included
    expected: Route | None

    def __str__(self) -> str:
        label = self.expected.label if self.expected is not None else "404"
        return f"{self.method} {self.host}{self.path} -> {label}"


def concrete_paths(api: Api, path: str) -> list[str]:
    """Request paths for a route path: each `{x}` as `sample` and as every literal other
    routes have at that position (where precedence decides), `{x+}` as one and as two
    segments."""
    literals: dict[int, set[str]] = {}
    for route in api.routes:
        for index, segment in enumerate(segments(route.path)):
            if segment.kind == "literal":
                literals.setdefault(index, set()).add(segment.text)
    choices = []
    for index, segment in enumerate(segments(path)):
        if segment.kind == "literal":
            choices.append([segment.text])
        elif segment.kind == "param":
            choices.append(["sample", *sorted(literals.get(index, ()))])
        else:
            choices.append(["a", "a/b", *sorted(literals.get(index, ()))])
    found = ["/" + "/".join(parts) for parts in itertools.product(*choices)]
    return sorted(set(found))[:SAMPLES_PER_ROUTE]


def sample_host(host: str) -> str:
    """A host a request is sent to: a wildcard domain's `*` becomes one label."""
    return "a" + host[1:] if host.startswith("*.") else host


def samples(model: GatewayModel) -> list[Sample]:
    found = []
    for api in model.apis:
        if api.kind is ApiKind.WEBSOCKET:
            continue
        table = RouteTable.build(api)
        plans = route_plans(api)
        catch_all = next((p.route for p in plans if p.pattern.catch_all), None)
        seen = set()
        for plan in plans:
            methods = [m.value for m in plan.route.methods if m is not HttpMethod.ANY] or ["GET", "DELETE"]
            paths = ["/unmatched/x"] if plan.pattern.catch_all else concrete_paths(api, plan.route.path)
            for place in placements(api, plan.route):
                host = sample_host(place.hosts[0]) if place.hosts else ANY_HOST
                prefix = "/" + place.base_path if place.base_path else ""
                for method, path in itertools.product(methods, paths):
                    if (method, host, prefix + path) not in seen:
                        seen.add((method, host, prefix + path))
                        expected = table.match(method, path) or catch_all
                        found.append(Sample(api, place, method, host, prefix + path, expected))
    return found
