"""What apic prints cannot leak a secret or drive a terminal (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic.cli import main

KEY = "987654321012345"
SECRET_SOURCE = f"""api "shop" {{
  backend "b" {{ url = "https://b.example.com" }}
  defaults {{ backend = backend.b, auth = api_key }}
  route GET "/x" {{}}
  stage "prod" {{}}
  usage_plan "p" {{ stages = [stage.prod] }}
  consumer "acme" {{
    plan    = usage_plan.p
    api_key = {KEY}
  }}
}}
"""


@pytest.mark.parametrize("output_format", ["human", "json", "sarif", "github"])
def test_a_key_in_the_wrong_form_is_never_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    (tmp_path / "api.gw").write_text(SECRET_SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "api.gw", "--format", output_format]) == 2
    out = capsys.readouterr().out
    assert "SC003" in out and "not as a number" in out
    assert KEY not in out


def test_the_code_frame_masks_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "api.gw").write_text(SECRET_SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "api.gw", "--format", "human"])
    assert "9 |     api_key = ***************\n  |               ^^^^^^^^^^^^^^^" in capsys.readouterr().out


def test_control_characters_are_escaped_in_code_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An escape sequence in a comment (clear screen, then a title) is shown, not obeyed; the
    caret still points under the offending token."""
    (tmp_path / "api.gw").write_text(
        'api "x" { # \x1b[2J\x1b]0;pwned\x07\n  bogus = 1\n}\n', encoding="utf-8"
    )
    (tmp_path / "bad.gw").write_text('api "\x1b[31mx" { bogus = 1 }\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "api.gw", "bad.gw", "--format", "human"])
    out = capsys.readouterr().out
    assert "\x1b" not in out
    shown = 'api "\\x1b[31mx" { '
    assert f"1 | {shown}bogus = 1 }}\n  | {' ' * len(shown)}^^^^^" in out


def test_credentials_in_urls_never_reach_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api.gw").write_text(
        'api "s" {\n  backend "b" { url = "http://deploy:hunter2@b.example.com" }\n'
        '  defaults { backend = backend.b, auth = iam }\n  route GET "/x" {}\n}\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    for output_format in ("json", "human", "github", "sarif"):
        main(["lint", "api.gw", "--format", output_format])
        out = capsys.readouterr().out
        assert "BE001" in out and "http://***@b.example.com" in out
        assert "hunter2" not in out, output_format
