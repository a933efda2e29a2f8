"""Target `openapi` over generated models: what it writes is valid OpenAPI 3.0 and loads back
to the model it was written from (as OpenAPI can say it: test_openapi_target.as_imported)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from test_frontend_equivalence import shared_subset

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.openapi import OpenApiTarget

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "targets"))
from test_openapi_target import as_imported, library_problems


@settings(max_examples=80, deadline=None)
@given(shared_subset())
def test_every_model_is_refused_or_written_and_loads_back(generated: GatewayModel) -> None:
    """Over the models OpenAPI can say (the frontend-equivalence subset: backends, authorizers,
    parameters, validation, stages, plans, domains, tracing, gateway responses)."""
    loaded = load(Path("/virtual/openapi.gw"), text=print_model(generated))  # spans for the diagnostics
    assert loaded.model is not None
    result = OpenApiTarget().compile(loaded.model, None, {"flavor": "aws"})
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        assert result.artifacts == ()
        return
    apis = [a for a in loaded.model.apis if a.kind is not ApiKind.WEBSOCKET]
    for api, artifact in zip(apis, result.artifacts, strict=True):
        assert library_problems(yaml.safe_load(artifact.text)) == []
        back = load(Path(f"/virtual/{artifact.path.name}"), text=artifact.text)
        assert [d.message for d in back.diagnostics if d.severity is Severity.ERROR] == []
        assert back.model is not None
        (again,) = back.model.apis
        expected = as_imported(api)
        assert print_model(GatewayModel(apis=(again,))) == print_model(GatewayModel(apis=(expected,)))
        assert again == expected
