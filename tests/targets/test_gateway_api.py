"""Target `gateway-api`: golden HTTPRoutes for every case, valid for the HTTPRoute CRD and
routed, under Gateway API's match precedence, to the route the model's table picks.

Each case folder gets `httproutes.yaml`, or `gateway-api.diagnostics.txt` (an error means
no file), and `gateway-api.requests.txt`. `pytest --update-goldens` rewrites them. A case's
`gateway-api.options` (NAME=VALUE lines) compiles it with those `--option`s; where they ask
for the Gateway, it is checked beside the routes (gateway_checks.gateway_problems).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import check_golden
from gateway_checks import attachment_problems, gateway_pick, gateway_problems, problems
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
        cors = cors_filter(picked[2]) if picked else None
        if cors is not None:
            # the browser's preflight must reach a rule that answers it with the same policy
            preflight, _ = gateway_pick(objects, "OPTIONS", sample.host, sample.path)
            if preflight is None or cors_filter(preflight[2]) != cors:
                wrong.append(f"OPTIONS {sample.host}{sample.path}: no CORS answer for {got}")
    return table_text(found), wrong


def cors_filter(rule: dict) -> dict | None:
    return next((f["cors"] for f in rule.get("filters", []) if f["type"] == "CORS"), None)


def case_options(case: Path) -> dict[str, str]:
    """The `--option`s a case is compiled with, from its `gateway-api.options`."""
    path = case / "gateway-api.options"
    if not path.exists():
        return {}
    pairs = [line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {
        name.strip(): GatewayApiTarget.options[name.strip()].parse(value.strip()) for name, value in pairs
    }


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    loaded = load(case_input(case))
    assert loaded.model is not None
    result = GatewayApiTarget().compile(loaded.model, options=case_options(case))
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
    gateways = [o for o in objects if o["kind"] == "Gateway"]
    objects = [o for o in objects if o["kind"] == "HTTPRoute"]
    assert problems(objects) == []
    assert len(gateways) == (1 if "gateway-class" in case_options(case) else 0)
    for gateway in gateways:
        assert gateway_problems(gateway) == []
        assert attachment_problems(gateway, objects) == []
    table, wrong = request_table(loaded.model, objects)
    check_golden(case / "gateway-api.requests.txt", table, update_goldens)
    assert wrong == []


def domains_source(count: int) -> str:
    """An API on `count` domains, each its own listener."""
    domains = "".join(
        f'  domain "d{n:02d}.example.com" {{\n'
        '    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/'
        f'{n:08d}-2222-3333-4444-555555555555"\n'
        '    base_path "" = stage.prod\n  }\n'
        for n in range(count)
    )
    return (
        'api "many" {\n  kind = http\n'
        '  backend "b" {\n    k8s { service = "b", namespace = "many", port = 80 }\n  }\n'
        "  defaults {\n    backend = backend.b\n    auth    = none\n  }\n"
        '  route GET "/items/{id}" {}\n  stage "prod" {}\n' + domains + "}\n"
    )


def test_a_gateway_past_64_listeners_is_refused_on_the_first_domain_left_out(tmp_path: Path) -> None:
    source = tmp_path / "api.gw"
    source.write_text(domains_source(65), encoding="utf-8")
    loaded = load(source)
    assert loaded.model is not None
    result = GatewayApiTarget().compile(loaded.model, options={"gateway-class": "eg"})
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert [(d.code, d.span.source.location(d.span.start), d.message) for d in errors] == [
        (
            "TG001",
            (12 + 4 * 64, 3),  # the 65th domain block
            "domain `d64.example.com`: a Gateway has at most 64 listeners, and these APIs need 65 "
            "(one per domain, and one for APIs without a domain)",
        )
    ]
    assert result.artifacts == ()


def with_gateway(tmp_path: Path, domains: int) -> tuple[GatewayModel, dict, list[dict]]:
    """(the model, the Gateway, the HTTPRoutes) of an API on `domains` domains."""
    source = tmp_path / "api.gw"
    source.write_text(domains_source(domains), encoding="utf-8")
    loaded = load(source)
    assert loaded.model is not None
    result = GatewayApiTarget().compile(loaded.model, options={"gateway-class": "eg"})
    objects = list(yaml.safe_load_all(result.artifacts[0].text))
    return loaded.model, objects[0], objects[1:]


def test_the_gateway_apic_writes_is_the_one_routes_attach_to(tmp_path: Path) -> None:
    """Without gateway-namespace, apic's Gateway is in `default`, and routes in other
    namespaces must name it there; at 64 listeners the Gateway is still written."""
    model, gateway, routes = with_gateway(tmp_path, 64)
    assert request_table(model, routes)[1] == []
    assert gateway["metadata"] == {
        "name": "gateway",
        "namespace": "default",
        "labels": {"app.kubernetes.io/managed-by": "apic"},
    }
    assert [item["name"] for item in gateway["spec"]["listeners"]][:2] == [
        "https-d00-example-com",
        "https-d01-example-com",
    ]
    assert gateway_problems(gateway) == []
    assert attachment_problems(gateway, routes) == []
    assert routes[0]["spec"]["parentRefs"][0] == {
        "name": "gateway",
        "namespace": "default",
        "sectionName": "https-d00-example-com",
    }


def test_a_place_on_more_than_16_domains_is_split_by_hostnames(tmp_path: Path) -> None:
    model, gateway, routes = with_gateway(tmp_path, 20)
    assert [(r["metadata"]["name"], len(r["spec"]["hostnames"])) for r in routes] == [
        ("many-root-many-p01", 16),
        ("many-root-many-p02", 4),
    ]
    assert [len(r["spec"]["parentRefs"]) for r in routes] == [16, 4]
    assert problems(routes) == []
    assert gateway_problems(gateway) == []
    assert attachment_problems(gateway, routes) == []
    assert request_table(model, routes)[1] == []
