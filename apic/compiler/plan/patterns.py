"""How a gateway matches a route: its path as a pattern (segments, literal prefix, a regex
with valid capture names) and its precedence rank, decided once.

The model's route table (`model.routes.RouteTable`) says which route a request reaches: a
literal segment beats a `{param}`, a `{param}` beats a greedy `{proxy+}`, position by
position from the left, and at the same path an explicit method beats `ANY`. Ordered and
priority routers (Kong's `regex_priority`, nginx's first matching regex `location`) must be
told that order; `rank` is it, as a sort key: sorting a table's routes by rank and taking
the first whose regex and method match picks the route the table picks (a property test
holds the two together).

Capture names are what regex engines accept everywhere a target sends them: PCRE (nginx)
and Rust's regex (Kong's router) take `[A-Za-z_][A-Za-z0-9_]*` of at most 32 characters, so
`{book-id}` is captured as `book_id`, `{1st}` as `_1st`, and a name that would clash after
that gets a numbered suffix. `captures` maps each path variable to its capture name, for
targets that refer to the value again (nginx `$book_id`, Kong's `uri_captures`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from apic.compiler.model import HttpMethod, Route
from apic.compiler.model.routes import Segment, segments

CAPTURE_NAME_MAX = 32  # PCRE2's limit on a group name (MAX_NAME_SIZE)
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")
_REGEX_SPECIAL = frozenset("\\.^$|?*+()[]{}")


class SegmentRank(IntEnum):
    """Lower is preferred at the same position."""

    LITERAL = 0
    PARAM = 1
    GREEDY = 2


_SEGMENT_RANK = {"literal": SegmentRank.LITERAL, "param": SegmentRank.PARAM, "greedy": SegmentRank.GREEDY}


CATCH_ALL = "$default"  # an HTTP API's catch-all route: whatever no other route matches
CATCH_ALL_CAPTURE = "path"


@dataclass(frozen=True)
class PathPattern:
    """`catch_all`: the pattern of an HTTP API's `$default` route, which takes any path (its
    capture `path` is the request path after the first `/`); routers try it last."""

    path: str
    segments: tuple[Segment, ...]
    captures: tuple[tuple[str, str], ...]  # (path variable, capture name), in path order
    catch_all: bool = False

    @property
    def literal(self) -> bool:
        """True when the path has no variable: a prefix or exact match says it."""
        return all(s.kind == "literal" for s in self.segments)

    @property
    def greedy(self) -> bool:
        return any(s.kind == "greedy" for s in self.segments)

    @property
    def literal_prefix(self) -> str:
        """The path up to its first variable: `/book/{id}` -> `/book/`; the whole literal path."""
        parts = []
        for segment in self.segments:
            if segment.kind != "literal":
                return "/" + "".join(p + "/" for p in parts)
            parts.append(segment.text)
        return "/" + "/".join(parts)

    def capture(self, variable: str) -> str:
        return dict(self.captures)[variable]

    @property
    def regex(self) -> str:
        """An anchored regex over the request path: `{x}` takes one non-empty segment,
        `{x+}` one or more (the rest of the path, never just one segment). Literals are
        escaped for PCRE and Rust's regex alike; names use `(?P<…>)`, which both accept."""
        if self.catch_all:
            return f"^/(?P<{CATCH_ALL_CAPTURE}>.*)$"
        names = iter(name for _, name in self.captures)  # by position: a name may repeat
        text = ""
        for segment in self.segments:
            if segment.kind == "literal":
                text += "/" + escape_literal(segment.text)
            elif segment.kind == "param":
                text += f"/(?P<{next(names)}>[^/]+)"
            else:
                text += f"/(?P<{next(names)}>.+)"
        return "^" + (text or "/") + "$"


def escape_literal(text: str) -> str:
    """Backslash only the regex metacharacters, so the regex reads like the path and holds
    only escapes PCRE, Rust's regex and Python's `re` read alike (an escaped letter or
    digit means something else to each of them)."""
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in text)


def capture_name(variable: str, taken: set[str]) -> str:
    """A valid capture name for `variable`, unique against `taken` (which it joins)."""
    name = _NOT_NAME.sub("_", variable) or "_"
    if name[0].isdigit():
        name = "_" + name
    name = name[:CAPTURE_NAME_MAX]
    candidate, number = name, 2
    while candidate in taken:
        suffix = f"_{number}"
        candidate = name[: CAPTURE_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(candidate)
    return candidate


def path_pattern(path: str) -> PathPattern:
    if path == CATCH_ALL:
        return PathPattern(path, (), ((CATCH_ALL_CAPTURE, CATCH_ALL_CAPTURE),), catch_all=True)
    parsed = segments(path)
    taken: set[str] = set()
    captures = tuple((s.text, capture_name(s.text, taken)) for s in parsed if s.kind in ("param", "greedy"))
    return PathPattern(path, parsed, captures)


def rank(route: Route) -> tuple[tuple[int, ...], int]:
    """The sort key of `route` under the table's precedence: its segments' ranks from the
    left, then explicit methods before `ANY`. Routes of equal rank are declared at the same
    path; among them the model's order stands (sort stably)."""
    kinds = tuple(int(_SEGMENT_RANK[s.kind]) for s in segments(route.path))
    return kinds, int(HttpMethod.ANY in route.methods)


def by_precedence(routes: list[Route]) -> list[Route]:
    """`routes` in the order an ordered router must try them."""
    return sorted(routes, key=rank)


def priorities(routes: list[Route]) -> list[tuple[Route, int]]:
    """Each route with a priority (higher wins) for routers that take a number, such as
    Kong's `regex_priority`. Equal ranks share a number and the numbers are dense (0 for
    the routes tried last), so they stay small however many routes there are."""
    ranks = sorted({rank(r) for r in routes}, reverse=True)
    level = {r: i for i, r in enumerate(ranks)}
    return [(route, level[rank(route)]) for route in routes]


def overlap(a: PathPattern, b: PathPattern) -> bool:
    """Whether some request path matches both patterns: routers that cannot rank two such
    patterns (regex matches on Ingress controllers, HTTPRoute's RegularExpression) leave the
    winner to the implementation, which a target must then say."""
    if a.catch_all or b.catch_all:
        return True
    return _overlap(a.segments, b.segments)


def _overlap(a: tuple[Segment, ...], b: tuple[Segment, ...]) -> bool:
    if not a or not b:
        return not a and not b
    x, y = a[0], b[0]
    if x.kind == "greedy" or y.kind == "greedy":
        return True  # one or more segments: whatever the other's non-empty rest is
    if x.kind == "literal" and y.kind == "literal" and x.text != y.text:
        return False
    return _overlap(a[1:], b[1:])
