"""Target `kong`: golden files, validated by decK's and Kong's schemas, routed like the model.

Each folder under tests/targets/cases (shared with cfn) gets `kong.yaml`, or
`kong.diagnostics.txt` when compiling reports anything (an error means no kong.yaml), and
`kong.requests.txt`: sample requests with the route the model's table picks, which must be
the route Kong's router picks in the emitted file. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, check_golden
from kong_checks import kong_pick, problems, request_table
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import GatewayModel
from apic.targets.kong import KongTarget

CASES = Path(__file__).parent / "cases"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.gw") if p.parent.name not in ("common", "payments"))


def compile_kong(
    entry: Path, output_format: str | None = None
) -> tuple[GatewayModel, object, list[Diagnostic]]:
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    result = KongTarget().compile(loaded.model, output_format)
    return loaded.model, result, list(result.diagnostics)


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    model, result, diagnostics = compile_kong(case_input(case))
    if diagnostics or (case / "kong.diagnostics.txt").exists():
        check_golden(case / "kong.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "kong.yaml").exists() or update_goldens, "a refused case keeps no kong.yaml"
        return
    text = result.artifacts[0].text
    check_golden(case / "kong.yaml", text, update_goldens)
    doc = yaml.safe_load(text)
    assert problems(doc) == []
    _, as_json, _ = compile_kong(case_input(case), "json")
    assert json.loads(as_json.artifacts[0].text) == doc
    table, wrong = request_table(model, doc)
    check_golden(case / "kong.requests.txt", table, update_goldens)
    assert wrong == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_compiles_or_is_refused_with_reasons(example: Path) -> None:
    model, result, diagnostics = compile_kong(example)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        assert result.artifacts == ()
        assert all(d.code in ("TG001", "TG003") for d in errors)
        return
    doc = yaml.safe_load(result.artifacts[0].text)
    assert problems(doc) == []
    assert request_table(model, doc)[1] == []
    _, as_json, _ = compile_kong(example, "json")
    assert json.loads(as_json.artifacts[0].text) == doc


def route_entity(name: str, paths: list[str], methods: list[str] | None = None, priority: int = 0) -> dict:
    entity: dict = {"name": name, "id": name, "paths": paths, "regex_priority": priority}
    if methods:
        entity["methods"] = methods
    return entity


def test_the_router_emulation_prefers_what_kong_prefers() -> None:
    """kong/router/compat.lua: a regex path outranks any plain one, more matching fields
    outrank fewer, and only then does regex_priority count."""
    doc = {
        "routes": [
            route_entity("plain", ["/book/list"], ["GET"]),
            route_entity("regex", ["~/book/(?P<id>[^/]+)$"], ["GET"]),
            route_entity("any-method", ["~/book/list$"], None, priority=9),
        ]
    }
    assert kong_pick(doc, "GET", "h", "/book/list") == (doc["routes"][1], False)
    doc["routes"][0]["paths"] = ["~/book/list$"]
    doc["routes"][0]["regex_priority"] = 1
    assert kong_pick(doc, "GET", "h", "/book/list") == (doc["routes"][0], False)
    doc["routes"][0]["regex_priority"] = 0
    assert kong_pick(doc, "GET", "h", "/book/list")[1] is True  # a tie: Kong would pick by id


def test_without_regex_priority_kong_would_route_elsewhere() -> None:
    """The equivalence check has teeth: the same file with every regex_priority at 0 sends
    `/books/new` to `/books/{book-id}` (or ties), which the check reports."""
    model, result, _ = compile_kong(CASES / "kong-routing" / "api.gw")
    doc = yaml.safe_load(result.artifacts[0].text)
    for service in doc["services"]:
        for route in service["routes"]:
            route["regex_priority"] = 0
    wrong = request_table(model, doc)[1]
    assert "GET books.example.com/books/new -> GET /books/new: Kong" in "\n".join(wrong)


def test_a_value_decK_would_evaluate_as_a_template_is_refused_where_it_is_written(tmp_path: Path) -> None:
    source = tmp_path / "api.yaml"
    source.write_text(
        "openapi: 3.0.3\n"
        'info: {title: t, version: "1"}\n'
        'servers: [{url: "https://b.example.com"}]\n'
        "security: [{k: []}]\n"
        "paths:\n"
        "  /x:\n"
        "    get:\n"
        '      responses: {"200": {description: ok}}\n'
        "components:\n"
        "  securitySchemes:\n"
        "    k: {type: apiKey, in: header, name: '${{ env \"DECK_OTEL_TRACES_ENDPOINT\" }}'}\n",
        encoding="utf-8",
    )
    _, result, diagnostics = compile_kong(source)
    assert [(d.code, *d.span.start_location) for d in diagnostics] == [("TG001", 11, 41)]
    assert "decK would evaluate" in diagnostics[0].message
    assert result.artifacts == ()


def test_the_bookstore_compiles_once_kong_conf_holds_its_tls_policy() -> None:
    """Its only refusal is the domain's TLS policy: with tls-policy-in-config it is said on the
    policy, with the kong.conf line, and the rest is written and routes as the model says."""
    loaded = load(ROOT / "examples" / "bookstore.gw")
    assert loaded.model is not None
    refused = KongTarget().compile(loaded.model)
    assert [
        (d.code, *d.span.start_location) for d in refused.diagnostics if d.severity is Severity.ERROR
    ] == [("TG001", 98, 5)]
    result = KongTarget().compile(loaded.model, options={"tls-policy-in-config": True})
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    said = [d for d in result.diagnostics if d.span.start_location == (98, 5)]
    assert [d.message for d in said] == [
        "domain `api.example.com`: TLS policy TLS_1_2 is not written; with --option tls-policy-in-config "
        "the deployment enforces it in kong.conf: `ssl_protocols = TLSv1.2 TLSv1.3`"
    ]
    doc = yaml.safe_load(result.artifacts[0].text)
    assert problems(doc) == []
    assert request_table(loaded.model, doc)[1] == []
