"""Which files to lint when a hook hands apic a list of changed files.

pre-commit passes the staged files one list at a time; a `.gw` file that another imports
(`common/errors.gw`, an OpenAPI document a sidecar imports) does not stand alone: linted on
its own it fails for the backends and stages its importer declares. So each given file is
replaced by the files at the top of its import chains (the roots: files no other file
imports), found by reading the `import` lines of the `.gw` files in the project (bounded;
version-control and environment folders skipped), and a root is linted once however many of
its files changed. Its findings name the imported file where they are, so an imported
file's findings arrive through its root. `[lint] roots` in the configuration narrows the
roots to those globs (relative to the configuration file) when a file has several.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from apic.compiler.frontends.dsl.globbing import expand, is_glob

IMPORT = re.compile(r'^[ \t]*import[ \t]+"((?:\\.|[^"\\\n])*)"', re.M)
SKIPPED = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox"})
MAX_FILES = 5000  # .gw files read for their imports
MAX_FOLDERS = 2000  # folders listed to find them: a file linted in ~ or /tmp has no project


@dataclass(frozen=True)
class Roots:
    """The roots to lint, each with the given files it stands for, and where the search for
    importers stopped short, if it did ("after 2,000 folders")."""

    roots: list[tuple[Path, list[Path]]]
    stopped: str | None = None


def gw_files(top: Path) -> tuple[list[str], str | None]:
    """The `.gw` files under `top` (absolute, not resolved), sorted, at most MAX_FILES from at
    most MAX_FOLDERS folders, and where the walk stopped short if it did; links and hidden or
    environment folders are not entered."""
    found: list[str] = []
    for listed, (folder, dirnames, filenames) in enumerate(os.walk(os.path.abspath(top), followlinks=False)):
        if listed >= MAX_FOLDERS:
            return found, f"after {MAX_FOLDERS:,} folders"
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED and not d.startswith("."))
        found.extend(os.path.join(folder, name) for name in sorted(filenames) if name.endswith(".gw"))
        if len(found) > MAX_FILES:
            return found[:MAX_FILES], f"after {MAX_FILES:,} .gw files"
    return found, None


def imports(file: str, top: Path) -> list[str]:
    """The files `file`'s import lines name (globs expanded inside `top`), absolute."""
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return []
    if "import" not in text:
        return []
    base = os.path.dirname(file)
    found = []
    for pattern in IMPORT.findall(text):
        if is_glob(pattern):
            found.extend(os.path.abspath(p) for p in expand(Path(base), pattern, top).matches)
        else:
            found.append(os.path.normpath(os.path.join(base, pattern)))
    return found


def lint_roots(files: Iterable[Path], top: Path, configured: Iterable[Path] = ()) -> Roots:
    """Each root to lint with the given files it stands for, in the order the files came.
    A given file no other file imports is its own root."""
    given = [os.path.abspath(f) for f in files]
    importers: dict[str, set[str]] = {}
    candidates, stopped = gw_files(top)
    for candidate in {*candidates, *(f for f in given if f.endswith(".gw"))}:
        for target in imports(candidate, top):
            importers.setdefault(target, set()).add(candidate)
    preferred = {os.path.abspath(p) for p in configured}
    roots: dict[str, list[Path]] = {}
    for file in given:
        tops = tops_of(file, importers)
        if preferred & tops:
            tops = preferred & tops
        for root in sorted(tops):
            roots.setdefault(root, []).append(Path(file))
    return Roots([(Path(root), covered) for root, covered in roots.items()], stopped)


def tops_of(file: str, importers: dict[str, set[str]]) -> set[str]:
    """The files at the top of every import chain that reaches `file` (itself when none)."""
    seen = {file}
    stack = [file]
    tops: set[str] = set()
    while stack:
        current = stack.pop()
        above = importers.get(current, set()) - {current}
        if not above:
            tops.add(current)
        for importer in above:
            if importer not in seen:
                seen.add(importer)
                stack.append(importer)
    return tops or {file}  # an import cycle: lint the file itself
