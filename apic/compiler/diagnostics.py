"""The one type for everything a user is told: syntax, schema, lint, target and internal findings.

A Diagnostic cannot exist without a span, so every problem can be shown as `file:line:col`
with a code frame, in a terminal, an editor or a CI annotation alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Literal

from typing_extensions import TypedDict  # pydantic reads it on Python 3.11 (typing.TypedDict: 3.12+)

from apic.compiler.source import Span


class Severity(Enum):
    """Ordered by weight: ERROR > WARNING > INFO."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@`]+@")


def redact_credentials(text: str) -> str:
    """`https://user:secret@host/x` -> `https://***@host/x`."""
    return URL_CREDENTIALS.sub(r"\1***@", text)


@dataclass(frozen=True, slots=True)
class Related:
    """A second location that explains the first ("first defined here")."""

    span: Span
    message: str


class JsonPlace(TypedDict):
    """Where, in the JSON output: 1-based lines and columns (code points), ends exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


class JsonRelated(JsonPlace):
    """Another place a diagnostic points at (`related` of the JSON output)."""

    message: str


class JsonDiagnostic(JsonPlace):
    """One diagnostic of `--format json`: the machine contract (docs/diagnostics.md, and
    apic/schemas/apic-diagnostics.schema.json generated from this)."""

    code: str
    name: str
    severity: Literal["error", "warning", "info"]
    message: str
    help: str | None
    target: str | None
    related: list[JsonRelated]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    help: str | None = None
    target: str | None = None
    # The span holds a secret (an API key written in the wrong form): code frames mask it,
    # and the message must not quote it.
    secret: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.span, Span):
            raise TypeError(f"diagnostic {self.code} needs a Span, got {self.span!r}")
        # credentials in a URL (`https://user:secret@host`) never reach a message, whichever
        # rule or frontend quotes the URL
        if "@" in self.message:
            object.__setattr__(self, "message", redact_credentials(self.message))
        if self.help and "@" in self.help:
            object.__setattr__(self, "help", redact_credentials(self.help))

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.path, self.span.start, self.span.end, self.code, self.message)

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    def to_json(self) -> JsonDiagnostic:
        """The stable machine contract (see docs/diagnostics.md): keys are never renamed."""
        line, column = self.span.start_location
        end_line, end_column = self.span.end_location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.path,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "help": self.help,
            "target": self.target,
            "related": [
                {
                    "message": r.message,
                    "file": r.span.path,
                    "line": r.span.start_location[0],
                    "column": r.span.start_location[1],
                    "end_line": r.span.end_location[0],
                    "end_column": r.span.end_location[1],
                }
                for r in self.related
            ],
        }


def sort_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    result = []
    for d in sorted(diagnostics, key=lambda d: d.sort_key):
        key = (*d.sort_key, id(d.span.source))
        if key not in seen:
            seen.add(key)
            result.append(d)
    return result
