"""Did-you-mean hints, shared by the binder, the config loader and the CLI."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    pool = sorted(set(candidates))
    exact_case = [c for c in pool if c.lower() == word.lower()]
    if exact_case:
        return exact_case[0]
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], *, fmt: str = "`{}`") -> str | None:
    match = closest(word, candidates)
    return f"did you mean {fmt.format(match)}?" if match else None


def one_of(candidates: Iterable[str], *, fmt: str = "`{}`") -> str:
    items = [fmt.format(c) for c in candidates]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
