"""Target `openapi`: golden documents, valid OpenAPI 3.0 (openapi-spec-validator itself),
and loaded back by apic to the model they were written from.

Each folder under tests/targets/cases gets `openapi-target.yaml` (every api's document, each
after a `# <file>` line) or, when compiling reports anything, `openapi-target.diagnostics.txt`;
`openapi-plain.yaml` holds the plain flavor. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, check_golden
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, BackendType, GatewayModel
from apic.targets.base import CompileResult
from apic.targets.openapi import OpenApiTarget

CASES = Path(__file__).parent / "cases"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.gw") if p.parent.name not in ("common", "payments"))


def compile_openapi(
    entry: Path, flavor: str = "aws", output_format: str | None = None
) -> tuple[GatewayModel, CompileResult]:
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model, OpenApiTarget().compile(loaded.model, output_format, {"flavor": flavor})


def library_problems(document: dict) -> list[str]:
    from openapi_spec_validator import OpenAPIV30SpecValidator

    found = [str(e.message).splitlines()[0] for e in OpenAPIV30SpecValidator(document).iter_errors()]
    # an HTTP API's catch-all route is `$default` in API Gateway's own exports and imports,
    # which the specification's `paths` pattern does not allow
    return [m for m in found if m != "Additional properties are not allowed ('$default' was unexpected)"]


def as_imported(api: Api) -> Api:
    """What loading a document gives back for `api`, where OpenAPI has one form only: a route
    with several methods is one operation per method (operation ids suffixed); what API
    Gateway's integration needs and apic implies is not read back as the source's own: a bare
    `response "default" { status = 200 }`, a mock's `{"statusCode": 200}` template, a mapping
    of a value to itself (`path "id" = path.id`)."""
    routes = []
    for route in api.routes:
        responses = route.responses
        if [(r.selection, r.status, bool(r.headers), bool(r.templates)) for r in responses] == [
            ("default", 200, False, False)
        ]:
            responses = ()
        forward = tuple(
            f for f in route.forward if not (f.location is f.source.kind and f.source.name == f.name)
        )
        templates = route.request_templates
        backend = api.backend(route.backend)
        if (
            backend is not None
            and backend.type is BackendType.MOCK
            and [(t.content_type, t.text) for t in templates] == [("application/json", '{"statusCode": 200}')]
        ):
            templates = ()
        for method in route.methods:
            several = len(route.methods) > 1
            routes.append(
                replace(
                    route,
                    methods=(method,),
                    responses=responses,
                    forward=forward,
                    request_templates=templates,
                    operation_id=f"{route.operation_id}_{method.value.lower()}"
                    if several and route.operation_id
                    else route.operation_id,
                )
            )
    return replace(
        api, routes=tuple(sorted(routes, key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods])))
    )


def loads_back_to(model: GatewayModel, result: CompileResult, tmp_path: Path) -> None:
    """Each document, loaded by apic, is the api it was written from."""
    apis = [a for a in model.apis if a.kind.value != "websocket"]
    for api, artifact in zip(apis, result.artifacts, strict=True):
        path = tmp_path / artifact.path.name
        path.write_text(artifact.text, encoding="utf-8")
        back = load(path)
        errors = [f"{d.span!r} {d.message}" for d in back.diagnostics if d.severity is Severity.ERROR]
        assert errors == []
        assert back.model is not None
        (loaded,) = back.model.apis
        expected = as_imported(api)
        assert print_model(GatewayModel(apis=(loaded,))) == print_model(GatewayModel(apis=(expected,)))
        assert loaded == expected


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool, tmp_path: Path) -> None:
    model, result = compile_openapi(case_input(case))
    diagnostics = list(result.diagnostics)
    if diagnostics or (case / "openapi-target.diagnostics.txt").exists():
        check_golden(case / "openapi-target.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "openapi-target.yaml").exists() or update_goldens
        return
    check_golden(
        case / "openapi-target.yaml",
        "".join(f"# {a.path}\n{a.text}" for a in result.artifacts),
        update_goldens,
    )
    for artifact in result.artifacts:
        assert library_problems(yaml.safe_load(artifact.text)) == []
    loads_back_to(model, result, tmp_path)
    _, as_json = compile_openapi(case_input(case), "aws", "json")
    assert [json.loads(a.text) for a in as_json.artifacts] == [
        yaml.safe_load(a.text) for a in result.artifacts
    ]
    _, plain = compile_openapi(case_input(case), "plain")
    text = "".join(f"# {a.path}\n{a.text}" for a in plain.artifacts)
    assert "x-amazon-apigateway-" not in text
    check_golden(case / "openapi-plain.yaml", text, update_goldens)
    for artifact in plain.artifacts:
        assert library_problems(yaml.safe_load(artifact.text)) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_compiles_and_loads_back_or_is_refused_with_reasons(
    example: Path, tmp_path: Path
) -> None:
    model, result = compile_openapi(example)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        assert result.artifacts == ()
        assert {d.code for d in errors} <= {"TG001", "TG003"}
        return
    for artifact in result.artifacts:
        assert library_problems(yaml.safe_load(artifact.text)) == []
    loads_back_to(model, result, tmp_path)


EQUIVALENCE = sorted(p for p in (ROOT / "tests" / "equivalence").iterdir() if p.is_dir())


@pytest.mark.parametrize("pair", EQUIVALENCE, ids=lambda p: p.name)
def test_the_hand_written_pairs_round_trip(pair: Path, tmp_path: Path) -> None:
    """The pairs carry AWS integrations the generated models leave out (mappings, templates,
    responses, VPC links, mock and AWS service integrations)."""
    model, result = compile_openapi(pair / "api.gw")
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        assert {d.code for d in errors} <= {"TG001", "TG003"}, [d.message for d in errors]
        return
    loads_back_to(model, result, tmp_path)


def test_flavor_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from apic.cli import main

    case = CASES / "rest-cache-keys" / "api.gw"
    assert main(["compile", str(case), "--target", "openapi", "--flavor", "plain", "--no-lint"]) == 0
    plain = capsys.readouterr().out
    assert "x-amazon-apigateway-" not in plain and "x-apic-backend: posts" in plain
    assert main(["compile", str(case), "--target", "openapi", "--no-lint"]) == 0
    assert "x-amazon-apigateway-integration:" in capsys.readouterr().out
    assert main(["compile", str(case), "--target", "kong", "--flavor", "plain"]) == 2
    assert "--flavor picks the flavor of target openapi; target `kong` has none" in capsys.readouterr().err


def test_a_rest_preflight_is_an_options_mock_that_apic_does_not_read_as_a_route(tmp_path: Path) -> None:
    model, result = compile_openapi(CASES / "rest-responses-cors-private" / "api.gw")
    assert result.artifacts, [d.message for d in result.diagnostics]
    document = yaml.safe_load(result.artifacts[0].text)
    preflights = [
        (p, item["options"])
        for p, item in document["paths"].items()
        if item.get("options", {}).get("x-apic-preflight")
    ]
    assert preflights
    _, operation = preflights[0]
    integration = operation["x-amazon-apigateway-integration"]
    assert integration["type"] == "mock"
    assert (
        "method.response.header.Access-Control-Allow-Origin"
        in integration["responses"]["default"]["responseParameters"]
    )
    loads_back_to(model, result, tmp_path)


HTTP_FORWARD = """api "orders" {
  kind = http
  backend "svc" { url = "https://orders.internal.example.com" }
  route GET "/orders/{id}" {
    backend = backend.svc
    forward {
      header "X-Source"     = "'gateway'"
      header "X-Order"      = path.id
      query "caller"        = context.requestId
      header "X-Tenant"     = header.X-Tenant-Id
    }
  }
}
"""


def test_an_http_apis_parameter_mappings_are_written_as_its_import_reads_them(tmp_path: Path) -> None:
    """HTTP APIs spell mappings `overwrite:header.X: $request.path.id`, a fixed value unquoted
    (API Gateway HTTP API guide, "Transforming API requests and responses")."""
    source = tmp_path / "orders.gw"
    source.write_text(HTTP_FORWARD, encoding="utf-8")
    model, result = compile_openapi(source)
    assert [d.message for d in result.diagnostics if d.severity is Severity.ERROR] == []
    document = yaml.safe_load(result.artifacts[0].text)
    integration = document["paths"]["/orders/{id}"]["get"]["x-amazon-apigateway-integration"]
    assert integration["requestParameters"] == {
        "overwrite:header.X-Order": "$request.path.id",
        "overwrite:header.X-Source": "gateway",
        "overwrite:header.X-Tenant": "$request.header.X-Tenant-Id",
        "overwrite:querystring.caller": "$context.requestId",
    }
    assert library_problems(document) == []
    loads_back_to(model, result, tmp_path)


def test_an_http_api_cannot_map_one_path_parameter(tmp_path: Path) -> None:
    source = tmp_path / "orders.gw"
    source.write_text(HTTP_FORWARD.replace('header "X-Order"', 'path "order"'), encoding="utf-8")
    _, result = compile_openapi(source)
    assert diagnostic_lines(result.diagnostics).splitlines()[0] == (
        "8:7 error[TG001] GET /orders/{id}: HTTP APIs rewrite the whole path, not one path parameter "
        "(`order`)"
    )
    assert result.artifacts == ()
