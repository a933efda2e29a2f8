"""Sampling-rule helpers shared by the TR rules: which stages trace, and glob containment."""

from __future__ import annotations

import re
from functools import lru_cache

from apic.compiler.model import Api, ApiKind, Stage


def traced_stages(api: Api) -> list[Stage]:
    """Stages X-Ray traces: `tracing = true` on a REST API (the only kind X-Ray traces;
    elsewhere the setting is feature-unsupported-for-kind's finding)."""
    if api.kind is not ApiKind.REST:
        return []
    return [s for s in api.stages if s.tracing]


@lru_cache(maxsize=4096)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """X-Ray globs: `*` any run of characters, `?` one character, everything else literal."""
    parts = ["." if c == "?" else ".*" if c == "*" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL | re.IGNORECASE)


def samples(pattern: str) -> list[str]:
    """Strings the glob matches, chosen to expose a narrower pattern: `*` as '', 'x', 'x/y'."""
    return [pattern.replace("*", fill).replace("?", "y") for fill in ("", "x", "x/y", "zz-9")]


def covers(wide: str, narrow: str) -> bool:
    """Whether glob `wide` matches everything glob `narrow` matches (tested on samples)."""
    if wide == "*" or wide == narrow:
        return True
    regex = glob_regex(wide)
    return all(regex.fullmatch(sample) for sample in samples(narrow))
