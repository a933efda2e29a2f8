"""Target `gateway-api`: golden HTTPRoutes for every case, valid for the HTTPRoute CRD and
routed, under Gateway API's match precedence, to the route the model's table picks.

Each case folder gets `httproutes.yaml`, or `gateway-api.diagnostics.txt` (an error means
no file), and `gateway-api.requests.txt`. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from conftest import check_golden
from gateway_checks import gateway_pick, problems
from kong_checks import concrete_paths
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.model import ApiKind, GatewayModel, HttpMethod
from apic.compiler.model.routes import RouteTable
from apic.compiler.plan.paths import placements
from apic.compiler.plan.routes import route_plans
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.gateway_api.build import rule_name

CASES = Path(__file__).parent / "cases"


def request_table(model: GatewayModel, objects: list[dict]) -> tuple[str, list[str]]:
    lines, wrong = [], []
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
                host = place.hosts[0] if place.hosts else "any.example"
                prefix = "/" + place.base_path if place.base_path else ""
                for method, path in itertools.product(methods, paths):
                    if (method, host, prefix + path) in seen:
                        continue
                    seen.add((method, host, prefix + path))
                    expected = table.match(method, path) or catch_all
                    picked, _ = gateway_pick(objects, method, host, prefix + path)
                    got = picked[2]["name"] if picked else None
                    want = rule_name(expected) if expected is not None else None
                    label = expected.label if expected is not None else "404"
                    lines.append(f"{method} {host}{prefix}{path} -> {label}")
                    if got != want:
                        wrong.append(f"{method} {host}{prefix}{path}: model {label}, HTTPRoute rule {got}")
    return "".join(line + "\n" for line in sorted(lines)), wrong


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    loaded = load(case_input(case))
    assert loaded.model is not None
    result = GatewayApiTarget().compile(loaded.model)
    diagnostics = list(result.diagnostics)
    if diagnostics or (case / "gateway-api.diagnostics.txt").exists():
        check_golden(case / "gateway-api.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "httproutes.yaml").exists() or update_goldens, "a refused case keeps no output"
        return
    text = result.artifacts[0].text
    check_golden(case / "httproutes.yaml", text, update_goldens)
    objects = [o for o in yaml.safe_load_all(text) if o]
    assert problems(objects) == []
    table, wrong = request_table(loaded.model, objects)
    check_golden(case / "gateway-api.requests.txt", table, update_goldens)
    assert wrong == []
