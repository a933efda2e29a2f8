"""`apic import --from aws-export`: an API Gateway export as canonical `.gw`.

Each export among the golden inputs (tests/targets/cases/openapi-*) imports to the text in
tests/imports/<case>.gw (`--update-goldens` rewrites it), the imported file compiles to the
same CloudFormation as the export itself, and it routes every request of the shared request
table the same way. What `.gw` cannot say is a comment and an IM001, never a silent loss.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, check_golden

from apic.api import load
from apic.cli import main
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.plan.samples import samples
from apic.importer import import_file, without_unsayable
from apic.targets.base import discover_targets

CASES = sorted((ROOT / "tests" / "targets" / "cases").glob("openapi-*/openapi.yaml"))
GOLDEN = ROOT / "tests" / "imports"


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.parent.name)
def test_an_export_imports_to_its_golden_gw(source: Path, update_goldens: bool) -> None:
    imported = import_file(source, "aws-export", LoadOptions(project_root=source.parent))
    assert imported.text is not None, [d.message for d in imported.diagnostics]
    check_golden(GOLDEN / f"{source.parent.name}.gw", imported.text, update_goldens)


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.parent.name)
def test_the_imported_gw_compiles_and_routes_as_the_export(source: Path, tmp_path: Path) -> None:
    imported = import_file(source, "aws-export", LoadOptions(project_root=source.parent))
    assert imported.text is not None
    gw = tmp_path / "api.gw"
    gw.write_text(imported.text, encoding="utf-8")
    again = load(gw)
    original = load(source, LoadOptions(project_root=source.parent))
    assert again.model is not None and original.model is not None
    # what the import left out (each an IM001) is the only difference
    expected, _ = without_unsayable(original.model)
    assert again.model == expected
    assert samples(again.model) == samples(expected)
    cfn = discover_targets()["cfn"]()
    theirs = cfn.compile(expected)
    ours = cfn.compile(again.model)
    assert [a.text for a in ours.artifacts] == [a.text for a in theirs.artifacts]
    assert [(d.code, d.message) for d in ours.diagnostics] == [
        (d.code, d.message) for d in theirs.diagnostics
    ]


def test_the_default_route_is_a_comment_and_a_diagnostic() -> None:
    source = ROOT / "tests" / "targets" / "cases" / "openapi-http-export" / "openapi.yaml"
    imported = import_file(source, "aws-export", LoadOptions(project_root=source.parent))
    carried = [(d.code, *d.span.start_location) for d in imported.diagnostics if d.code == "IM001"]
    assert carried == [("IM001", 28, 5)]
    assert imported.text is not None
    assert (
        "#   openapi.yaml:28:5 IM001 api `orders-http`: the `$default` route (an HTTP API's catch-all, "
        "to backend `legacy.example.com`) has no `.gw` form; it is left out of the imported file\n"
    ) in imported.text


def test_a_line_break_in_a_name_stays_inside_the_comment(tmp_path: Path) -> None:
    """A title is the api's name, and names reach the header's comments: a line break there
    would end the comment and make the rest of the name `.gw` text."""
    export = tmp_path / "export.json"
    title = 'shop\\nroute GET \\"/admin\\" { backend = backend.x }'
    export.write_text(
        '{"openapi": "3.0.1", "info": {"title": "'
        + title
        + '", "version": "1"}, "x-amazon-apigateway-importexport-version": "1.0",'
        ' "paths": {"$default": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration":'
        ' {"type": "http_proxy", "httpMethod": "ANY", "uri": "https://legacy.example.com",'
        ' "payloadFormatVersion": "1.0"}}}}}',
        encoding="utf-8",
    )
    imported = import_file(export, "aws-export", LoadOptions(project_root=tmp_path))
    assert imported.text is not None, [d.message for d in imported.diagnostics]
    lines = imported.text.splitlines()
    header = lines[: next(n for n, line in enumerate(lines) if not line.startswith("#"))]
    assert lines[len(header)].startswith('api "shop')
    assert any("api `shop\\u000aroute GET" in line for line in header)
    back = load(tmp_path / "api.gw", text=imported.text)
    assert back.model is not None and [r.path for r in back.model.apis[0].routes] == []


def test_the_command_writes_the_file_atomically_and_never_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = ROOT / "tests" / "targets" / "cases" / "openapi-aws-integrations" / "openapi.yaml"
    out = tmp_path / "api.gw"
    assert main(["import", str(source), "--from", "aws-export", "-o", str(out), "--quiet"]) == 0
    assert out.read_text(encoding="utf-8") == (GOLDEN / "openapi-aws-integrations.gw").read_text(
        encoding="utf-8"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api.gw"]  # no temporary file left
    # a link at the destination is replaced, not written through
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "linked.gw").symlink_to(victim)
    assert (
        main(["import", str(source), "--from", "aws-export", "-o", str(tmp_path / "linked.gw"), "--quiet"])
        == 0
    )
    assert victim.read_text(encoding="utf-8") == "keep"
    assert not (tmp_path / "linked.gw").is_symlink()
    capsys.readouterr()
    # -o must name a .gw file
    assert main(["import", str(source), "--from", "aws-export", "-o", str(tmp_path / "api.yaml")]) == 2
    assert "does not end in .gw" in capsys.readouterr().err


def test_a_broken_export_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.yaml"
    export.write_text(
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      x-amazon-apigateway-integration: {type: http_proxy, uri: 7}\n",
        encoding="utf-8",
    )
    out = tmp_path / "api.gw"
    code = main(["import", str(export), "--from", "aws-export", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "export.yaml:6:" in err and "error[SC024]" in err
    assert not out.exists()
    assert os.listdir(tmp_path) == ["export.yaml"]


def test_a_gw_file_is_not_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gw = ROOT / "examples" / "bookstore.gw"
    assert main(["import", str(gw), "--from", "aws-export"]) == 2
    assert "error[SC017] `bookstore.gw` is not an API Gateway export" in capsys.readouterr().err


def test_every_imported_golden_is_already_in_canonical_layout() -> None:
    """What `apic import` writes, `apic fmt` leaves as it is."""
    from apic.compiler.frontends.dsl.format import format_text

    goldens = sorted(GOLDEN.rglob("*.gw"))
    assert len(goldens) >= 6
    for golden in goldens:
        text = golden.read_text(encoding="utf-8")
        assert format_text(text, str(golden)) == text, golden.name
