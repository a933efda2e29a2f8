"""The base of every IR node: frozen, validated, and carrying where it came from.

Spans are excluded from equality (`compare=False`), so a model loaded from `.gw` and the
same model loaded from OpenAPI compare equal: that is what makes the round-trip and
frontend-equivalence properties testable. pydantic *dataclasses* are used because BaseModel
has no per-field compare=False.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Any

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass
from pydantic.json_schema import SkipJsonSchema

from apic.compiler.source import Span

# defer_build: a class builds its validator when first used, not at import (a lint of a small
# file uses a fraction of the classes; start-up is what a pre-commit hook pays)
NODE_CONFIG = ConfigDict(arbitrary_types_allowed=True, extra="forbid", strict=True, defer_build=True)


def node(cls: type) -> Any:
    """Decorator for IR classes: frozen, keyword-only, validated pydantic dataclass."""
    return dataclass(frozen=True, kw_only=True, config=NODE_CONFIG)(cls)


@node
class Node:
    """Common fields. `span` covers the whole construct; `field_spans` the spans of its fields.

    `field_spans` records, for each field set in the source, where it was set. For inherited
    route settings that is the `defaults` or `group` line, which is what `explain` prints.
    """

    # Excluded from equality (compare=False), from the schema (SkipJsonSchema) and from
    # serialisation (exclude=True): positions belong to diagnostics, not to the model's value.
    span: Annotated[SkipJsonSchema[Span | None], Field(exclude=True)] = field(
        default=None, compare=False, repr=False
    )
    field_spans: Annotated[SkipJsonSchema[Mapping[str, Span]], Field(exclude=True)] = field(
        default_factory=dict, compare=False, repr=False
    )

    def span_of(self, name: str) -> Span | None:
        """The span where field `name` was set, falling back to the node's own span."""
        return self.field_spans.get(name, self.span)


def declaration_order(node: Node) -> tuple[str, int]:
    """Sort key for "first defined": file, then offset (nodes without a span sort first)."""
    span = node.span
    return (span.path, span.start) if span is not None else ("", 0)
