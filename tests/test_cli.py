"""The command line: exit codes, the JSON contract, and no traceback whatever happens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from apic.cli import main

BROKEN = 'api "a" {\n  timeout 10s\n}\n'
JSON_KEYS = {
    "code",
    "name",
    "severity",
    "message",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "help",
    "target",
    "related",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_valid_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "ok.gw").write_text('api "a" {\n  kind = http\n}\n')
    assert main(["check", "ok.gw"]) == 0
    assert capsys.readouterr().out == "No problems found in 1 file.\n"


def test_check_error_exits_2_with_json_contract(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "bad.gw").write_text(BROKEN)
    assert main(["check", "bad.gw", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().out)
    assert set(finding) == JSON_KEYS
    assert finding | {"help": None} == {
        "code": "PA001",
        "name": "missing-equals",
        "severity": "error",
        "message": "expected `=` between attribute name and value",
        "file": "bad.gw",
        "line": 2,
        "column": 10,
        "end_line": 2,
        "end_column": 10,
        "help": None,
        "target": None,
        "related": [],
    }


def test_json_related_spans(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "dup.gw").write_text('api "a" {\n  region = "x"\n  region = "y"\n}\n')
    assert main(["check", "dup.gw", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().out)
    assert (finding["code"], finding["line"], finding["column"], finding["end_column"]) == ("SC007", 3, 3, 9)
    assert finding["related"] == [
        {
            "message": "first set here",
            "file": "dup.gw",
            "line": 2,
            "column": 3,
            "end_line": 2,
            "end_column": 9,
        }
    ]


def test_several_files_are_sorted_by_file_line_column(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "b.gw").write_text('api "b" {\n  regoin = "x"\n  kind = soap\n}\n')
    (workdir / "a.gw").write_text(BROKEN)
    assert main(["check", "b.gw", "a.gw", "--format", "json"]) == 2
    found = [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(capsys.readouterr().out)]
    assert found == [("a.gw", 2, 10, "PA001"), ("b.gw", 2, 3, "SC002"), ("b.gw", 3, 10, "SC011")]


def test_human_format_summary(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "bad.gw").write_text(BROKEN)
    assert main(["check", "bad.gw"]) == 2
    out = capsys.readouterr().out
    assert out.startswith(
        "bad.gw:2:10: error[PA001] expected `=` between attribute name and value (missing-equals)\n"
    )
    assert out.endswith("\nFound 1 error in 1 file.\n")


def test_missing_input_points_at_the_argument(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "nope.gw", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().out)
    assert (finding["code"], finding["file"], finding["column"], finding["end_column"]) == (
        "AP010",
        "<command line>",
        12,
        19,
    )


def test_usage_error_is_a_diagnostic(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "x.gw", "--fail-on", "never"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("<command line>:1:")
    assert "error[AP011]" in out and "never" in out


def test_unknown_target_lists_what_exists(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "ok.gw").write_text('api "a" {}\n')
    assert main(["compile", "ok.gw", "--target", "kubernetes", "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert "error[AP012] target `kubernetes` is not available" in err
    assert not (workdir / "out").exists(), "nothing is written on error"


def test_lint_exit_codes(workdir: Path) -> None:
    (workdir / "ok.gw").write_text('api "a" {}\n')
    (workdir / "bad.gw").write_text(BROKEN)
    assert main(["lint", "ok.gw"]) == 0
    assert main(["lint", "bad.gw"]) == 2, "input errors are exit 2, not findings"


def test_internal_error_is_a_diagnostic_not_a_traceback(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "ok.gw").write_text('api "a" {}\n')

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("apic.cli.load", explode)
    assert main(["check", "ok.gw", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().out)
    assert (finding["code"], finding["name"]) == ("AP000", "internal-error")
    assert finding["message"] == "internal error: RuntimeError: boom"


def test_console_script_runs_as_module(workdir: Path) -> None:
    (workdir / "bad.gw").write_text(BROKEN)
    run = subprocess.run(
        [sys.executable, "-m", "apic", "check", "bad.gw"],
        capture_output=True,
        text=True,
        cwd=workdir,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stdout + run.stderr
    assert "bad.gw:2:10: error[PA001]" in run.stdout


def test_binary_garbage_never_tracebacks(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "junk.gw").write_bytes(b"\x00\xff\xfe api {{{ \x80")
    assert main(["check", "junk.gw", "--format", "json"]) == 2
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(capsys.readouterr().out)]
    assert found == [("PA008", 1, 1), ("PA013", 1, 2)]


GATEWAY = """api "a" {
  kind   = rest
  region = "eu-west-1"
  backend "app" { url = "https://app.example.com" }
  route GET "/ping" { backend = backend.app }
  stage "prod" {}
}
"""


def test_compile_prints_the_template_and_writes_it_with_o(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "api.gw").write_text(GATEWAY)
    assert main(["compile", "api.gw", "--target", "cfn"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("AWSTemplateFormatVersion: '2010-09-09'\n")
    assert main(["compile", "api.gw", "--target", "cfn", "-o", "out"]) == 0
    assert (workdir / "out" / "template.yaml").read_text() == printed
    assert main(["compile", "api.gw", "--target", "cfn", "--output-format", "json", "-o", "out"]) == 0
    assert json.loads((workdir / "out" / "template.json").read_text())["Resources"]["AApi"] == {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": {"Name": "a", "EndpointConfiguration": {"Types": ["EDGE"]}},
    }


def test_compile_writes_nothing_when_the_target_reports_an_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "api.gw").write_text(
        GATEWAY.replace('route GET "/ping" { backend = backend.app }', 'route GET "/ping" {}')
    )
    assert main(["compile", "api.gw", "--target", "cfn", "-o", "out"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "api.gw:5:3: error[TG003] GET /ping has no backend" in captured.err
    assert not (workdir / "out").exists()


def test_compile_rejects_an_output_format_the_target_lacks(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "api.gw").write_text(GATEWAY)
    assert main(["compile", "api.gw", "--target", "xray", "--output-format", "yaml"]) == 2
    err = capsys.readouterr().err
    assert "error[AP011] target `xray` writes json, not `yaml`" in err


def test_cfn_lint_rules_command_names_existing_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cfn-lint-rules"]) == 0
    out = capsys.readouterr().out
    paths = [Path(word) for word in out.split() if word.startswith("/")]
    assert paths and all(p.exists() for p in paths)
    assert "--append-rules" in out and "--custom-rules" in out


def test_backend_points_a_backend_elsewhere_for_any_target(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    case = "tests/targets/cases/kong-bookstore/api.gw"
    assert (
        main(["compile", case, "-t", "kong", "--no-lint", "--backend", "books=http://127.0.0.1:9001/v9"]) == 0
    )
    written = capsys.readouterr().out
    assert "127.0.0.1" in written and "books.internal.example.com" not in written
    assert (
        main(["compile", case, "-t", "kong", "--backend", "bookz=http://127.0.0.1:1", "--format", "json"])
        == 2
    )
    (finding,) = json.loads(capsys.readouterr().err)
    assert (finding["code"], finding["column"], finding["message"]) == (
        "AP011",
        len("apic compile tests/targets/cases/kong-bookstore/api.gw -t kong --backend ") + 1,
        "no backend is named `bookz` (backends: authors, books)",
    )
    assert main(["compile", case, "-t", "kong", "--backend", "books=ftp://x", "--format", "json"]) == 2
    (finding,) = json.loads(capsys.readouterr().err)
    assert finding["message"] == "backend `books`: `ftp://x` is not an absolute http(s) URL"


def test_standard_input_is_a_file_named_by_stdin_filename(workdir: Path) -> None:
    """An editor or a pipe sends its buffer: positions, imports and configuration are those
    of the path `--stdin-filename` names."""
    (workdir / "common").mkdir()
    (workdir / "common" / "b.gw").write_text(
        'api "a" {\n  backend "b" { url = "https://b.example.com" }\n}\n'
    )
    source = 'import "./common/b.gw"\napi "a" {\n  route GET "/x" { backend = backend.b, timeout 5s }\n}\n'

    def apic(*args: str, text: str = source) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "apic", *args, "--format", "json"],
            input=text,
            capture_output=True,
            text=True,
            cwd=workdir,
            check=False,
        )

    done = apic("check", "-", "--stdin-filename", "main.gw")
    assert done.returncode == 2
    assert [(d["file"], d["line"], d["column"], d["code"]) for d in json.loads(done.stdout)] == [
        ("main.gw", 3, 48, "PA001")  # after `timeout`
    ]
    fixed = apic(
        "lint", "-", "--stdin-filename", "main.gw", text=source.replace("timeout 5s", "timeout = 5s")
    )
    assert fixed.returncode == 0, fixed.stdout  # backend.b comes from the import, relative to main.gw
    mixed = apic("check", "-", "main.gw")
    assert (mixed.returncode, json.loads(mixed.stdout)[0]["message"]) == (
        2,
        "- (standard input) cannot be mixed with files",
    )


def test_quiet_prints_findings_only(workdir: Path) -> None:
    (workdir / "ok.gw").write_text('api "a" {\n  kind = http\n}\n', encoding="utf-8")
    (workdir / "bad.gw").write_text(BROKEN, encoding="utf-8")
    clean = subprocess.run(
        [sys.executable, "-m", "apic", "check", "-q", "ok.gw"], cwd=workdir, capture_output=True, text=True
    )
    assert (clean.returncode, clean.stdout) == (0, "")
    broken = subprocess.run(
        [sys.executable, "-m", "apic", "check", "-q", "bad.gw"], cwd=workdir, capture_output=True, text=True
    )
    assert broken.returncode == 2
    assert broken.stdout.startswith("bad.gw:2:10: error[PA001]") and "Found" not in broken.stdout


def test_progress_shows_on_a_terminal_only(workdir: Path) -> None:
    """Many files on a terminal: a `[n/N] file` line on stderr, cleared at the end; in a pipe
    (CI logs, editors) nothing."""
    import os
    import pty

    names = []
    for number in range(12):
        name = f"f{number:02d}.gw"
        (workdir / name).write_text(f'api "a{number}" {{\n  kind = http\n}}\n', encoding="utf-8")
        names.append(name)
    piped = subprocess.run(
        [sys.executable, "-m", "apic", "check", *names], cwd=workdir, capture_output=True, text=True
    )
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "apic", "check", *names],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        check=False,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"[12/12] f11.gw" in seen and seen.endswith(b"\r\x1b[K")
