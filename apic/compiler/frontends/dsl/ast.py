"""Surface syntax of `.gw`: what was written, with spans, before any meaning is given to it.

Kept separate from the model because the model forgets things the user wrote (`defaults`,
`group`, `vars`, the file a block came from) while diagnostics and suppressions need them.
Plain slotted dataclasses: this layer is built for every character of every file.
"""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.source import Span


@dataclass(frozen=True, slots=True)
class Str:
    value: str  # escapes decoded; `${…}` still in the text
    span: Span


@dataclass(frozen=True, slots=True)
class MLStr:
    value: str  # raw, no escapes, no interpolation (VTL is full of `$` and `#`)
    span: Span


@dataclass(frozen=True, slots=True)
class Quantity:
    number: float
    unit: str  # "" when none was written
    is_integer: bool
    text: str  # as written (kept: a substituted variable's span is its use site)
    span: Span


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Null:
    span: Span


@dataclass(frozen=True, slots=True)
class Ref:
    parts: tuple[str, ...]
    part_spans: tuple[Span, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Value, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ListValue:
    items: tuple[Value, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Pair:
    key: str
    key_span: Span
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class ObjectValue:
    pairs: tuple[Pair, ...]
    span: Span


Value = Str | MLStr | Quantity | Bool | Null | Ref | Call | ListValue | ObjectValue


@dataclass(frozen=True, slots=True)
class Label:
    """A block or attribute label: `"text"` (kind "string"), `GET` ("name"), `[GET, HEAD]`."""

    kind: str
    value: str | tuple[str, ...]
    span: Span

    def __str__(self) -> str:
        if self.kind == "string":
            return f'"{self.value}"'
        if self.kind == "names":
            return "[" + ", ".join(self.value) + "]"
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    name_span: Span
    labels: tuple[Label, ...]
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class Block:
    type: str
    type_span: Span
    labels: tuple[Label, ...]
    items: tuple[Item, ...]
    span: Span

    @property
    def header(self) -> str:
        return " ".join([self.type, *map(str, self.labels)])

    @property
    def header_span(self) -> Span:
        end = self.labels[-1].span if self.labels else self.type_span
        return self.type_span.cover(end)


@dataclass(frozen=True, slots=True)
class Import:
    path: str
    path_span: Span
    alias: str | None
    span: Span


Item = Attribute | Block | Import  # `import` parses anywhere; the binder allows it at top level


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class GwFile:
    imports: tuple[Import, ...]
    items: tuple[Item, ...]
    comments: tuple[Comment, ...]
    span: Span
