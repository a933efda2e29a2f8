"""Source text and spans.

Every position apic reports is computed here, from character offsets, so that line and
column arithmetic exists exactly once. Spans store offsets only (as sqlfluff's position
markers do); lines and columns are derived on demand with a bisect over line starts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_NEWLINE = re.compile("\r\n|\r|\n")  # CR-only files (old Mac editors) have lines too


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One decoded input: a file on disk, an editor buffer or the command line itself.

    `path` is the name shown to users (relative where possible); identity is by object, so
    two loads of the same file are different sources.
    """

    path: str
    text: str
    line_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(self.text))  # C speed on multi-MB inputs
        object.__setattr__(self, "line_starts", tuple(starts))

    def location(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset, columns counted in code points."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def lsp_position(self, offset: int) -> tuple[int, int]:
        """0-based (line, character) with characters in UTF-16 code units, as LSP requires."""
        line, column = self.location(offset)
        start = self.line_starts[line - 1]
        prefix = self.text[start : start + column - 1]
        return line - 1, len(prefix.encode("utf-16-le")) // 2

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def span(self, start: int, end: int | None = None) -> Span:
        return Span(self, start, start if end is None else end)

    def whole(self) -> Span:
        """A span for findings about the file as a whole: its first character."""
        return Span(self, 0, 0)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of character offsets in one source."""

    source: SourceFile
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end <= len(self.source.text):
            raise ValueError(
                f"span {self.start}..{self.end} outside {self.source.path} (length {len(self.source.text)})"
            )

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    @property
    def start_location(self) -> tuple[int, int]:
        return self.source.location(self.start)

    @property
    def end_location(self) -> tuple[int, int]:
        return self.source.location(self.end)

    def cover(self, other: Span) -> Span:
        """The smallest span containing both (same source)."""
        return Span(self.source, min(self.start, other.start), max(self.end, other.end))

    def at_end(self) -> Span:
        """The empty span just after this one: where something is missing."""
        return Span(self.source, self.end, self.end)

    def __repr__(self) -> str:
        line, column = self.start_location
        return f"Span({self.source.path}:{line}:{column}, {self.start}..{self.end})"
