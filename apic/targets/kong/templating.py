"""decK reads a state file as a template: `${{ env "DECK_X" }}` anywhere is replaced by the
variable's value when it syncs. A user's string holding `${{` would be evaluated there
(and could read the environment of whoever runs decK), and YAML quoting does not stop it:
such a value cannot be written safely, so it is refused on the construct that holds it.
apic's own placeholders (consumer keys, the collector endpoint) are the only templates a
file may hold; a user's string shaped exactly like one is refused all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

from apic.compiler import codes
from apic.compiler.model import GatewayModel, Node
from apic.targets.base import Reporter

OPEN = "${{"


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def holders(node: Any) -> Iterator[tuple[Node, str, str]]:
    """(node, field, text) for every string field in the model that opens a template."""
    if isinstance(node, Node):
        for f in fields(node):
            if f.name in ("span", "field_spans"):
                continue
            value = getattr(node, f.name)
            if isinstance(value, str) and OPEN in value:
                yield node, f.name, value
            else:
                yield from holders(value)
    elif isinstance(node, tuple | list):
        for item in node:
            yield from holders(item)
    elif isinstance(node, dict):
        for item in node.values():
            yield from holders(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            yield from holders(getattr(node, f.name))


def refuse_templates(reporter: Reporter, model: GatewayModel, document: dict[str, Any]) -> None:
    written = [s.lower() for s in strings(document) if OPEN in s]
    if not written:
        return
    for node, field_name, text in holders(model):
        if any(text.lower() in s for s in written):
            reporter.report(
                codes.TARGET_UNSUPPORTED,
                node,
                field_name,
                f"`{text[:60]}` holds `{OPEN}`, which decK would evaluate as a template when it syncs "
                "the Kong file",
            )
