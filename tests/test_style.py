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


def test_editor_schemas_hold_what_apic_reads_and_writes() -> None:
    """apic-config.schema.json takes a real apic.toml and refuses a misspelt key, as apic does;
    apic-diagnostics.schema.json takes what `--format json` prints."""
    import subprocess
    import sys
    import tomllib

    import jsonschema

    def validator(name: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(
            json.loads((ROOT / "apic" / "schemas" / name).read_text(encoding="utf-8"))
        )

    config = tomllib.loads(
        '[lint]\nfail-on = "warning"\nignore = ["AU003"]\nroots = ["api/*.gw"]\n'
        '[lint.rules]\nroute-no-auth = "warning"\n[targets.k8s]\ncontroller = "kong"\n'
    )
    assert list(validator("apic-config.schema.json").iter_errors(config)) == []
    assert [e.message for e in validator("apic-config.schema.json").iter_errors({"lint": {"fail_onn": "x"}})]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "apic",
            "lint",
            "examples/bookstore.gw",
            "examples/payments.gw",
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(done.stdout)
    assert findings, "the examples have findings to validate"
    assert list(validator("apic-diagnostics.schema.json").iter_errors(findings)) == []


def test_the_textmate_grammar_names_the_language() -> None:
    """editors/gw.tmLanguage.json is current (test_generated_doc_sections_are_current), its
    patterns compile, and on the bookstore they find the blocks, attributes and methods."""
    import re as regex

    grammar = json.loads((ROOT / "editors" / "gw.tmLanguage.json").read_text(encoding="utf-8"))
    patterns = [p for p in grammar["patterns"] if "match" in p]
    compiled = [regex.compile(p["match"], regex.M) for p in patterns]
    text = (ROOT / "examples" / "bookstore.gw").read_text(encoding="utf-8")
    scopes: dict[str, set[str]] = {}
    for pattern, expression in zip(patterns, compiled, strict=True):
        scope = pattern.get("name") or pattern["captures"]["1"]["name"]
        for match in expression.finditer(text):
            scopes.setdefault(scope, set()).add(match.group(1) if expression.groups else match.group())
    assert {"api", "backend", "route", "stage", "domain", "usage_plan"} <= scopes["storage.type.block.gw"]
    assert {"certificate", "tls_policy", "upstream_path", "timeout"} <= scopes["variable.other.property.gw"]
    assert {"GET"} <= scopes["constant.language.method.gw"]
    assert {"10s", "500/s"} <= scopes["constant.numeric.quantity.gw"]
