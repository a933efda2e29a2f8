"""Third-party OpenAPI documents load, with exactly the findings expected and nothing else.

Documents from ../shared/corpus (see its README); missing in CI is a failure, elsewhere a
skip. Each case pins every diagnostic by code, severity, file and position.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_path

from apic.api import load
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.model import AuthKind, AuthRequirement, GatewayModel, HttpMethod
from apic.targets.base import discover_targets

EXPECTED: dict[str, list[tuple[str, str, str, int, int]]] = {
    "openapi/oai/api-with-examples.yaml": [],
    "openapi/oai/callback-example.yaml": [],
    "openapi/oai/link-example.yaml": [],
    "openapi/oai/petstore-expanded.yaml": [],
    "openapi/oai/petstore.yaml": [],
    "openapi/oai/uspto.yaml": [],
    "openapi/museum-3.1.yaml": [],
    "openapi/github-2020-api.github.com.yaml": [
        ("SC026", "warning", "github-2020-api.github.com.yaml", 2149, 3),  # /compare/{base}...{head}
    ],
    "openapi/github-2022-api.github.com.yaml": [],
    "openapi/digitalocean/specification/DigitalOcean-public.v2.yaml": [
        ("SC025", "warning", "agent_inference_create_chat_completion.yml", 9, 10),  # server placeholder
    ],
}
KONG = "openapi-2-kong"
KONG_EXPECTED: dict[str, list[tuple[str, str, int, int]]] = {
    "at-123253811c/declarative-config/api-with-examples.yaml": [
        ("SC025", "warning", 7, 1),
        ("SC025", "warning", 12, 1),
        ("SC025", "warning", 22, 5),
        ("SC025", "warning", 24, 7),
        ("SC025", "warning", 100, 5),
    ],
    "at-123253811c/declarative-config/circular-requestBody.yaml": [
        ("SC025", "warning", 13, 1),
    ],
    "at-123253811c/declarative-config/httpbin.yaml": [
        ("SC025", "warning", 76, 7),
        ("SC025", "warning", 590, 7),
        ("SC025", "warning", 771, 7),
    ],
    "at-123253811c/declarative-config/no-targets-example.yaml": [
        ("SC025", "warning", 9, 5),
        ("SC025", "warning", 11, 7),
        ("SC025", "warning", 22, 5),
    ],
    "at-123253811c/declarative-config/nullable-true.yaml": [
        ("SC025", "warning", 2, 1),
        ("SC025", "warning", 31, 7),
    ],
    "at-123253811c/declarative-config/request-validator-plugin.yaml": [
        ("SC025", "warning", 10, 1),
        ("SC019", "warning", 14, 5),
        ("SC013", "warning", 20, 3),
        ("SC019", "warning", 21, 5),
        ("SC025", "warning", 22, 7),
        ("SC025", "warning", 37, 11),
        ("SC019", "warning", 48, 5),
    ],
    "at-123253811c/declarative-config/security.yaml": [
        ("SC025", "warning", 69, 7),
        ("SC025", "warning", 78, 7),
    ],
    "at-123253811c/kubernetes/cloud-api.yaml": [
        ("SC025", "warning", 26, 1),
        ("SC025", "warning", 42, 1),
        ("SC025", "warning", 219, 5),
        ("SC025", "warning", 241, 5),
    ],
    "at-6cb619285f/declarative-config/api-with-examples.yaml": [
        ("SC025", "warning", 7, 1),
        ("SC025", "warning", 12, 1),
        ("SC025", "warning", 22, 5),
        ("SC025", "warning", 24, 7),
        ("SC025", "warning", 100, 5),
    ],
    "at-6cb619285f/declarative-config/api-with-refs.yaml": [
        ("SC025", "warning", 13, 1),
        ("SC025", "warning", 22, 7),
        ("SC025", "warning", 25, 7),
    ],
    "at-6cb619285f/declarative-config/circular-requestBody.yaml": [
        ("SC025", "warning", 13, 1),
    ],
    "at-6cb619285f/declarative-config/httpbin.yaml": [
        ("SC025", "warning", 76, 7),
        ("SC025", "warning", 590, 7),
        ("SC025", "warning", 771, 7),
    ],
    "at-6cb619285f/declarative-config/no-targets-example.yaml": [
        ("SC025", "warning", 9, 5),
        ("SC025", "warning", 11, 7),
        ("SC025", "warning", 22, 5),
    ],
    "at-6cb619285f/declarative-config/nullable-true.yaml": [
        ("SC025", "warning", 2, 1),
        ("SC025", "warning", 31, 7),
    ],
    "at-6cb619285f/declarative-config/request-validator-plugin.yaml": [
        ("SC025", "warning", 10, 1),
        ("SC013", "warning", 23, 3),
        ("SC025", "warning", 25, 7),
        ("SC025", "warning", 43, 11),
    ],
    "at-6cb619285f/declarative-config/security.yaml": [
        ("SC025", "warning", 69, 7),
        ("SC025", "warning", 78, 7),
    ],
    "at-6cb619285f/kubernetes/cloud-api.yaml": [
        ("SC025", "warning", 26, 1),
        ("SC025", "warning", 42, 1),
        ("SC025", "warning", 219, 5),
        ("SC025", "warning", 241, 5),
    ],
}


def load_model(relative: str) -> GatewayModel:
    path = shared_path(f"corpus/{relative}")
    result = load(path)
    assert result.model is not None, [d.message for d in result.diagnostics]
    return result.model


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_corpus_document_loads(relative: str) -> None:
    path = shared_path(f"corpus/{relative}")
    result = load(path)
    found = [
        (d.code, d.severity.value, Path(d.span.path).name, *d.span.start_location) for d in result.diagnostics
    ]
    assert found == EXPECTED[relative]
    assert result.model is not None


def kong_inputs() -> list[str]:
    root = Path(__file__).resolve().parents[2] / "shared" / "corpus" / KONG
    found = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.yaml") if not p.name.endswith(".expected.yaml")
    )
    return found or ["(corpus missing)"]


@pytest.mark.parametrize("relative", kong_inputs())
def test_openapi_2_kong_fixture_input_loads(relative: str) -> None:
    root = shared_path(f"corpus/{KONG}")
    result = load(root / relative, LoadOptions(project_root=root))
    found = [(d.code, d.severity.value, *d.span.start_location) for d in result.diagnostics]
    assert found == KONG_EXPECTED.get(relative, [])
    assert result.model is not None


def test_petstore_routes_servers_and_parameters() -> None:
    (api,) = load_model("openapi/oai/petstore-expanded.yaml").apis
    assert api.name == "Swagger Petstore"
    assert [(r.label, r.backend, r.upstream_path) for r in api.routes] == [
        ("GET /pets", "petstore.swagger.io", "/v2/pets"),
        ("POST /pets", "petstore.swagger.io", "/v2/pets"),
        ("GET /pets/{id}", "petstore.swagger.io", "/v2/pets/{id}"),
        ("DELETE /pets/{id}", "petstore.swagger.io", "/v2/pets/{id}"),
    ]
    assert [(p.name, p.type and p.type.value, p.required) for p in api.routes[0].query_params] == [
        ("limit", "integer", False),
        ("tags", None, False),
    ]
    assert api.routes[0].span is not None and api.routes[0].span.start_location == (18, 5)


def test_github_operation_servers_are_their_own_backend() -> None:
    (api,) = load_model("openapi/github-2022-api.github.com.yaml").apis
    assert [b.name for b in api.backends] == ["api.github.com", "uploads.github.com"]
    uploads = [r.label for r in api.routes if r.backend == "uploads.github.com"]
    assert uploads == ["POST /repos/{owner}/{repo}/releases/{release_id}/assets"]
    deliveries = next(r for r in api.routes if r.label == "GET /app/hook/deliveries")
    assert deliveries.span is not None and deliveries.span.start_location == (280, 5)


def test_multi_file_positions_point_into_the_referenced_file() -> None:
    (api,) = load_model("openapi/digitalocean/specification/DigitalOcean-public.v2.yaml").apis
    route = next(r for r in api.routes if r.methods == (HttpMethod.GET,) and r.path == "/v2/1-clicks")
    assert route.span is not None
    assert route.span.path.endswith(
        "resources/1-clicks/oneClicks_list.yml"
    ) and route.span.start_location == (1, 1)
    assert route.auth == ((AuthRequirement(kind=AuthKind.AUTHORIZER, authorizer="bearer_auth"),),)
    assert [(p.name, p.enum) for p in route.query_params] == [("type", ("droplet", "kubernetes"))]


EXAMPLE_FILES = sorted(
    str(p.relative_to(Path(__file__).resolve().parents[1]))
    for p in (Path(__file__).resolve().parents[1] / "examples").rglob("*.gw")
)


@pytest.mark.parametrize(
    "source", [f"corpus/{r}" for r in sorted(EXPECTED)] + [f"corpus/{KONG}/{r}" for r in kong_inputs()]
)
def test_every_corpus_document_compiles_to_every_target_or_is_refused(source: str) -> None:
    """issue 11: a template, or diagnostics that say why not; never an internal error."""
    path = shared_path(source)
    options = LoadOptions(project_root=shared_path(f"corpus/{KONG}")) if KONG in source else None
    assert_compiles_or_is_refused(path, options)


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_every_example_compiles_to_every_target_or_is_refused(example: str) -> None:
    assert_compiles_or_is_refused(Path(__file__).resolve().parents[1] / example, None)


def assert_compiles_or_is_refused(path: Path, options: LoadOptions | None) -> None:
    loaded = load(path, options)
    assert all(d.code != "AP000" for d in loaded.diagnostics)
    if loaded.model is None:
        assert any(d.severity.value == "error" for d in loaded.diagnostics)
        return
    for name, target in discover_targets().items():
        result = target().compile(loaded.model)
        assert all(d.code != "AP000" and d.target == name for d in result.diagnostics)
        refused = any(d.severity.value == "error" for d in result.diagnostics)
        assert bool(result.artifacts) != refused, (name, [d.message for d in result.diagnostics])


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_corpus_lint_is_deterministic_and_errors_only_about_the_gateway(relative: str) -> None:
    """issue 12: the same findings under any hash seed, and no error about schemas or docs."""
    import json
    import os
    import subprocess
    import sys

    path = shared_path(f"corpus/{relative}")
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-m", "apic", "lint", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert "Traceback" not in run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    errors = {d["code"] for d in json.loads(outputs[0]) if d["severity"] == "error"}
    assert errors <= {"AU001", "RT002"}, errors  # public writes; two variables at one REST level
