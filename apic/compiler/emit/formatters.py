"""Output formats, one class each; the CLI picks one by name and never formats itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import ClassVar

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.emit.render import render


class Formatter:
    name: ClassVar[str]

    def format(self, diagnostics: Sequence[Diagnostic], *, files: int) -> str:
        raise NotImplementedError


class HumanFormatter(Formatter):
    name = "human"

    def format(self, diagnostics: Sequence[Diagnostic], *, files: int) -> str:
        blocks = [render(d) for d in diagnostics]
        blocks.append(summary(diagnostics, files))
        return "\n\n".join(blocks) + "\n"


class JsonFormatter(Formatter):
    """A JSON array of diagnostics: the contract in docs/diagnostics.md."""

    name = "json"

    def format(self, diagnostics: Sequence[Diagnostic], *, files: int) -> str:
        return json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    noun = "file" if files == 1 else "files"
    where = f" in {files} {noun}" if files else ""
    if not diagnostics:
        return f"No problems found in {files} {noun}."
    parts = []
    for severity, word in (
        (Severity.ERROR, "error"),
        (Severity.WARNING, "warning"),
        (Severity.INFO, "info"),
    ):
        n = counts[severity]
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 and word != 'info' else ''}")
    return f"Found {', '.join(parts)}{where}."


FORMATTERS: dict[str, type[Formatter]] = {f.name: f for f in (HumanFormatter, JsonFormatter)}
