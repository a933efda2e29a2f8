"""Glob imports stay inside the project root and end (issue 11): the root is checked before
any folder is listed, linked folders are not descended, and the walk is bounded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apic.api import load
from apic.compiler.frontends.dsl import globbing

PART = 'api "shop" {{\n  route GET "/{name}" {{ auth = iam, backend = backend.b }}\n}}\n'
MAIN = 'import "{pattern}"\napi "shop" {{\n  backend "b" {{ url = "https://b.example.com" }}\n}}\n'


def project(tmp_path: Path, pattern: str) -> Path:
    root = tmp_path / "project"
    (root / "routes" / "deep").mkdir(parents=True, exist_ok=True)
    (root / "routes" / "a.gw").write_text(PART.format(name="a"), encoding="utf-8")
    (root / "routes" / "deep" / "b.gw").write_text(PART.format(name="b"), encoding="utf-8")
    main = root / "main.gw"
    main.write_text(MAIN.format(pattern=pattern), encoding="utf-8")
    return main


def found(main: Path) -> list[tuple[str, int, int]]:
    return [(d.code, *d.span.start_location) for d in load(main).diagnostics]


def test_a_pattern_that_leaves_the_root_is_refused_before_any_folder_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed: list[str] = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda top=".": listed.append(str(top)) or real_scandir(top))
    for pattern in ("/**/*.gw", "../**/*.gw", "routes/../../*.gw"):
        main = project(tmp_path, pattern)
        assert found(main) == [("SC015", 1, 8)], pattern
    assert listed == []


def test_linked_folders_are_not_descended(tmp_path: Path) -> None:
    main = project(tmp_path, "./**/*.gw")
    (main.parent / "routes" / "loop").symlink_to(main.parent)  # a cycle
    (main.parent / "routes" / "out").symlink_to(tmp_path)  # out of the root
    loaded = load(main)
    assert loaded.diagnostics == []
    assert loaded.model is not None
    assert [r.path for r in loaded.model.apis[0].routes] == ["/a", "/b"]


def test_the_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(globbing, "MAX_ENTRIES", 2)
    main = project(tmp_path, "./**/*.gw")
    (main.parent / "routes" / "c.gw").write_text(PART.format(name="c"), encoding="utf-8")
    assert found(main) == [("SC009", 1, 8)]


def test_patterns_match_like_glob(tmp_path: Path) -> None:
    main = project(tmp_path, "./routes/*.gw")
    (main.parent / "routes" / ".hidden.gw").write_text(PART.format(name="h"), encoding="utf-8")
    loaded = load(main)
    assert loaded.model is not None
    assert [r.path for r in loaded.model.apis[0].routes] == ["/a"]  # not deep/, not the dot file
