"""Hand-written pairs: a .gw file and an OpenAPI document that must load to equal models.

Each folder under tests/equivalence holds `api.gw` and `openapi.yaml`; both load without
any diagnostic, and the models are equal (spans excluded). On a difference the assertion
shows both models printed as .gw, which makes the mismatch readable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apic.api import load
from apic.compiler.frontends.dsl.printer import print_model

PAIRS = sorted(p for p in (Path(__file__).parent / "equivalence").iterdir() if p.is_dir())


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_gw_and_openapi_load_to_the_same_model(pair: Path) -> None:
    gw = load(pair / "api.gw")
    openapi = load(pair / "openapi.yaml")
    assert [d.message for d in gw.diagnostics] == []
    assert [f"{d.span!r} {d.message}" for d in openapi.diagnostics] == []
    assert gw.model is not None and openapi.model is not None
    assert print_model(openapi.model) == print_model(gw.model)
    assert openapi.model == gw.model


def test_there_are_at_least_ten_pairs() -> None:
    assert len(PAIRS) >= 10
