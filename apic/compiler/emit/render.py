"""The human code frame: `file:line:col: severity[CODE] message`, the source line, carets.

Used by the human formatter and by the golden `*.expected.txt` files, so what the tests pin
is exactly what users see.
"""

from __future__ import annotations

from apic.compiler.diagnostics import Diagnostic
from apic.compiler.source import Span


def location(span: Span) -> str:
    line, column = span.start_location
    return f"{span.path}:{line}:{column}"


def frame(span: Span) -> list[str]:
    """The source line of the span's start with carets under the span (one at least)."""
    line, column = span.start_location
    text = span.source.line_text(line) if span.source.text else ""
    end_line, end_column = span.end_location
    width = (end_column - column) if end_line == line else (len(text) - column + 1)
    width = max(1, width)
    gutter = len(str(line))
    shown = text.expandtabs(1)
    return [
        f"{' ' * gutter} |",
        f"{line} | {shown}",
        f"{' ' * gutter} | {' ' * (column - 1)}{'^' * width}",
    ]


def render(diagnostic: Diagnostic) -> str:
    d = diagnostic
    lines = [f"{location(d.span)}: {d.severity.value}[{d.code}] {d.message} ({d.name})"]
    lines.extend(frame(d.span))
    gutter = " " * len(str(d.span.start_location[0]))
    for related in d.related:
        lines.append(f"{gutter} = note: {related.message} at {location(related.span)}")
    if d.help:
        lines.append(f"{gutter} = help: {d.help}")
    return "\n".join(lines)
