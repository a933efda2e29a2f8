"""Every rule documents itself, and its documentation is executed.

The Example block must fire exactly its own rule (and load cleanly); the Use instead block
must fire nothing at all. A rule whose docs drift from its behaviour fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apic.api import lint, lint_plan
from apic.compiler.config import LoadedConfig
from apic.compiler.lint.docs import REQUIRED_SECTIONS, rule_doc
from apic.compiler.rules import RULES

PLAN, PROBLEMS = lint_plan(LoadedConfig.defaults())


def run(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    result = lint(tmp_path / "example.gw", text=text, plan=PLAN)
    assert result.load.model is not None, [d.message for d in result.load.diagnostics]
    return [(d.code, d.message) for d in result.diagnostics]


def test_the_default_plan_has_every_rule() -> None:
    assert PROBLEMS == []
    assert [r.code for r in PLAN.rules] == sorted(r.code for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_documents_every_section(rule: type) -> None:
    doc = rule_doc(rule)
    assert doc.missing() == [], f"{rule.code} lacks {doc.missing()}"
    assert list(doc.sections)[: len(REQUIRED_SECTIONS)] == list(REQUIRED_SECTIONS)
    assert rule.summary and not rule.summary.endswith(".")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_example_fires_exactly_its_rule(rule: type, tmp_path: Path) -> None:
    example = rule_doc(rule).example
    assert example is not None
    found = run(tmp_path, example)
    assert found, f"{rule.code}: the Example fires nothing"
    assert {code for code, _ in found} == {rule.code}, found


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_use_instead_fires_nothing(rule: type, tmp_path: Path) -> None:
    fixed = rule_doc(rule).use_instead
    assert fixed is not None
    assert run(tmp_path, fixed) == []
