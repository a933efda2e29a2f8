"""OpenAPI as people write it (issue 12): validation findings are positioned, deterministic
and warnings where they concern only schemas or documentation; numeric `swagger: 2.0`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from apic.api import load

SHAPES = Path(__file__).parent / "openapi_shapes"


def test_schema_errors_deep_inside_a_3_1_document_are_positioned_warnings() -> None:
    loaded = load(SHAPES / "schema-errors-3.1.yaml")
    assert loaded.model is not None
    assert [(d.code, d.severity.value, *d.span.start_location) for d in loaded.diagnostics] == [
        ("SC019", "warning", 15, 27),  # type: objekt, inside a response schema
        ("SC019", "warning", 23, 14),  # type: [strin], inside components/schemas
    ]


def test_validation_is_the_same_under_every_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "2", "3", "12345"):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "apic",
                "check",
                str(SHAPES / "schema-errors-3.1.yaml"),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        outputs.add(run.stdout)
    (only,) = outputs
    assert len(json.loads(only)) == 2


def test_compile_stops_on_operations_it_would_leave_out(
    tmp_path: Path,
    monkeypatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    """Twilio-style `/{Sid}.json`: not representable, so the output would lack it. That is an
    error for `compile` unless `--allow-left-out` says it is meant."""
    from apic.cli import main

    source = Path(__file__).parent / "errors" / "openapi-route-left-out.yaml"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "api.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["compile", "api.yaml", "-t", "cfn", "--no-lint", "-o", "out", "--format", "json"]) == 1
    found = [(d["code"], d["severity"], d["line"]) for d in json.loads(capsys.readouterr().err)]
    assert found == [("SC026", "error", 1), ("SC026", "error", 8)]
    assert not (tmp_path / "out").exists()
    assert main(["compile", "api.yaml", "-t", "cfn", "--no-lint", "-o", "out", "--allow-left-out"]) == 0
    assert (tmp_path / "out" / "template.yaml").is_file()


def test_lint_counts_the_operations_that_will_be_missing(capsys) -> None:  # type: ignore[no-untyped-def]
    from apic.cli import main

    source = Path(__file__).parent / "errors" / "openapi-route-left-out.yaml"
    main(["lint", str(source), "--format", "json"])
    found = [(d["code"], d["message"]) for d in json.loads(capsys.readouterr().out) if d["code"] == "SC026"]
    assert (f"1 operation(s) of {source} will be missing from every output") in [m for _, m in found]
