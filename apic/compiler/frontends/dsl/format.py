"""`apic fmt`: the canonical layout of a `.gw` file, comments kept.

Canonical: two-space indentation; one attribute or block per line; the `=` of consecutive
attributes aligned; a block's items on their own lines (a block without items is `{}`);
lists as `[a, b]` and objects as `{ k = v }` on one line; at most one blank line between
items, kept where the source has one, always one between top-level blocks. Values, labels
and strings are printed as written (their source text), so escapes, quantities and
triple-quoted templates keep their spelling.

Comments stay with what they were written beside: a comment on its own lines goes before
the next item (or at the end of its block when no item follows), a comment after an item on
the same line stays after it (a suppression comment keeps applying to the same line).

The formatter refuses (`FormatError`) rather than change meaning: the caller checks that the
formatted text reads back to the same model.
"""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.parser import parse_text
from apic.compiler.frontends.dsl.transform import to_surface
from apic.compiler.source import SourceFile

INDENT = "  "


class FormatError(ValueError):
    """The text cannot be formatted (it does not parse); the message says where."""


@dataclass
class Comments:
    """The file's comments in order; each is taken once, by the first item that claims it."""

    items: list[ast.Comment]
    text: str
    taken: int = 0

    def before(self, offset: int) -> list[ast.Comment]:
        """Unclaimed comments that start before `offset`."""
        found = []
        while self.taken < len(self.items) and self.items[self.taken].span.start < offset:
            found.append(self.items[self.taken])
            self.taken += 1
        return found

    def trailing(self, end: int) -> ast.Comment | None:
        """The unclaimed comment on the same line right after `end`, if any."""
        if self.taken >= len(self.items):
            return None
        comment = self.items[self.taken]
        between = self.text[end : comment.span.start]
        if "\n" in between or between.strip(" \t,"):
            return None
        self.taken += 1
        return comment


def format_text(text: str, path: str = "<text>") -> str:
    """The canonical layout of `text`; FormatError when it does not parse."""
    try:
        tree, tokens = parse_text(text)
    except Exception as error:  # lark's UnexpectedInput and friends: the loader reports them
        raise FormatError(f"{path} does not parse; fix its syntax first ({type(error).__name__})") from None
    source = SourceFile(path, text)
    surface, problems = to_surface(tree, tokens, source)
    if problems:
        raise FormatError(f"{path}: {problems[0].message}")
    items = sorted([*surface.imports, *surface.items], key=lambda i: i.span.start)
    printer = Printer(text, Comments(list(surface.comments), text))
    lines = printer.items(items, 0, top=True)
    lines.extend(printer.rest(0))
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


class Printer:
    def __init__(self, text: str, comments: Comments) -> None:
        self.text = text
        self.comments = comments

    def source(self, node: ast.Value | ast.Label | ast.Import) -> str:
        if isinstance(node, ast.Label) and node.kind == "names":
            return str(node)  # `[GET, HEAD]`
        return self.text[node.span.start : node.span.end]

    def comment_lines(self, found: list[ast.Comment], depth: int) -> list[str]:
        lines: list[str] = []
        for comment in found:
            body = comment.text.rstrip()
            first, *others = body.split("\n")  # a /* block */ comment keeps its own lines
            lines.append(INDENT * depth + first)
            lines.extend(others)
        return lines

    def blank_before(self, start: int, previous_end: int | None) -> bool:
        """The source has an empty line between the previous item and this one."""
        if previous_end is None:
            return False
        return _has_blank_line(self.text[previous_end:start])

    def items(self, items: list[ast.Item], depth: int, top: bool = False) -> list[str]:
        lines: list[str] = []
        run: list[tuple[str, str, str]] = []  # (name+labels, value, trailing) of aligned attributes
        previous_end: int | None = None
        previous_block = False

        def flush() -> None:
            width = max((len(head) for head, _, _ in run), default=0)
            for head, value, trailing in run:
                line = f"{INDENT * depth}{head.ljust(width)} = {value}"
                lines.append(line + (f"  {trailing}" if trailing else ""))
            run.clear()

        for item in items:
            leading = self.comments.before(item.span.start)
            is_block = isinstance(item, ast.Block)
            blank = self.blank_before(leading[0].span.start if leading else item.span.start, previous_end)
            if previous_end is not None and (blank or (top and (is_block or previous_block))):
                flush()
                lines.append("")
            if leading or is_block or isinstance(item, ast.Import):
                flush()
            lines.extend(self.comment_lines(leading, depth))
            if isinstance(item, ast.Attribute):
                head = " ".join([item.name, *(self.source(label) for label in item.labels)])
                value = self.value(item.value)
                trailing = self.comments.trailing(item.span.end)
                run.append((head, value, trailing.text.rstrip() if trailing else ""))
            elif isinstance(item, ast.Import):
                trailing = self.comments.trailing(item.span.end)
                lines.append(
                    INDENT * depth
                    + self.text[item.span.start : item.span.end].strip()
                    + (f"  {trailing.text.rstrip()}" if trailing else "")
                )
            else:
                lines.extend(self.block(item, depth))
            previous_end = item.span.end
            previous_block = is_block
        flush()
        return lines

    def block(self, block: ast.Block, depth: int) -> list[str]:
        header = " ".join([block.type, *(self.source(label) for label in block.labels)])
        opening = self.text.index("{", block.header_span.end)
        trailing = self.comments.trailing(opening + 1)
        inner = self.items(list(block.items), depth + 1)
        closing = block.span.end - 1
        dangling = self.comment_lines(self.comments.before(closing), depth + 1)
        after = self.comments.trailing(block.span.end)
        end = INDENT * depth + "}" + (f"  {after.text.rstrip()}" if after else "")
        head = INDENT * depth + header + " {" + (f"  {trailing.text.rstrip()}" if trailing else "")
        if not inner and not dangling and not trailing:
            return [INDENT * depth + header + " {}" + (f"  {after.text.rstrip()}" if after else "")]
        return [head, *inner, *dangling, end]

    def rest(self, depth: int) -> list[str]:
        remaining = self.comments.before(len(self.text) + 1)
        return ([""] if remaining else []) + self.comment_lines(remaining, depth)

    def value(self, value: ast.Value) -> str:
        if isinstance(value, ast.ListValue):
            if self._has_comment(value):
                return self.source(value)
            return "[" + ", ".join(self.value(v) for v in value.items) + "]"
        if isinstance(value, ast.ObjectValue):
            if self._has_comment(value):
                return self.source(value)
            if not value.pairs:
                return "{}"
            return "{ " + ", ".join(self.pair(p) for p in value.pairs) + " }"
        if isinstance(value, ast.Call):
            return f"{value.name}(" + ", ".join(self.value(v) for v in value.args) + ")"
        return self.source(value)

    def pair(self, pair: ast.Pair) -> str:
        key = self.text[pair.key_span.start : pair.key_span.end]
        between = self.text[pair.key_span.end : pair.value.span.start]
        separator = ":" if ":" in between and "=" not in between else "="
        return f"{key} {separator} {self.value(pair.value)}"

    def _has_comment(self, value: ast.ListValue | ast.ObjectValue) -> bool:
        """A list or object with a comment inside is kept as written (its comments with it)."""
        items = self.comments.items
        inside = [c for c in items[self.comments.taken :] if value.span.start < c.span.start < value.span.end]
        if inside:
            self.comments.taken += len(inside)
            return True
        return False


def _has_blank_line(gap: str) -> bool:
    lines = gap.split("\n")
    return any(not line.strip() for line in lines[1:-1])
