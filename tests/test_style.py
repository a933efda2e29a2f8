"""The project's own hygiene: ruff clean, README commands match CI, generated files current."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT


def test_ruff_clean() -> None:
    """ruff is found through the running interpreter (`python -m ruff`), never on PATH: the
    README runs `.venv/bin/python -m pytest` without activating the venv."""
    run = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "apic", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if "No module named ruff" in run.stderr:
        pytest.fail("ruff is a test dependency: install the [test] extra")
    assert run.returncode == 0, run.stdout + run.stderr


def test_layer_contracts_hold() -> None:
    """[tool.importlinter] in pyproject.toml: the model and the shared decisions below the
    targets, targets that read no frontend, rule or other target."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


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


def test_generated_schemas_are_current() -> None:
    from apic.compiler.schemas import SCHEMAS

    for name, build in SCHEMAS.items():
        committed = json.loads((ROOT / "apic" / "schemas" / name).read_text(encoding="utf-8"))
        assert committed == build(), f"run `python -m apic.compiler.schemas`: {name} is stale"


def test_x_apic_schema_accepts_the_examples() -> None:
    """The editor schema agrees with apic: the x-apic extension pair validates against it."""
    import jsonschema
    import yaml_rs

    schema = json.loads((ROOT / "apic" / "schemas" / "x-apic.schema.json").read_text(encoding="utf-8"))

    def validator(definition: str) -> jsonschema.Draft202012Validator:
        rooted = {k: v for k, v in schema.items() if k != "oneOf"} | {"$ref": f"#/$defs/{definition}"}
        return jsonschema.Draft202012Validator(rooted)

    document = yaml_rs.loads(
        (ROOT / "tests" / "equivalence" / "apic-extensions" / "openapi.yaml").read_text()
    )
    validator("XDocument").validate({k: v for k, v in document.items() if k.startswith("x-apic-")})
    operation = document["paths"]["/book/{bookId}"]["get"]
    validator("XOperation").validate({k: v for k, v in operation.items() if k.startswith("x-apic-")})
    assert list(validator("XOperation").iter_errors({"x-apic-timeout": 10})), (
        "the schema rejects a bare number"
    )


def test_generated_doc_sections_are_current() -> None:
    """docs/language.md's schema reference and docs/diagnostics.md's code table follow the code."""
    from apic.compiler.reference import updated_docs

    for path, text in updated_docs().items():
        stale = f"run `python -m apic.compiler.reference`: {path.name} is stale"
        assert path.is_file(), stale
        assert path.read_text(encoding="utf-8") == text, stale
    pages = {p.name for p in (ROOT / "docs" / "rules").glob("*.md")}
    expected = {p.name for p in updated_docs() if p.parent.name == "rules"}
    assert pages == expected, "docs/rules/ holds pages of rules that no longer exist"
