"""Properties of the linter on generated models.

- Totality: no rule crashes (AP001) and every finding has a span inside its source, on any
  model a .gw file can express, printed and loaded back so every node has a real span.
- Frontend equivalence: the same model written as .gw and as OpenAPI gets the same findings
  (code, severity and message); only the positions differ.
- Determinism: linting twice gives the same findings in the same order.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from strategies import models
from test_frontend_equivalence import shared_subset

from apic.api import lint, lint_plan
from apic.compiler.config import LoadedConfig
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import GatewayModel
from apic.targets.openapi.document import print_openapi

PLAN, _ = lint_plan(LoadedConfig.defaults())


@given(models())
def test_rules_never_crash_and_spans_stay_inside_their_source(model: GatewayModel) -> None:
    result = lint(Path("/virtual/generated.gw"), text=print_model(model), plan=PLAN)
    assert result.load.model is not None
    assert [d.message for d in result.diagnostics if d.code == "AP001"] == []
    for d in result.diagnostics:
        assert 0 <= d.span.start <= d.span.end <= len(d.span.source.text)
        for related in d.related:
            assert 0 <= related.span.start <= related.span.end <= len(related.span.source.text)
    again = lint(Path("/virtual/generated.gw"), text=print_model(model), plan=PLAN)
    assert [d.to_json() for d in again.diagnostics] == [d.to_json() for d in result.diagnostics]


@given(shared_subset())
def test_gw_and_openapi_get_the_same_findings(model: GatewayModel) -> None:
    from_gw = lint(Path("/virtual/equivalence.gw"), text=print_model(model), plan=PLAN)
    document = json.dumps(print_openapi(model), indent=1)
    from_openapi = lint(Path("/virtual/equivalence.json"), text=document, plan=PLAN)

    def findings(result: object) -> list[tuple[str, str, str]]:
        return sorted(
            (d.code, d.severity.value, d.message)
            for d in result.diagnostics  # type: ignore[attr-defined]
            if d.code[:2] not in ("PA", "SC")
        )

    summary = [
        d for d in from_openapi.diagnostics if d.code == "AU001" and d.message.startswith("no operation")
    ]
    if summary:
        # An OpenAPI document that declares security nowhere gets one finding for all its
        # public routes (issue 12); the .gw file gets one a route, as many as it counts.
        per_route = [d for d in from_gw.diagnostics if d.code == "AU001"]
        assert f"all {len(per_route)} route(s) are public" in summary[0].message
        assert summary[0].severity is max((d.severity for d in per_route), key=lambda s: s.rank)
        assert [c for c in findings(from_openapi) if c[0] != "AU001"] == [
            c for c in findings(from_gw) if c[0] != "AU001"
        ], document
        return
    assert findings(from_openapi) == findings(from_gw), document


def unspanned(node: object, where: str = "model") -> list[str]:
    """Paths of IR nodes without a span: a rule anchoring at one would crash."""
    from dataclasses import fields, is_dataclass

    from apic.compiler.model import Node

    found = []
    if isinstance(node, Node):
        if node.span is None:
            found.append(where)
        for f in fields(node):
            if f.name not in ("span", "field_spans"):
                found += unspanned(getattr(node, f.name), f"{where}.{f.name}")
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            found += unspanned(item, f"{where}[{i}]")
    elif is_dataclass(node) or isinstance(node, (str, int, float, bool)) or node is None:
        pass
    return found


@given(shared_subset())
def test_every_node_has_a_span_from_both_frontends(model: GatewayModel) -> None:
    for path, text in (
        ("/virtual/spans.gw", print_model(model)),
        ("/virtual/spans.json", json.dumps(print_openapi(model), indent=1)),
    ):
        loaded = lint(Path(path), text=text, plan=PLAN).load
        assert loaded.model is not None
        assert unspanned(loaded.model) == [], path
