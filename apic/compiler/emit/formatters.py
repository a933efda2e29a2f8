"""Output formats, one class each; the CLI picks one by name and never formats itself.

- human: the code frame of render.py, then a summary line;
- json: the stable contract of docs/diagnostics.md;
- sarif: SARIF 2.1.0 for code-scanning UIs, with every reported rule and its help page;
- github: GitHub Actions workflow commands, so findings annotate the pull request;
- auto: github under GitHub Actions (GITHUB_ACTIONS=true), human elsewhere (yamllint's rule).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import ClassVar
from urllib.parse import quote

from apic import __version__
from apic.compiler.codes import ALL_CODES
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.emit.render import printable, render
from apic.compiler.lint.docs import help_uri, rule_doc, rule_page
from apic.compiler.lint.rule import Rule
from apic.compiler.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class Formatter:
    name: ClassVar[str]

    def __init__(self, rules: Mapping[str, type[Rule]] | None = None) -> None:
        self.rules = dict(rules or {})

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


class SarifFormatter(Formatter):
    """SARIF 2.1.0, written as plain dicts; `tool.driver.rules` lists the codes that matched."""

    name = "sarif"

    def format(self, diagnostics: Sequence[Diagnostic], *, files: int) -> str:
        codes = sorted({d.code for d in diagnostics})
        index = {code: i for i, code in enumerate(codes)}
        first = {d.code: d for d in reversed(diagnostics)}
        run = {
            "tool": {
                "driver": {
                    "name": "apic",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [self._rule(code, first[code]) for code in codes],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [self._result(d, index[d.code]) for d in diagnostics],
        }
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

    def _rule(self, code: str, example: Diagnostic) -> dict[str, object]:
        rule = self.rules.get(code)
        if rule is not None:
            doc = rule_doc(rule)
            page = rule_page(rule)
            entry: dict[str, object] = {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": doc.sections.get("What it does", rule.summary)},
                "help": {"text": page, "markdown": page},
                "defaultConfiguration": {"level": SARIF_LEVEL[rule.default_severity]},
                "properties": {"tags": [rule.family()]},
            }
            uri = help_uri(rule)
            if uri:
                entry["helpUri"] = uri
            return entry
        known = next((c for c in ALL_CODES if c.code == code), None)
        text = known.summary if known else example.name
        return {
            "id": code,
            "name": example.name,
            "shortDescription": {"text": text},
            "help": {"text": f"{code} {example.name}: {text}"},
            "defaultConfiguration": {"level": SARIF_LEVEL[known.severity if known else example.severity]},
        }

    def _result(self, d: Diagnostic, rule_index: int) -> dict[str, object]:
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        result: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": rule_index,
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": message},
            "locations": [{"physicalLocation": _physical(d.span)}],
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": i + 1, "physicalLocation": _physical(r.span), "message": {"text": r.message}}
                for i, r in enumerate(d.related)
            ]
        return result


def _physical(span: Span) -> dict[str, object]:
    line, column = span.start_location
    end_line, end_column = span.end_location
    return {
        "artifactLocation": {"uri": quote(span.path.replace(os.sep, "/"), safe="/:._-~")},
        "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
    }


class GithubFormatter(Formatter):
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, one per line."""

    name = "github"

    def format(self, diagnostics: Sequence[Diagnostic], *, files: int) -> str:
        lines = []
        for d in diagnostics:
            line, column = d.span.start_location
            end_line, end_column = d.span.end_location
            properties = {
                "file": d.span.path,
                "line": line,
                "col": column,
                "endLine": end_line,
                "endColumn": end_column,
                "title": f"{d.code} {d.name}",
            }
            props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in properties.items())
            message = d.message + (f"\nhelp: {d.help}" if d.help else "")
            lines.append(f"::{GITHUB_LEVEL[d.severity]} {props}::{_escape_data(message)}")
        return "".join(f"{line}\n" for line in lines)


def _escape_data(text: str) -> str:
    text = "".join(c if c in "\r\n" else printable(c) for c in text)  # no escape sequences
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """`Found 2 errors in 2 files.`: the files the findings are in (an imported file's
    findings count as its own), or how many files were read when there are none."""
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    if not diagnostics:
        return f"No problems found in {files} {'file' if files == 1 else 'files'}."
    holding = len({d.span.source.path for d in diagnostics if not d.span.source.path.startswith("<")})
    where = f" in {holding} {'file' if holding == 1 else 'files'}" if files and holding else ""
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


FORMATTERS: dict[str, type[Formatter]] = {
    f.name: f for f in (HumanFormatter, JsonFormatter, SarifFormatter, GithubFormatter)
}
FORMAT_CHOICES = (*FORMATTERS, "auto")


def pick(name: str, environ: Mapping[str, str] | None = None) -> type[Formatter]:
    """The formatter for `name`; `auto` is github under GitHub Actions, human elsewhere."""
    if name == "auto":
        env = os.environ if environ is None else environ
        return GithubFormatter if env.get("GITHUB_ACTIONS") == "true" else HumanFormatter
    return FORMATTERS[name]
