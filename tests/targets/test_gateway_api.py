"""Target `gateway-api`: golden HTTPRoutes for every case, valid for the HTTPRoute CRD and
routed, under Gateway API's match precedence, to the route the model's table picks.

Each case folder gets `httproutes.yaml`, or `gateway-api.diagnostics.txt` (an error means
no file), and `gateway-api.requests.txt`. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import check_golden
from gateway_checks import gateway_pick, problems
from route_samples import samples, table_text
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.model import GatewayModel
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.kubenames import route_name

CASES = Path(__file__).parent / "cases"


def request_table(model: GatewayModel, objects: list[dict]) -> tuple[str, list[str]]:
    """(the table as text, the requests where the HTTPRoutes and the model disagree)."""
    wrong = []
    found = samples(model)
    for sample in found:
        picked, _ = gateway_pick(objects, sample.method, sample.host, sample.path)
        got = picked[2]["name"] if picked else None
        if got != (route_name(sample.expected) if sample.expected is not None else None):
            wrong.append(f"{sample}: HTTPRoute rule {got}")
    return table_text(found), wrong


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
