"""Nothing escapes main(), whatever the terminal's encoding (issue 11): diagnostics with
characters the stream cannot encode are escaped, artifacts stay UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(tmp_path: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "apic", *args],
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        capture_output=True,
        check=False,
    )


@pytest.mark.parametrize("output_format", ["human", "github", "json", "sarif"])
def test_an_ascii_terminal_gets_escapes_not_a_traceback(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "api.gw").write_text('api "x" {\n  stage "é" {}\n  stage "é" {}\n}\n', encoding="utf-8")
    done = run(tmp_path, ["check", "api.gw", "--format", output_format])
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"SC006" in done.stdout
    if output_format == "json":  # documents for programs: UTF-8 and valid
        assert json.loads(done.stdout.decode("utf-8"))[0]["message"] == 'stage "é" is defined twice'
    elif output_format == "sarif":
        (result,) = json.loads(done.stdout.decode("utf-8"))["runs"][0]["results"]
        assert result["message"]["text"] == 'stage "é" is defined twice'
    else:
        done.stdout.decode("ascii")  # every byte is ASCII


def test_artifacts_stay_utf8_on_an_ascii_terminal(tmp_path: Path) -> None:
    (tmp_path / "api.gw").write_text(
        'api "x" {\n  description = "café"\n  backend "b" { url = "https://b.example.com" }\n'
        '  defaults { backend = backend.b, auth = iam }\n  route GET "/x" {}\n}\n',
        encoding="utf-8",
    )
    done = run(tmp_path, ["compile", "api.gw", "-t", "cfn"])
    assert done.returncode == 0, done.stderr
    assert "Description: café" in done.stdout.decode("utf-8")
