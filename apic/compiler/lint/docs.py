"""A rule's documentation is its docstring; this module reads it and renders rule pages.

The docstring uses ruff's headings so every rule answers the same questions:

    ## What it does      one paragraph
    ## Why is this bad?  what goes wrong in production
    ## Example           a complete .gw file that fires exactly this rule
    ## Use instead       the same file, fixed: it fires nothing

The two examples are fenced ```gw blocks and are run as tests (tests/test_rule_docs.py), so
the documentation cannot drift from the behaviour. `apic rule NAME` prints the page and
docs/rules/ holds the generated copies.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from apic.compiler.lint.rule import ALL_KINDS, Rule

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"```gw\n(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class RuleDoc:
    sections: dict[str, str]

    @property
    def example(self) -> str | None:
        return _first_block(self.sections.get("Example", ""))

    @property
    def use_instead(self) -> str | None:
        return _first_block(self.sections.get("Use instead", ""))

    def missing(self) -> list[str]:
        gaps = [s for s in REQUIRED_SECTIONS if not self.sections.get(s, "").strip()]
        gaps += [
            f"a ```gw block under {s}"
            for s in ("Example", "Use instead")
            if not _first_block(self.sections.get(s, ""))
        ]
        return gaps


def _first_block(text: str) -> str | None:
    found = _FENCE.search(text)
    return found.group(1) if found else None


def rule_doc(rule: type[Rule]) -> RuleDoc:
    text = inspect.cleandoc(rule.__doc__ or "")
    headings = list(_HEADING.finditer(text))
    sections: dict[str, str] = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        sections[heading.group(1)] = text[heading.end() : end].strip()
    return RuleDoc(sections)


def help_uri(rule: type[Rule]) -> str | None:
    """Where the rule's page is published: the `Documentation` URL the distribution declares
    (`[project.urls]`) + `rules/<CODE>.md`, or None when it declares none. No address is
    invented; SARIF carries the whole page as `help` either way."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("apic").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation":
            return f"{url.strip().rstrip('/')}/rules/{rule.code}.md"
    return None


def kinds_text(rule: type[Rule]) -> str:
    if rule.kinds == ALL_KINDS:
        return "all"
    return ", ".join(sorted(k.value for k in rule.kinds))


def severity_text(rule: type[Rule]) -> str:
    text = rule.default_severity.value
    return f"{text} ({rule.severity_note})" if rule.severity_note else text


def rule_page(rule: type[Rule]) -> str:
    """The Markdown page for one rule: docs/rules/<CODE>.md and `apic rule NAME`."""
    doc = rule_doc(rule)
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        rule.summary,
        "",
        f"- Default severity: {severity_text(rule)}",
        f"- API kinds: {kinds_text(rule)}",
        f"- Select or ignore as `{rule.code}`, `{rule.name}` or the family `{rule.family()}`",
    ]
    options = rule.Options.model_fields
    if options:
        lines.append(f"- Options (`[lint.rules.{rule.name}]` in apic.toml):")
        for name, info in options.items():
            default = info.default
            lines.append(f"  - `{name.replace('_', '-')}` (default `{default!r}`): {info.description or ''}")
    for section, body in doc.sections.items():
        lines += ["", f"## {section}", "", body]
    return "\n".join(lines).rstrip() + "\n"


def index_page(rules: list[type[Rule]]) -> str:
    lines = [
        "# Lint rules",
        "",
        "Generated from the rule docstrings (`python -m apic.compiler.reference`); do not edit.",
        "`apic rules` prints this table and `apic rule NAME` one page.",
        "",
        "| code | name | severity | kinds | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {severity_text(rule)} | "
            f"{kinds_text(rule)} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"
