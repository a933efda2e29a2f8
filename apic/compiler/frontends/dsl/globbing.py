"""`import "./routes/**/*.gw"`: glob patterns expanded inside the project root only, bounded.

`glob.glob` walks whatever the pattern names before anything can check it: `/**/*.gw` walked
the whole file system (over a minute) only to have every match refused afterwards, and a
symbolic link to a parent folder made it loop. Here the fixed part of the pattern is checked
against the root before any folder is listed, symbolic links to folders are never
descended, and the walk stops after `MAX_ENTRIES` entries with a diagnostic.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

MAX_ENTRIES = 50_000
GLOB_CHARACTERS = "*?["


@dataclass(frozen=True)
class Expansion:
    matches: list[Path]
    outside_root: bool = False
    truncated: bool = False


def is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in GLOB_CHARACTERS)


def expand(base: Path, pattern: str, root: Path) -> Expansion:
    """The files `pattern` (relative to `base`, or absolute) matches, sorted, as written
    (not resolved): the caller checks each against the root like any import."""
    parts = PurePosixPath(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if is_glob(part):
            break
        fixed.append(part)
    wanted = tuple(parts[len(fixed) :])
    top = base.joinpath(*fixed) if fixed else base  # an absolute first part replaces `base`
    if not top.resolve().is_relative_to(root):
        return Expansion([], outside_root=True)
    if not top.is_dir():
        return Expansion([])
    depth_limit = None if "**" in wanted else len(wanted) - 1
    matches: list[Path] = []
    seen = 0
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(folder)
        relative = here.relative_to(top).parts
        seen += len(dirnames) + len(filenames)
        if seen > MAX_ENTRIES:
            return Expansion(sorted(matches), truncated=True)
        if depth_limit is not None and len(relative) >= depth_limit:
            dirnames.clear()  # deeper folders cannot match a pattern without `**`
        dirnames.sort()
        for name in filenames:
            if _matches((*relative, name), wanted):
                matches.append(here / name)
    return Expansion(sorted(matches))


@lru_cache(maxsize=4096)
def _matches(parts: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    """glob semantics per path segment: `**` any number of folders, `*` never a leading dot."""
    if not wanted:
        return not parts
    if wanted[0] == "**":
        return _matches(parts, wanted[1:]) or (
            bool(parts) and not parts[0].startswith(".") and _matches(parts[1:], wanted)
        )
    if not parts:
        return False
    name, pattern = parts[0], wanted[0]
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern) and _matches(parts[1:], wanted[1:])
