"""The human code frame: `file:line:col: severity[CODE] message`, the source line, carets.

Used by the human formatter and by the golden `*.expected.txt` files, so what the tests pin
is exactly what users see.
"""

from __future__ import annotations

from apic.compiler.diagnostics import URL_CREDENTIALS, Diagnostic
from apic.compiler.source import Span


def location(span: Span) -> str:
    line, column = span.start_location
    return f"{span.path}:{line}:{column}"


def printable(character: str) -> str:
    """How one source character is shown: control characters (a terminal's escape sequences
    among them) as `\\xNN`/`\\uNNNN`, so a source file cannot drive the user's terminal."""
    if character == "\t":
        return " "
    code = ord(character)
    if (
        code < 0x20
        or 0x7F <= code < 0xA0
        or character in "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ):
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return character


def shown(text: str) -> str:
    """A message as printed: names quoted from the source may hold control characters."""
    return "".join(printable(c) if c != "\n" else c for c in text)


def frame(span: Span, *, secret: bool = False) -> list[str]:
    """The source line of the span's start with carets under the span (one at least); a
    `secret` span is shown as asterisks."""
    line, column = span.start_location
    text = span.source.line_text(line) if span.source.text else ""
    end_line, end_column = span.end_location
    last = (end_column - 1) if end_line == line else len(text)
    last = max(last, column)
    for match in URL_CREDENTIALS.finditer(text):  # `user:secret@` in a URL: masked in place
        start, end = match.end(1), match.end() - 1
        text = text[:start] + "*" * (end - start) + text[end:]
    shown = [printable(c) for c in text]
    if secret:
        shown[column - 1 : last] = ["*" * len(s) for s in shown[column - 1 : last]]
    before = sum(len(s) for s in shown[: column - 1])
    width = max(1, sum(len(s) for s in shown[column - 1 : last]))
    gutter = len(str(line))
    return [
        f"{' ' * gutter} |",
        f"{line} | {''.join(shown)}",
        f"{' ' * gutter} | {' ' * before}{'^' * width}",
    ]


def render(diagnostic: Diagnostic) -> str:
    d = diagnostic
    lines = [f"{location(d.span)}: {d.severity.value}[{d.code}] {shown(d.message)} ({d.name})"]
    lines.extend(frame(d.span, secret=d.secret))
    gutter = " " * len(str(d.span.start_location[0]))
    for related in d.related:
        lines.append(f"{gutter} = note: {shown(related.message)} at {location(related.span)}")
    if d.help:
        lines.append(f"{gutter} = help: {shown(d.help)}")
    return "\n".join(lines)
