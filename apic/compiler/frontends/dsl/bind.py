"""Generic binding: check a surface block against its BlockSpec and convert its values.

One algorithm for every block: unknown names get did-you-mean hints (or "allowed in X"
when the name exists elsewhere in the schema), blocks written as attributes and the
reverse are caught, labels are checked, repeats are reported with the first definition as
related span, required attributes are enforced, and values go through their types. Errors
are collected, never raised, so one run reports every problem in the file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.schema import Attr, BlockSpec, Labels, Repeat, where_allowed
from apic.compiler.frontends.dsl.values import BindContext, Invalid
from apic.compiler.model import HttpMethod
from apic.compiler.source import Span
from apic.compiler.suggest import closest, did_you_mean, one_of

INVALID: Any = object()
"""A value that failed its type (already reported): lowering skips it silently."""


@dataclass
class BoundAttr:
    node: ast.Attribute
    value: Any
    label: str | None = None
    label_span: Span | None = None

    @property
    def span(self) -> Span:
        return self.node.span


@dataclass
class Bound:
    """A checked block: converted attribute values and bound children, by name."""

    spec: BlockSpec
    span: Span
    header_span: Span
    label: Any = None
    label_span: Span | None = None
    label_nodes: tuple[ast.Label, ...] = ()
    attrs: dict[str, BoundAttr] = field(default_factory=dict)
    labelled: dict[str, list[BoundAttr]] = field(default_factory=dict)
    children: dict[str, list[Bound]] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        bound = self.attrs.get(name)
        if bound is None or bound.value is INVALID:
            return default
        return bound.value

    def has(self, name: str) -> bool:
        return name in self.attrs and self.attrs[name].value is not INVALID

    def child(self, name: str) -> Bound | None:
        found = self.children.get(name)
        return found[0] if found else None

    def field_spans(self) -> dict[str, Span]:
        spans = {name: attr.span for name, attr in self.attrs.items()}
        spans.update({name: items[0].span for name, items in self.labelled.items() if items})
        spans.update({name: items[0].span for name, items in self.children.items() if items})
        return spans


class Binder:
    def __init__(self, ctx: BindContext, diagnostics: list[Diagnostic]) -> None:
        self.ctx = ctx
        self.diagnostics = diagnostics

    def report(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def convert(self, attr: Attr, node: ast.Attribute) -> Any:
        try:
            return attr.type(node.value, self.ctx)
        except Invalid as invalid:
            self.report(invalid.diagnostic)
            return INVALID

    # -- blocks ------------------------------------------------------------------------
    def bind(self, spec: BlockSpec, block: ast.Block) -> Bound:
        label, label_span = self.labels(spec, block)
        bound = Bound(spec, block.span, block.header_span, label, label_span, block.labels)
        self.bind_items(bound, block.items)
        self.check_required(bound, block)
        return bound

    def bind_items(self, bound: Bound, items: tuple[ast.Item, ...]) -> None:
        spec = bound.spec
        first_child: dict[tuple[str, Any], Bound] = {}
        for item in items:
            if isinstance(item, ast.Import):
                self.report(
                    codes.NOT_ALLOWED_HERE(
                        item.span,
                        "`import` is only allowed at the top level of a file",
                        help="move it to the top of the file",
                    )
                )
            elif isinstance(item, ast.Attribute):
                self.bind_attribute(bound, item)
            elif item.type in spec.blocks:
                child_spec = spec.blocks[item.type]
                child = self.bind(child_spec, item)
                key = self.repeat_key(child_spec, child)
                if key is not None and key in first_child:
                    first = first_child[key]
                    what = item.header if child_spec.repeat is Repeat.BY_LABEL else f"`{item.type}` block"
                    self.report(
                        codes.DUPLICATE_DEFINITION(
                            item.header_span,
                            f"{what.strip('`')} is defined twice"
                            if child_spec.repeat is Repeat.BY_LABEL
                            else f"only one {what} is allowed in `{spec.type}`",
                            related=[(first.header_span, "first defined here")],
                            help=None if child_spec.repeat is Repeat.BY_LABEL else "merge the two blocks",
                        )
                    )
                    continue
                if key is not None:
                    first_child[key] = child
                bound.children.setdefault(item.type, []).append(child)
            elif item.type in spec.attrs:
                self.report(
                    codes.WRONG_TYPE(
                        item.header_span,
                        f"`{item.type}` is an attribute, not a block",
                        help=f"write `{item.type} = …`",
                    )
                )
            else:
                self.unknown(spec, item.type, item.type_span, kind="block")

    def repeat_key(self, spec: BlockSpec, child: Bound) -> tuple[str, Any] | None:
        if spec.repeat is Repeat.MANY:
            return None
        if spec.repeat is Repeat.SINGLE:
            return (spec.type, None)
        if child.label is INVALID:
            return None
        return (spec.type, child.label)

    def bind_attribute(self, bound: Bound, node: ast.Attribute) -> None:
        spec = bound.spec
        attr = spec.attrs.get(node.name)
        if attr is None and spec.any_attribute is not None:
            attr = Attr(spec.any_attribute)
        if attr is None:
            if node.name in spec.blocks:
                self.report(
                    codes.WRONG_TYPE(
                        node.name_span,
                        f"`{node.name}` is a block, not an attribute",
                        help=f"write `{node.name} {{ … }}`",
                    )
                )
            else:
                self.unknown(spec, node.name, node.name_span, kind="attribute")
            return
        if attr.label is not None:
            self.bind_labelled(bound, attr, node)
            return
        if node.labels:
            # `auth api_key timeout = 10s` reads as labels: the `=` after the name is missing.
            self.report(
                codes.MISSING_EQUALS(
                    node.name_span.at_end(),
                    "expected `=` between attribute name and value",
                    help=f"did you mean `{node.name} = {node.labels[0]}`?",
                )
            )
            return
        if node.name in bound.attrs:
            self.report(
                codes.REDEFINED_ATTRIBUTE(
                    node.name_span,
                    f"`{node.name}` is set twice in `{bound.spec.type}`",
                    related=[(bound.attrs[node.name].node.name_span, "first set here")],
                )
            )
            return
        bound.attrs[node.name] = BoundAttr(node, self.convert(attr, node))

    def bind_labelled(self, bound: Bound, attr: Attr, node: ast.Attribute) -> None:
        if len(node.labels) != 1 or node.labels[0].kind != "string":
            self.report(
                codes.INVALID_LABEL(
                    node.span if not node.labels else node.labels[0].span,
                    f"`{node.name}` needs one quoted {attr.label}",
                    help=f'write {node.name} "…" = …',
                )
            )
            return
        label = node.labels[0]
        existing = bound.labelled.setdefault(node.name, [])
        if attr.unique_labels:
            for other in existing:
                if other.label == label.value:
                    self.report(
                        codes.REDEFINED_ATTRIBUTE(
                            label.span,
                            f'`{node.name} "{label.value}"` is set twice',
                            related=[(other.label_span or other.span, "first set here")],
                        )
                    )
                    return
        existing.append(BoundAttr(node, self.convert(attr, node), str(label.value), label.span))

    def unknown(self, spec: BlockSpec, name: str, span: Span, *, kind: str) -> None:
        places = where_allowed(name)
        elsewhere = places["attribute"] if kind == "attribute" else places["block"]
        other_kind = places["block"] if kind == "attribute" else places["attribute"]
        where = "the top level" if spec.type == "file" else f"`{spec.type}`"
        if elsewhere or other_kind:
            parents = elsewhere or other_kind
            shown = one_of(["top level" if p == "file" else p for p in parents])
            # a near name allowed right here is the likelier intent (`health_check` on a route
            # meant `healthcheck`, not the backend's health_check block)
            near = very_near(name, [*spec.attrs, *spec.blocks])
            help = f"did you mean `{near}`, or move `{name}` into {shown}?" if near else None
            self.report(
                codes.NOT_ALLOWED_HERE(
                    span, f"`{name}` is not allowed in {where}", help=help or f"`{name}` belongs in {shown}"
                )
            )
            return
        names = [*spec.attrs, *spec.blocks]
        code = codes.UNKNOWN_ATTRIBUTE if kind == "attribute" else codes.UNKNOWN_BLOCK
        help = did_you_mean(name, names)
        if help is None and names:
            help = f"{where} accepts {one_of(sorted(names))}"
        self.report(code(span, f"unknown {kind} `{name}` in {where}", help=help))

    def check_required(self, bound: Bound, block: ast.Block) -> None:
        for name, attr in bound.spec.attrs.items():
            if attr.required and name not in bound.attrs and name not in bound.labelled:
                self.report(
                    codes.MISSING_REQUIRED(
                        block.header_span,
                        f"`{block.header}` needs `{name}`",
                        help=f"add `{name} = …` inside the block",
                    )
                )

    # -- labels --------------------------------------------------------------------------
    def labels(self, spec: BlockSpec, block: ast.Block) -> tuple[Any, Span | None]:
        labels = block.labels
        kind = spec.labels
        span = labels[0].span.cover(labels[-1].span) if labels else None
        if kind is Labels.NONE:
            if labels:
                return self.bad_label(
                    block,
                    labels[0].span,
                    f"`{spec.type}` takes no label",
                    f"write `{spec.type} {{ … }}`",
                )
            return None, None
        if kind in (Labels.STRING, Labels.OPTIONAL_STRING):
            if not labels and kind is Labels.OPTIONAL_STRING:
                return None, None
            if len(labels) == 1 and labels[0].kind == "string":
                return labels[0].value, span
            if len(labels) == 1 and labels[0].kind == "name":
                return self.bad_label(
                    block,
                    labels[0].span,
                    f"the label of `{spec.type}` must be quoted",
                    f'write {spec.type} "{labels[0].value}" {{ … }}',
                )
            if not labels:
                return self.bad_label(
                    block,
                    block.type_span,
                    f"`{spec.type}` needs a quoted name",
                    f'write {spec.type} "name" {{ … }}',
                )
            return self.bad_label(
                block,
                labels[1].span if len(labels) > 1 else labels[0].span,
                f"`{spec.type}` takes one quoted label",
                None,
            )
        if kind is Labels.NAME:
            if len(labels) == 1 and labels[0].kind in ("name", "string"):
                return labels[0].value, span
            return self.bad_label(
                block,
                span or block.type_span,
                f"`{spec.type}` takes one name",
                f"write {spec.type} DEFAULT_4XX {{ … }}",
            )
        if kind is Labels.METHOD_PATH:
            if len(labels) == 2 and labels[0].kind == "name" and labels[1].kind == "string":
                method = self.method(labels[0].value, labels[0].span)  # type: ignore[arg-type]
                return ((method, labels[1].value), span) if method else (INVALID, span)
            return self.bad_label(
                block,
                span or block.type_span,
                f"`{spec.type}` takes a method and a quoted path",
                f'write {spec.type} GET "/path" {{ … }}',
            )
        # Labels.ROUTE: [method | [methods]] "path"
        if labels and labels[-1].kind == "string" and len(labels) <= 2:
            path = labels[-1].value
            if len(labels) == 1:
                return (None, path), span
            first = labels[0]
            words = (first.value,) if first.kind == "name" else first.value
            if first.kind == "string":
                return self.bad_label(
                    block,
                    first.span,
                    "a route takes one quoted path",
                    f'write route GET "{first.value}" {{ … }}',
                )
            methods = tuple(self.method(w, first.span) for w in words)  # type: ignore[union-attr]
            if any(m is None for m in methods):
                return INVALID, span
            if len(set(methods)) != len(methods):
                return self.bad_label(block, first.span, "a method is listed twice", None)
            return (methods, path), span
        if labels and labels[-1].kind == "name" and labels[-1].value not in HttpMethod.__members__:
            return self.bad_label(
                block,
                labels[-1].span,
                "the route path must be quoted",
                f'write route "{labels[-1].value}" {{ … }}',
            )
        return self.bad_label(
            block,
            span or block.type_span,
            "a route needs a quoted path",
            'write route GET "/path" { … }',
        )

    def method(self, word: str, span: Span) -> HttpMethod | None:
        if word in HttpMethod.__members__:
            return HttpMethod(word)
        self.report(
            codes.INVALID_VALUE(
                span,
                f"`{word}` is not an HTTP method",
                help=(
                    f"methods are upper case: {word.upper()}"
                    if word.upper() in HttpMethod.__members__
                    else did_you_mean(word, HttpMethod.__members__) or f"use {one_of(HttpMethod.__members__)}"
                ),
            )
        )
        return None

    def bad_label(self, block: ast.Block, span: Span, message: str, help: str | None) -> tuple[Any, Span]:
        self.report(codes.INVALID_LABEL(span, message, help=help))
        return INVALID, span


__all__ = ["INVALID", "Binder", "Bound", "BoundAttr", "closest"]


def very_near(name: str, allowed: list[str]) -> str | None:
    """An allowed name that `name` is almost certainly a slip for: the same letters without
    `_` and `-` (`health_check` for `healthcheck`), or one edit away in a long name. Looser
    likeness (`stage` and `tags`) is no evidence against a name valid elsewhere."""
    bare = name.replace("_", "").replace("-", "").lower()
    for candidate in sorted(allowed):
        if candidate.replace("_", "").replace("-", "").lower() == bare:
            return candidate
    close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.9)
    return close[0] if close else None
