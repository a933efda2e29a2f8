"""Target `cloud-endpoints`: golden documents, held to the OpenAPI 2.0 schema and Endpoints'
documented limits, routed as the model says (endpoints_checks.py).

Each folder under tests/targets/cases gets `cloud-endpoints.yaml` (every api's document, each
after a `# <file>` line) or, when compiling reports anything, `cloud-endpoints.diagnostics.txt`.
Cases compile with `--option project=apic-golden` and the options of their
`cloud-endpoints.options` (NAME=VALUE lines). `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, check_golden
from endpoints_checks import esp_route, problems
from route_samples import expected_path, samples
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.model import GatewayModel
from apic.compiler.plan.upstream import origin
from apic.targets.base import CompileResult
from apic.targets.cloud_endpoints import CloudEndpointsTarget

CASES = Path(__file__).parent / "cases"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.gw") if p.parent.name not in ("common", "payments"))
_VARIABLE = re.compile(r"\{([^}]+)\}")


def options_of(case: Path) -> dict[str, object]:
    given = {"project": "apic-golden"}
    path = case / "cloud-endpoints.options"
    if path.exists():
        given |= dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").split())
    return {name: CloudEndpointsTarget.options[name].parse(value) for name, value in given.items()}


def compile_endpoints(
    entry: Path, options: dict[str, object], output_format: str | None = None
) -> tuple[GatewayModel, CompileResult]:
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model, CloudEndpointsTarget().compile(loaded.model, output_format, options)


def routed_otherwise(model: GatewayModel, documents: dict[str, dict]) -> list[str]:
    """Requests of the shared table ESP would send elsewhere than the model says."""
    wrong = []
    for sample in samples(model):
        base = "/" + sample.placement.base_path if sample.placement.base_path else ""
        path = sample.path[len(base) :] or "/"
        document = documents[sample.api.name]
        got = esp_route(document, sample.method, path)
        route = sample.expected
        if route is None:
            want = None
        else:
            backend = sample.api.backend(route.backend)
            url = origin(backend.url if backend else None)
            if url is None:
                continue  # not an HTTP backend: refused, so no document reaches here
            default = {"http": 80, "https": 443}[url.scheme]
            host = url.host if url.port == default else f"{url.host}:{url.port}"
            want = (host, url.path + expected_path(sample))
        if got != want:
            wrong.append(f"{sample.method} {path}: ESP {got}, model {want}")
    return wrong


def documents_of(result: CompileResult, model: GatewayModel) -> dict[str, dict]:
    texts = [yaml.safe_load(a.text) for a in result.artifacts]
    return {
        api.name: doc
        for api, doc in zip([a for a in model.apis if a.kind.value != "websocket"], texts, strict=True)
    }


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    model, result = compile_endpoints(case_input(case), options_of(case))
    diagnostics = list(result.diagnostics)
    if diagnostics or (case / "cloud-endpoints.diagnostics.txt").exists():
        check_golden(case / "cloud-endpoints.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "cloud-endpoints.yaml").exists() or update_goldens
        return
    text = "".join(f"# {a.path}\n{a.text}" for a in result.artifacts)
    check_golden(case / "cloud-endpoints.yaml", text, update_goldens)
    documents = documents_of(result, model)
    for document in documents.values():
        assert problems(document) == []
    assert routed_otherwise(model, documents) == []
    _, as_json = compile_endpoints(case_input(case), options_of(case), "json")
    assert [json.loads(a.text) for a in as_json.artifacts] == list(documents.values())


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_compiles_or_is_refused_with_reasons(example: Path) -> None:
    model, result = compile_endpoints(example, {"project": "apic-example", "tls-policy-in-config": True})
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        assert result.artifacts == ()
        assert {d.code for d in errors} <= {"TG001", "TG003"}
        return
    documents = documents_of(result, model)
    for document in documents.values():
        assert problems(document) == []
    assert routed_otherwise(model, documents) == []


def test_the_bookstore_compiles_with_the_tls_policy_said_and_its_quota_per_minute() -> None:
    _, result = compile_endpoints(
        ROOT / "examples" / "bookstore.gw", {"project": "apic-example", "tls-policy-in-config": True}
    )
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    document = yaml.safe_load(result.artifacts[0].text)
    assert document["host"] == "bookstore.endpoints.apic-example.cloud.goog"
    assert document["x-google-management"]["quota"]["limits"] == [
        {
            "name": "partners-requests-limit",
            "metric": "partners-requests",
            "unit": "1/min/{project}",
            "values": {"STANDARD": 600},
        }
    ]
    said = {d.message.split(":")[0] for d in result.diagnostics}
    assert "domain `api.example.com`" in said  # TLS policy: the load balancer's SSL policy


def test_without_a_project_nothing_is_written() -> None:
    _, result = compile_endpoints(ROOT / "examples" / "bookstore.gw", {"tls-policy-in-config": True})
    assert result.artifacts == ()
    assert [(d.code, d.message) for d in result.diagnostics if d.severity is Severity.ERROR] == [
        ("TG003", "api `bookstore`: Cloud Endpoints names the service after its Google Cloud project")
    ]


def test_the_routing_check_has_teeth() -> None:
    """Swap two operations' backends and the emulation reports the requests that move."""
    model, result = compile_endpoints(CASES / "kong-routing" / "api.gw", {"project": "apic-golden"})
    documents = documents_of(result, model)
    document = next(iter(documents.values()))
    ops = [op for item in document["paths"].values() for op in item.values()]
    ops[0]["x-google-backend"], ops[-1]["x-google-backend"] = (
        ops[-1]["x-google-backend"],
        ops[0]["x-google-backend"],
    )
    if ops[0]["x-google-backend"] == ops[-1]["x-google-backend"]:
        ops[0]["x-google-backend"] = {**ops[0]["x-google-backend"], "address": "http://elsewhere.example.com"}
    assert routed_otherwise(model, documents) != []
