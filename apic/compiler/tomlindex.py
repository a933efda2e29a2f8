"""Where a key of a TOML file is written, so configuration errors point into the file.

`tomllib` gives values without positions, and no well-kept TOML library on PyPI exposes
them either (tomlkit keeps layout, not offsets), so this module finds a key path such as
("lint", "rules", "route-no-auth", "severity") or ("lint", "select", 1) by reading the
file's table headers and `key =` lines. It understands what configuration files use:
tables, dotted keys, quoted keys, inline tables and arrays of strings. When a path cannot be
found, the nearest enclosing key is returned, and the first line when nothing matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from apic.compiler.source import SourceFile, Span

_HEADER = re.compile(r"^\s*\[\[?\s*(?P<keys>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_DOTTED = re.compile(rf"{_KEY}(?:\s*\.\s*{_KEY})*")
_ASSIGN = re.compile(rf"^\s*(?P<keys>{_KEY}(?:\s*\.\s*{_KEY})*)\s*=")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')

PathPart = str | int


def split_keys(text: str) -> list[str]:
    return [k.strip().strip("\"'") for k in re.findall(_KEY, text)]


def locate(source: SourceFile, path: Sequence[PathPart]) -> Span:
    """The span of the key (or array item) at `path`; the nearest enclosing one otherwise."""
    best: tuple[int, Span] = (0, source.span(0, min(len(source.text), len(source.line_text(1)))))
    table: list[str] = []
    for number in range(1, source.line_count + 1):
        line = source.line_text(number)
        start = source.line_starts[number - 1]
        header = _HEADER.match(line)
        if header and not _ASSIGN.match(line):
            table = split_keys(header.group("keys"))
            offset = start + header.start("keys")
            best = _better(best, table, path, source.span(offset, offset + len(header.group("keys"))))
            continue
        assign = _ASSIGN.match(line)
        if not assign:
            continue
        keys = [*table, *split_keys(assign.group("keys"))]
        key_span = source.span(start + assign.start("keys"), start + assign.end("keys"))
        best = _better(best, keys, path, key_span)
        if len(keys) < len(path) and list(path[: len(keys)]) == keys:
            inner = _inside_value(source, start + assign.end(), list(path[len(keys) :]))
            if inner is not None:
                best = _better(best, list(path), path, inner)
    return best[1]


def _better(
    best: tuple[int, Span], keys: Sequence[PathPart], path: Sequence[PathPart], span: Span
) -> tuple[int, Span]:
    if len(keys) > len(path) or list(path[: len(keys)]) != list(keys):
        return best
    return (len(keys), span) if len(keys) > best[0] else best


def _inside_value(source: SourceFile, offset: int, rest: list[PathPart]) -> Span | None:
    """Find `rest` inside the value starting at `offset`: an array index or an inline-table key."""
    text = source.text
    head = rest[0]
    end = _value_end(text, offset)
    value = text[offset:end]
    if isinstance(head, int):
        strings = list(_STRING.finditer(value))
        if head < len(strings):
            item = strings[head]
            return source.span(offset + item.start(), offset + item.end())
        return None
    for match in re.finditer(rf"(?P<key>{_KEY})\s*=", value):
        if split_keys(match.group("key")) == [head]:
            key_start = offset + match.start("key")
            span = source.span(key_start, offset + match.end("key"))
            if len(rest) > 1:
                deeper = _inside_value(source, offset + match.end(), rest[1:])
                return deeper or span
            return span
    return None


def _value_end(text: str, offset: int) -> int:
    """The end of a value: brackets balanced (arrays and inline tables span lines)."""
    depth = 0
    index = offset
    while index < len(text):
        char = text[index]
        if char in "\"'":
            closing = text.find(char, index + 1)
            index = len(text) if closing < 0 else closing + 1
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return index + 1
        elif char == "\n" and depth == 0:
            return index
        index += 1
    return len(text)
