"""`apic compile -o DIR` writes all or nothing, never through a link, never over an input, and
refuses a bad `-o` with a usage diagnostic (issue 11)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path, PurePosixPath

import pytest
from conftest import ROOT

from apic.cli import main
from apic.write import WriteRefused, plan_writes

BOOKSTORE = ROOT / "examples" / "bookstore.gw"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(BOOKSTORE, tmp_path / "bookstore.gw")
    shutil.copytree(ROOT / "examples" / "common", tmp_path / "common")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def compile_into(
    out: str, capsys: pytest.CaptureFixture[str], source: str = "bookstore.gw"
) -> tuple[int, list]:
    code = main(["compile", source, "-t", "cfn", "-o", out, "--format", "json", "--no-lint"])
    return code, [(d["code"], d["message"]) for d in json.loads(capsys.readouterr().err or "[]")]


def test_a_failed_write_leaves_the_previous_output_whole(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert compile_into("out", capsys)[0] == 0
    before = (project / "out" / "template.yaml").read_text(encoding="utf-8")
    (project / "bookstore.gw").write_text(
        (project / "bookstore.gw").read_text(encoding="utf-8").replace("Public bookstore API", "Changed"),
        encoding="utf-8",
    )

    def no_space(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, found = compile_into("out", capsys)
    assert code == 2
    assert ("AP014", "cannot write into `out`: No space left on device") in found
    assert (project / "out" / "template.yaml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (project / "out").iterdir()) == ["template.yaml"]  # no temporary left


def test_a_symlink_at_the_destination_is_replaced_not_followed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = project / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (project / "out").mkdir()
    (project / "out" / "template.yaml").symlink_to(victim)
    assert compile_into("out", capsys)[0] == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    written = project / "out" / "template.yaml"
    assert not written.is_symlink() and written.read_text(encoding="utf-8").startswith(
        "AWSTemplateFormatVersion"
    )


def test_a_linked_folder_below_the_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sub").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(WriteRefused, match="is a symbolic link"):
        plan_writes(tmp_path / "out", [(PurePosixPath("sub/template.yaml"), "x")], [])
    with pytest.raises(WriteRefused, match="outside"):
        plan_writes(tmp_path / "out", [(PurePosixPath("../template.yaml"), "x")], [])


def test_an_input_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OpenAPI input named like the artifact, compiled into its own folder."""
    shutil.copy(
        ROOT / "tests" / "targets" / "cases" / "openapi-aws-integrations" / "openapi.yaml",
        tmp_path / "template.yaml",
    )
    original = (tmp_path / "template.yaml").read_bytes()
    monkeypatch.chdir(tmp_path)
    code, found = compile_into(".", capsys, "template.yaml")
    assert (code, found) == (
        2,
        [("AP011", "`template.yaml` is an input of this compile; apic never overwrites one")],
    )
    assert (tmp_path / "template.yaml").read_bytes() == original


def test_output_naming_a_file_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "out.yaml").write_text("keep\n", encoding="utf-8")
    code = main(["compile", "bookstore.gw", "-t", "cfn", "-o", "out.yaml", "--format", "json"])
    (finding,) = json.loads(capsys.readouterr().err)
    assert code == 2
    assert (finding["code"], finding["line"], finding["column"]) == ("AP011", 1, 37)
    assert finding["message"] == "`-o out.yaml` is a file; -o names the folder the artifacts are written into"
    assert (project / "out.yaml").read_text(encoding="utf-8") == "keep\n"
