"""The lint command line: configuration discovery, selection flags, fail levels, rule listings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apic.cli import main

API = """\
api "shop" {
  defaults { auth = iam }
  backend "app" { url = "http://app.example.com" }
  route GET "/orders/{id}" { backend = backend.app }
  route GET "/orders/latest" { backend = backend.app }
}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str, int, int]]]:
    code = main([*args, "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    return code, [(d["code"], d["severity"], d["line"], d["column"]) for d in found]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (configuration is read up to its root) with the api in a subfolder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "shop.gw").write_text(API, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_without_configuration(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", "api/shop.gw"], capsys) == (
        0,
        [("BE001", "warning", 3, 19), ("RT003", "info", 5, 9)],
    )


def test_fail_on_from_the_command_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", "api/shop.gw", "--fail-on", "warning"], capsys)[0] == 1
    assert run(["lint", "api/shop.gw", "--fail-on", "info", "--ignore", "BE001"], capsys)[0] == 1
    assert run(["lint", "api/shop.gw", "--fail-on", "info", "--ignore", "BE,RT003"], capsys) == (0, [])


def test_select_replaces_and_ignore_adds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", "api/shop.gw", "--select", "route-literal-param-overlap"], capsys)[1] == [
        ("RT003", "info", 5, 9)
    ]
    assert run(["lint", "api/shop.gw", "--select", "ALL", "--ignore", "RT"], capsys)[1] == [
        ("BE001", "warning", 3, 19)
    ]


def test_unknown_selector_points_into_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", "api/shop.gw", "--select", "RT,route-dupe"])
    out = capsys.readouterr().out
    assert code == 2
    assert out.splitlines()[:4] == [
        "<command line>:1:35: error[AP013] `route-dupe` is not a rule code, rule name, family or ALL "
        "(unknown-rule)",
        "  |",
        "1 | apic lint api/shop.gw --select RT,route-dupe",
        "  |                                   ^^^^^^^^^^",
    ]


def test_pyproject_tool_apic_is_found_above_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.apic.lint]\nfail-on = "warning"\n\n'
        '[tool.apic.lint.rules]\nbackend-plain-http = "error"\nroute-literal-param-overlap = "off"\n',
        encoding="utf-8",
    )
    assert run(["lint", "api/shop.gw"], capsys) == (1, [("BE001", "error", 3, 19)])


