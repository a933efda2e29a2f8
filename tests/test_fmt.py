"""`apic fmt`: the canonical layout, comments kept, the same model and the same findings after
formatting, idempotent; `--check`, `--diff`, in place, never through a link."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, check_golden
from hypothesis import given, settings
from property.strategies import models

from apic.api import lint, load
from apic.compiler.frontends.dsl.format import format_text
from apic.compiler.frontends.dsl.printer import print_model

HERE = Path(__file__).parent / "fmt"
SOURCES = sorted(
    [
        *(ROOT / "examples").rglob("*.gw"),
        *(ROOT / "tests" / "targets" / "cases").rglob("*.gw"),
        HERE / "messy.gw",
    ]
)


def test_the_canonical_layout(update_goldens: bool) -> None:
    formatted = format_text((HERE / "messy.gw").read_text(encoding="utf-8"), "messy.gw")
    check_golden(HERE / "messy.expected.gw", formatted, update_goldens)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_the_meaning_and_the_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, path.name)
    assert format_text(formatted, path.name) == formatted  # idempotent
    before, after = load(path, text=text), load(path, text=formatted)
    assert after.model == before.model
    assert sorted((d.code, d.message) for d in lint(path, text=formatted).diagnostics) == sorted(
        (d.code, d.message) for d in lint(path, text=text).diagnostics
    )
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith(("#", "//"))]
    assert all(c in formatted for c in comments)


@settings(max_examples=40, deadline=None)
@given(models())
def test_any_model_printed_and_formatted_reads_back_the_same(model) -> None:  # type: ignore[no-untyped-def]
    text = print_model(model)
    formatted = format_text(text, "generated.gw")
    assert format_text(formatted, "generated.gw") == formatted
    assert load(Path("generated.gw"), text=formatted).model == load(Path("generated.gw"), text=text).model


def test_the_command(tmp_path: Path) -> None:
    messy = (HERE / "messy.gw").read_text(encoding="utf-8")
    (tmp_path / "api.gw").write_text(messy, encoding="utf-8")
    (tmp_path / "other.gw").write_text((HERE / "other.gw").read_text(encoding="utf-8"), encoding="utf-8")

    def apic(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "apic", "fmt", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    checked = apic("api.gw", "other.gw", "--check")
    assert (checked.returncode, checked.stdout) == (
        1,
        "api.gw would be reformatted\nother.gw would be reformatted\n",
    )
    diffed = apic("api.gw", "--diff")
    assert diffed.returncode == 1 and diffed.stdout.startswith("--- api.gw\n+++ api.gw (formatted)\n")
    assert (tmp_path / "api.gw").read_text(encoding="utf-8") == messy  # neither wrote
    written = apic("api.gw")
    assert (written.returncode, written.stdout) == (0, "formatted api.gw\n")
    assert (tmp_path / "api.gw").read_text(encoding="utf-8") == (HERE / "messy.expected.gw").read_text(
        encoding="utf-8"
    )
    assert apic("api.gw", "--check").returncode == 0
    os.symlink(tmp_path / "other.gw", tmp_path / "link.gw")
    (tmp_path / "other.gw").write_text('api "x" { kind = rest }\n', encoding="utf-8")
    linked = apic("link.gw", "--format", "json")
    assert linked.returncode == 2 and "link.gw is a link" in linked.stdout
