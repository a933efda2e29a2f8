"""`import "./x.yaml" as name` in .gw: the document joins the api of that name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from apic.api import load
from apic.compiler.model import AuthKind

SIDECAR = ROOT / "examples" / "sidecar"


def test_sidecar_wraps_the_document() -> None:
    result = load(SIDECAR / "orders.gw")
    assert result.diagnostics == []
    assert result.model is not None
    (api,) = result.model.apis
    assert [r.label for r in api.routes] == ["GET /health", "GET /orders"]
    assert [b.name for b in api.backends] == ["mock", "orders.internal.example.com"]
    assert [s.name for s in api.stages] == ["live"] and api.region == "eu-west-1"
    orders = api.routes[1]
    assert orders.auth[0][0].kind is AuthKind.API_KEY
    assert orders.span is not None and orders.span.path.endswith("orders.openapi.yaml")
    assert orders.span.start_location == (11, 5)


def test_conflicting_definitions_name_both_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.yaml").write_text(
        'openapi: 3.0.3\ninfo: {title: t, version: "1", description: from openapi}\npaths: {}\n'
        "x-amazon-apigateway-gateway-responses:\n  THROTTLED: {statusCode: 429}\n"
    )
    (tmp_path / "main.gw").write_text(
        'import "./doc.yaml" as shop\napi "shop" {\n  description = "from gw"\n'
        "  gateway_response THROTTLED { status = 503 }\n}\n"
    )
    result = load(Path("main.gw"))
    assert result.model is None
    found = [
        (d.code, d.span.path, *d.span.start_location, d.related[0].span.path) for d in result.diagnostics
    ]
    assert found == [
        ("SC007", "main.gw", 3, 3, "doc.yaml"),
        ("SC006", "doc.yaml", 5, 3, "main.gw"),
    ]
