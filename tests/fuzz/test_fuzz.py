"""Fuzzing in the suite (issue 11): mutated examples, golden inputs and corpus documents for
both frontends must load to a model or coded diagnostics and compile or be refused, never
raise. The CI profile keeps this within budget; `pytest --fuzz tests/fuzz` runs the long
profile locally; `python tests/fuzz/campaign.py` is the campaign without hypothesis."""

from __future__ import annotations

from pathlib import Path

from fuzz_check import check
from fuzz_mutations import GW_MUTATORS, OPENAPI_MUTATORS, ROOT, gw_seeds, mutate, openapi_seeds
from hypothesis import given
from hypothesis import strategies as st

GW = gw_seeds()
OPENAPI = openapi_seeds()
seeds = st.integers(0, 2**32 - 1)


@given(name=st.sampled_from(sorted(GW)), seed=seeds)
def test_mutated_gw_files_never_break_apic(name: str, seed: int) -> None:
    path = ROOT / name
    check(path.parent, path.name, mutate(GW[name], GW_MUTATORS, seed))


@given(name=st.sampled_from(sorted(OPENAPI)), seed=seeds)
def test_mutated_openapi_documents_never_break_apic(name: str, seed: int) -> None:
    path = Path(name)
    check(path.parent, path.name, mutate(OPENAPI[name], OPENAPI_MUTATORS, seed))


def test_the_seeds_cover_both_frontends() -> None:
    assert len(GW) >= 60 and any(n.startswith("examples/") for n in GW)
    assert len(OPENAPI) >= 20
