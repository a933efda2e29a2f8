"""Target `k8s`: golden Ingress objects for every case, valid for Kubernetes 1.25 and 1.37
in strict mode, routed by the controller to the route the model's table picks.

Each case folder gets `ingress-alb.yaml`, or `k8s-alb.diagnostics.txt` (an error means no
file), and `k8s-alb.requests.txt`. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import check_golden
from k8s_checks import alb_pick, problems
from route_samples import samples, table_text
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.model import GatewayModel, HttpMethod
from apic.targets.k8s import K8sTarget
from apic.targets.k8s.alb import action_name

CASES = Path(__file__).parent / "cases"


def alb_backend_of(model_route, model: GatewayModel) -> str:  # type: ignore[no-untyped-def]
    """The name an ALB rule forwards `model_route` to: its action, or its service for ANY."""
    if HttpMethod.ANY in model_route.methods:
        api = next(a for a in model.apis if model_route in a.routes)
        backend = api.backend(model_route.backend)
        assert backend is not None and backend.k8s is not None
        return backend.k8s.service
    return action_name(model_route)


def request_table(model: GatewayModel, objects: list[dict]) -> tuple[str, list[str]]:
    wrong = []
    found = samples(model)
    for sample in found:
        got = alb_pick(objects, sample.method, sample.host, sample.path)
        want = alb_backend_of(sample.expected, model) if sample.expected is not None else None
        if got != want:
            wrong.append(f"{sample}: ALB {got}")
    return table_text(found), wrong


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    loaded = load(case_input(case))
    assert loaded.model is not None
    result = K8sTarget().compile(loaded.model, options={"controller": "alb"})
    diagnostics = list(result.diagnostics)
    if diagnostics or (case / "k8s-alb.diagnostics.txt").exists():
        check_golden(case / "k8s-alb.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "ingress-alb.yaml").exists() or update_goldens, "a refused case keeps no output"
        return
    text = result.artifacts[0].text
    check_golden(case / "ingress-alb.yaml", text, update_goldens)
    objects = [o for o in yaml.safe_load_all(text) if o]
    assert problems(objects) == []
    table, wrong = request_table(loaded.model, objects)
    check_golden(case / "k8s-alb.requests.txt", table, update_goldens)
    assert wrong == []


def test_the_controller_option_takes_only_what_is_written() -> None:
    option = K8sTarget.options["controller"]
    assert option.parse("alb") == "alb"
    with pytest.raises(ValueError, match="one of alb"):
        option.parse("nginx")
