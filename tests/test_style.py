"""The project's own hygiene: ruff clean, README commands match CI, generated files current."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is a test dependency: install the [test] extra")
    run = subprocess.run([ruff, "check", "apic", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", readme, re.S)
    return [line for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.index("```")
    assert "```" not in readme[:first_block], "the two commands come first"
    assert len(readme_commands()) == 2


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci


def test_ir_schema_is_current() -> None:
    from apic.compiler.schemas import ir_schema

    committed = json.loads((ROOT / "apic" / "schemas" / "apic-ir.schema.json").read_text(encoding="utf-8"))
    assert committed == ir_schema(), "run `python -m apic.compiler.schemas` and commit the result"


def test_generated_doc_sections_are_current() -> None:
    from apic.compiler.reference import updated_docs

    for path, text in updated_docs().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"run `python -m apic.compiler.reference`: {path.name} is stale"
        )
