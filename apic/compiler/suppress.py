"""Suppression directives: `# apic: disable=rule[,rule] -- reason` and friends.

Directives are collected with their spans when a file is loaded; what each one covers (a
statement, one line, the whole file) is decided here from the surface statements, so the
lint runner only has to ask "does this directive cover this diagnostic?". Unused
directives and missing reasons are reported by the runner (`suppression-unused`,
`suppression-missing-reason`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.source import SourceFile, Span

Kind = Literal["disable", "disable-next-line", "disable-file"]
_DIRECTIVE = re.compile(
    r"(?:#|//)\s*apic:\s*(?P<kind>[A-Za-z-]+)\s*(?:=\s*(?P<rules>[^\s].*?))?\s*(?:--\s*(?P<reason>.*?))?\s*$"
)
_RULE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
KINDS: tuple[Kind, ...] = ("disable", "disable-next-line", "disable-file")


@dataclass(frozen=True)
class Suppression:
    kind: Kind
    rules: tuple[str, ...]
    rule_spans: tuple[Span, ...]
    reason: str | None
    span: Span
    scope: Span

    def covers(self, diagnostic: Diagnostic, rule_keys: Iterable[str]) -> bool:
        """True when `diagnostic` starts inside the scope and names one of the rules."""
        if diagnostic.span.source is not self.scope.source:
            return False
        if not self.scope.start <= diagnostic.span.start <= self.scope.end:
            return False
        keys = set(rule_keys)
        return "all" in self.rules or any(rule in keys for rule in self.rules)


@dataclass(frozen=True)
class StatementSpan:
    """A statement's span; the DSL gives every block and attribute, outermost first."""

    span: Span
    depth: int


def parse_directives(
    comments: Iterable[Span], statements: list[StatementSpan], source: SourceFile
) -> tuple[list[Suppression], list[Diagnostic]]:
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for comment in comments:
        text = comment.text
        body = text.lstrip("#/").strip()
        if not body.startswith("apic:"):
            continue
        match = _DIRECTIVE.match(text)
        if match is None or match.group("kind") not in KINDS or not match.group("rules"):
            problems.append(
                codes.INVALID_SUPPRESSION(
                    comment,
                    f"cannot read the directive `{text.strip()}`",
                    help="write `# apic: disable=rule-name -- reason` (or disable-next-line=, disable-file=)",
                )
            )
            continue
        kind: Kind = match.group("kind")  # type: ignore[assignment]
        rules_text = match.group("rules")
        rules_start = comment.start + match.start("rules")
        rules, spans = [], []
        for rule in _RULE.finditer(rules_text):
            rules.append(rule.group())
            spans.append(source.span(rules_start + rule.start(), rules_start + rule.end()))
        leftover = _RULE.sub("", rules_text).replace(",", "").strip()
        if leftover or not rules:
            problems.append(
                codes.INVALID_SUPPRESSION(
                    comment,
                    f"cannot read the rule list `{rules_text}`",
                    help="list rule names or codes separated by commas",
                )
            )
            continue
        if "all" in rules:
            if kind != "disable-file":
                problems.append(
                    codes.INVALID_SUPPRESSION(
                        spans[rules.index("all")],
                        "`all` is only allowed with `disable-file`",
                        severity=Severity.ERROR,
                    )
                )
                continue
            problems.append(
                codes.INVALID_SUPPRESSION(
                    spans[rules.index("all")],
                    "`disable-file=all` switches off every lint rule for this file",
                    help="name the rules you mean to disable",
                )
            )
        scope = _scope(kind, comment, statements, source)
        reason = (match.group("reason") or "").strip() or None
        found.append(Suppression(kind, tuple(rules), tuple(spans), reason, comment, scope))
    return found, problems


def _scope(kind: Kind, comment: Span, statements: list[StatementSpan], source: SourceFile) -> Span:
    if kind == "disable-file":
        return source.span(0, len(source.text))
    line, _ = comment.start_location
    line_start = source.line_starts[line - 1]
    trailing = source.text[line_start : comment.start].strip() != ""
    if kind == "disable-next-line":
        target_line = line + 1
        if target_line > source.line_count:
            return comment.at_end()
        start = source.line_starts[target_line - 1]
        return source.span(start, start + len(source.line_text(target_line)))
    if trailing:
        on_line = [s for s in statements if s.span.start_location[0] == line]
        if on_line:
            return min(on_line, key=lambda s: s.depth).span
        containing = [s for s in statements if s.span.start <= comment.start <= s.span.end]
        if containing:
            return max(containing, key=lambda s: s.depth).span
        return source.span(line_start, comment.start)
    after = [s for s in statements if s.span.start >= comment.end]
    if not after:
        return comment.at_end()
    first_start = min(s.span.start for s in after)
    return min((s for s in after if s.span.start == first_start), key=lambda s: s.depth).span
