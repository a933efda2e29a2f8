"""Generated parts of the documentation: the `.gw` schema reference, the code table and the
rule pages (docs/rules/, from the rule docstrings).

The docs hold hand-written prose with generated sections between markers
(`<!-- generated:NAME -->` … `<!-- end:NAME -->`). `python -m apic.compiler.reference`
rewrites them; a test fails when a committed doc is stale, so the reference can never
disagree with the binder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from apic.compiler.codes import ALL_CODES
from apic.compiler.frontends.dsl.schema import FILE, BlockSpec, Labels, Repeat

DOCS = Path(__file__).resolve().parents[2] / "docs"


def schema_reference() -> str:
    lines: list[str] = []
    seen: set[int] = set()
    parents: dict[str, list[str]] = {}

    def collect(spec: BlockSpec) -> None:
        for child in spec.blocks.values():
            where = "top level" if spec.type == "file" else f"`{spec.type}`"
            if where not in parents.setdefault(child.type + str(id(child)), []):
                parents[child.type + str(id(child))].append(where)
            if id(child) not in seen:
                seen.add(id(child))
                collect(child)

    collect(FILE)
    seen.clear()

    def describe(spec: BlockSpec) -> None:
        if id(spec) in seen:
            return
        seen.add(id(spec))
        key = spec.type + str(id(spec))
        label = "" if spec.labels is Labels.NONE else f" — {spec.labels.value}"
        repeat = {
            Repeat.SINGLE: "at most once",
            Repeat.BY_LABEL: "once per label",
            Repeat.MANY: "repeatable",
        }[spec.repeat]
        lines.append(f"### `{spec.type}` in {', '.join(parents.get(key, []))}")
        lines.append("")
        lines.append(f"{spec.doc + '. ' if spec.doc else ''}Labels{label or ': none'}; {repeat}.")
        lines.append("")
        if spec.any_attribute is not None:
            lines.append("Any `name = value` line: `name` becomes `var.name`.")
            lines.append("")
        if spec.attrs:
            lines.append("| attribute | value | notes |")
            lines.append("|---|---|---|")
            for name, attr in spec.attrs.items():
                shown = f'{name} "…"' if attr.label else name
                notes = []
                if attr.required:
                    notes.append("**required**")
                if attr.label:
                    notes.append(
                        f"labelled by the {attr.label}" + ("" if attr.unique_labels else ", repeatable")
                    )
                if attr.doc:
                    notes.append(attr.doc)
                value = attr.type.description.replace("|", "\\|")
                lines.append(f"| `{shown}` | {value} | {'; '.join(notes)} |")
            lines.append("")
        if spec.blocks:
            lines.append("Blocks: " + ", ".join(f"`{b}`" for b in spec.blocks) + ".")
            lines.append("")
        for child in spec.blocks.values():
            describe(child)

    for child in FILE.blocks.values():
        describe(child)
    return "\n".join(lines).rstrip() + "\n"


def codes_reference() -> str:
    lines = ["| code | name | severity | meaning |", "|---|---|---|---|"]
    lines.extend(f"| {c.code} | `{c.name}` | {c.severity.value} | {c.summary} |" for c in ALL_CODES)
    return "\n".join(lines) + "\n"


SECTIONS: dict[str, tuple[str, Callable[[], str]]] = {
    "schema": ("language.md", schema_reference),
    "codes": ("diagnostics.md", codes_reference),
}


def render_doc(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- end:{name} -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no generated:{name} markers")
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def rule_pages() -> dict[Path, str]:
    """docs/rules/: one page per built-in rule plus the index, whole files from docstrings."""
    from apic.compiler.lint.docs import index_page, rule_page
    from apic.compiler.rules import RULES

    rules = sorted(RULES, key=lambda r: r.code)
    pages = {DOCS / "rules" / f"{rule.code}.md": rule_page(rule) for rule in rules}
    pages[DOCS / "rules" / "README.md"] = index_page(rules)
    return pages


def updated_docs() -> dict[Path, str]:
    result: dict[Path, str] = {}
    for name, (file, build) in SECTIONS.items():
        path = DOCS / file
        current = result.get(path) or path.read_text(encoding="utf-8")
        result[path] = render_doc(current, name, build())
    result.update(rule_pages())
    from apic.compiler.textmate import grammar

    editors = DOCS.parent / "editors" / "gw.tmLanguage.json"
    result[editors] = json.dumps(grammar(), indent=2) + "\n"
    return result


if __name__ == "__main__":
    for path, text in updated_docs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