def test_apic_toml_wins_over_pyproject_and_errors_point_into_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text('[tool.apic.lint]\nfail-on = "info"\n', encoding="utf-8")
    (project / "api" / "apic.toml").write_text('[lint]\nignore = ["BE001"]\n\n[lnt]\n', encoding="utf-8")
    code = main(["lint", "api/shop.gw", "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    assert code == 2
    assert [(d["code"], d["file"], d["line"], d["column"], d["message"]) for d in found] == [
        ("AP020", "api/apic.toml", 4, 2, "unknown key `lnt`")
    ]


def test_explicit_config_and_missing_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "strict.toml").write_text('[lint]\nfail-on = "info"\n', encoding="utf-8")
    assert run(["lint", "api/shop.gw", "--config", "strict.toml"], capsys)[0] == 1
    assert run(["lint", "api/shop.gw", "--config", "nope.toml"], capsys) == (2, [("AP010", "error", 1, 32)])


def test_rules_listing_and_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {
        "code": "RT001",
        "name": "route-duplicate",
        "severity": "error",
        "severity_note": None,
        "kinds": "all",
        "summary": "two routes answer the same method and path",
    } in listed
    assert main(["rules"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["CODE", "NAME", "SEVERITY", "KINDS", "SUMMARY"]
    assert table[1].startswith("AU001  route-no-auth")
    assert main(["rule", "RT003"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# RT003 `route-literal-param-overlap`\n")
    assert main(["rule", "route-literal-param-overlap"]) == 0
    assert capsys.readouterr().out == page


def test_compile_stops_on_lint_errors_unless_suppressed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = """\
api "a" {
  region = "eu-west-1"
  backend "app" { url = "https://app.example.com" }
  route DELETE "/items/{id}" { backend = backend.app }
  stage "prod" {}
}
"""
    (project / "a.gw").write_text(gateway, encoding="utf-8")
    assert main(["compile", "a.gw", "--target", "cfn", "-o", "out"]) == 1
    captured = capsys.readouterr()
    assert "a.gw:4:9: error[AU001] DELETE /items/{id} is public" in captured.err
    assert captured.out == "" and not (project / "out").exists()
    assert main(["compile", "a.gw", "--target", "cfn", "-o", "out", "--no-lint"]) == 0
    suppressed = gateway.replace(
        "  route DELETE", "  # apic: disable=route-no-auth -- a demo\n  route DELETE"
    )
    (project / "a.gw").write_text(suppressed, encoding="utf-8")
    assert main(["compile", "a.gw", "--target", "cfn"]) == 0
    assert capsys.readouterr().out.startswith("AWSTemplateFormatVersion")


IGNORE_ALL = '[lint]\nignore = ["ALL"]\n'


def test_a_config_above_the_repository_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A planted ../apic.toml that switches every rule off must not turn an error into exit 0."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "shop.gw").write_text(API, encoding="utf-8")
    (tmp_path / "apic.toml").write_text(IGNORE_ALL, encoding="utf-8")
    monkeypatch.chdir(repo)
    assert run(["lint", "shop.gw", "--fail-on", "warning"], capsys) == (
        1,
        [("BE001", "warning", 3, 19), ("RT003", "info", 5, 9)],
    )


def test_outside_a_repository_only_the_files_folder_or_the_project_root_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "shop.gw").write_text(API, encoding="utf-8")
    (tmp_path / "apic.toml").write_text(IGNORE_ALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(["lint", "api/shop.gw"], capsys)[1] == [("BE001", "warning", 3, 19), ("RT003", "info", 5, 9)]
    # naming the project root widens the search up to it, and no further
    assert run(["lint", "api/shop.gw", "--project-root", "."], capsys) == (0, [])


def test_verbose_says_which_configuration_applies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "apic.toml").write_text('[lint]\nignore = ["RT003"]\n', encoding="utf-8")
    assert main(["lint", "api/shop.gw", "--verbose"]) == 0
    assert "apic: configuration for api/shop.gw: apic.toml" in capsys.readouterr().err
    assert main(["compile", "api/shop.gw", "-t", "xray", "-v"]) == 0
    assert "apic: configuration for api/shop.gw: apic.toml" in capsys.readouterr().err


ROUTES = """\
api "shop" {
  route GET "/orders" { backend = backend.app }
}
"""
MAIN = """\
import "./routes/*.gw"
api "shop" {
  defaults { auth = iam }
  backend "app" { url = "http://app.example.com" }
}
"""


def lint_files(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[str, str, int]]]:
    code = main(["lint", *args, "--format", "json"])
    found = json.loads(capsys.readouterr().out)
    return code, sorted((d["file"], d["code"], d["line"]) for d in found)


def test_an_imported_file_is_linted_through_the_file_that_imports_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a pre-commit hook hands over: a changed file that another imports is linted as
    part of that file (alone it would not know the backend), each root once."""
    (project / "api" / "routes").mkdir()
    (project / "api" / "routes" / "orders.gw").write_text(ROUTES, encoding="utf-8")
    (project / "api" / "main.gw").write_text(MAIN, encoding="utf-8")
    # main.gw once (for both files): its plain-http backend, nothing unknown in orders.gw
    assert lint_files(["api/routes/orders.gw", "api/main.gw"], capsys) == (0, [("api/main.gw", "BE001", 4)])
    assert lint_files(["api/routes/orders.gw"], capsys) == (0, [("api/main.gw", "BE001", 4)])
    # exactly as given, the routes file does not know backend `app`
    assert lint_files(["api/routes/orders.gw", "--as-given"], capsys) == (
        2,
        [("api/routes/orders.gw", "SC005", 2)],
    )


def test_configured_roots_choose_between_importers(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "api" / "routes").mkdir()
    (project / "api" / "routes" / "orders.gw").write_text(ROUTES, encoding="utf-8")
    (project / "api" / "main.gw").write_text(MAIN, encoding="utf-8")
    (project / "api" / "staging.gw").write_text(MAIN.replace("http://", "https://"), encoding="utf-8")
    # two files import the routes: both are linted, unless the configuration names the roots
    assert lint_files(["api/routes/orders.gw"], capsys) == (0, [("api/main.gw", "BE001", 4)])
    (project / "apic.toml").write_text('[lint]\nroots = ["api/staging.gw"]\n', encoding="utf-8")
    assert lint_files(["api/routes/orders.gw"], capsys) == (0, [])


def test_the_search_for_importers_is_bounded_and_says_so(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file linted where there is no project (a home folder, /tmp) must not make apic list
    every folder below it; when the search stops, the user is told how to name the roots."""
    import apic.compiler.roots as roots

    (project / "api" / "routes").mkdir()
    (project / "api" / "routes" / "orders.gw").write_text(ROUTES, encoding="utf-8")
    (project / "api" / "main.gw").write_text(MAIN, encoding="utf-8")
    for n in range(3):
        (project / f"a{n}").mkdir()  # listed before api/
    monkeypatch.setattr(roots, "MAX_FOLDERS", 2)
    code = main(["lint", "api/routes/orders.gw", "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == (
        f"apic: note: stopped looking for files that import these after 2 folders under {project}; "
        "name the roots with [lint] roots, or pass --project-root or --as-given\n"
    )
    # main.gw lay beyond the bound: the routes file was linted as given, and said so
    assert code == 2
    assert sorted((d["file"], d["code"]) for d in json.loads(captured.out)) == [
        ("api/routes/orders.gw", "SC005")
    ]
