"""YAML and JSON -> Python value, plus spans for any JSON Pointer, plus duplicate-key diagnostics.

Two native parsers, each for what it does best (measured on the 3.4 MB GitHub description,
where PyYAML's C `compose` takes 1.3-1.6 s):
- values come from yaml-rs (Rust, 0.10 s), with YAML 1.1 dates turned back into strings so
  the document stays JSON-compatible;
- positions come from rapidyaml (C++, 0.03 s), looked up lazily: a span is computed only
  for a pointer somebody asks about (a diagnostic, a model node) by walking the tree along
  the pointer. `parse_in_place` leaves every key and scalar as a view into our own buffer,
  so its byte offset is its address minus the buffer's, read through the buffer protocol.
Duplicate keys make yaml-rs stop; only then is the whole tree walked to report every one.
"""

from __future__ import annotations

import ctypes
import datetime
import os
import re
import sys
import tempfile
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import ryml
import yaml_rs

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.source import SourceFile, Span


class _PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
NONE = ryml.NONE if hasattr(ryml, "NONE") else 2**64 - 1


def _address(view: object) -> int:
    buffer = _PyBuffer()
    _get_buffer(view, ctypes.byref(buffer), 0)
    try:
        return int(buffer.buf or 0)
    finally:
        _release_buffer(ctypes.byref(buffer))


def escape(token: str) -> str:
    """RFC 6901: `~` -> `~0`, `/` -> `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_tokens(pointer: str) -> list[str]:
    return [unescape(t) for t in pointer.split("/")[1:]] if pointer else []


class RymlError(Exception):
    """rapidyaml refused the document; the message is what it wrote about it."""

    def location(self) -> tuple[int, int] | None:
        match = re.search(r"line=(\d+) col=(\d+)", str(self))
        return (int(match.group(1)), int(match.group(2))) if match else None


class _Captured:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def text(self) -> str:
        self.stream.flush()
        self.stream.seek(0)
        return self.stream.read().decode("utf-8", errors="replace")


@contextmanager
def native_stderr() -> Iterator[_Captured]:
    """Capture what native code writes to file descriptor 2 (rapidyaml prints its parse
    errors there itself: thousands of lines in a fuzz run, and in `compile --format json` the
    diagnostics share that stream). Python's own `sys.stderr` is left alone."""
    with tempfile.TemporaryFile() as sink:
        with suppress(AttributeError, ValueError):
            sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            yield _Captured(sink)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class PositionTree:
    """rapidyaml's tree over the document's bytes, answering 'where is this pointer?'."""

    def __init__(self, source: SourceFile, data: bytes) -> None:
        self.source = source
        self.buffer = bytearray(data)
        with native_stderr() as captured:
            try:
                self.tree = ryml.parse_in_place(self.buffer)
            except Exception as error:
                raise RymlError(captured.text()) from error
        self.base = _address(self.buffer)
        self.size = len(self.buffer)
        # Character offset of a byte offset: minus the UTF-8 continuation bytes before it.
        self.continuations = [m.start() for m in re.finditer(rb"[\x80-\xbf]", data)]
        root = self.tree.root_id()
        if self.tree.is_stream(root):
            root = self.tree.first_child(root)
        self.root = root
        self._nodes: dict[str, tuple[int, int]] = {}
        self._children: dict[int, dict[bytes, int]] = {}

    def _char(self, byte: int) -> int:
        return byte - bisect_left(self.continuations, byte) if self.continuations else byte

    def _view(self, view: Any, quoted: bool) -> tuple[int, int] | None:
        if view is None:
            return None
        byte = _address(view) - self.base
        if not 0 <= byte <= self.size:
            return None  # a view into rapidyaml's arena (an alias, a rewritten scalar)
        end = min(byte + len(view), self.size)
        if quoted:
            byte, end = max(0, byte - 1), min(end + 1, self.size)
        return self._char(byte), self._char(end)

    def node(self, pointer: str) -> tuple[int, int]:
        """(node id, how many pointer tokens were found): the deepest node on the path.

        Cached per pointer, so a lookup below an already-seen node costs one step.
        """
        cached = self._nodes.get(pointer)
        if cached is not None:
            return cached
        if not pointer:
            found = (self.root, 0)
        else:
            parent_pointer, token = pointer.rsplit("/", 1)
            parent, depth = self.node(parent_pointer)
            found = (parent, depth)
            if depth == parent_pointer.count("/"):  # the parent itself was found
                child = self._child(parent, unescape(token))
                if child != NONE:
                    found = (child, depth + 1)
        self._nodes[pointer] = found
        return found

    def _child(self, node: int, token: str) -> int:
        tree = self.tree
        if tree.is_map(node):
            # rapidyaml's find_child (and num_children) walk the sibling list: on `paths` with
            # 50,000 entries every lookup walked them all (quadratic). Each map gets a
            # key -> child table on its first lookup instead.
            table = self._children.get(node)
            if table is None:
                table = {}
                child = tree.first_child(node)
                while child != NONE:
                    table.setdefault(_key_bytes(tree, child), int(child))
                    child = tree.next_sibling(child)
                self._children[node] = table
            return table.get(token.encode(), NONE)
        if tree.is_seq(node) and token.isdigit() and int(token) < tree.num_children(node):
            return int(tree.child(node, int(token)))
        return NONE

    def key_span(self, node: int) -> tuple[int, int] | None:
        if node == NONE or not self.tree.has_key(node):
            return None
        return self._view(self.tree.key(node), self.tree.is_key_quoted(node))

    def value_span(self, node: int) -> tuple[int, int] | None:
        """From the first key or scalar inside the value to the last one. Computed by one
        walk down the first children and one down the last children: recursing into both
        (the same node for a one-element sequence) doubled the work at every nesting level,
        so a 300-byte `[[[…]]]` took minutes."""
        tree = self.tree
        if node == NONE:
            return None
        if tree.is_container(node):
            if tree.first_child(node) == NONE:
                return self.key_span(node)
            start, end = self._edge(node, first=True), self._edge(node, first=False)
            if start and end:
                return start[0], max(start[1], end[1])
            return start or end
        return self._scalar_span(node)

    def _edge(self, node: int, *, first: bool) -> tuple[int, int] | None:
        """The span where a non-empty container's value starts (`first`) or ends: its first
        child's key, else that child's own first edge; its last child's value, else its key."""
        tree = self.tree
        while True:
            child = tree.first_child(node) if first else tree.last_child(node)
            if first and (key := self.key_span(child)):
                return key
            if tree.is_container(child):
                if tree.first_child(child) == NONE:
                    found = self.key_span(child)  # an empty {} or []: what names it
                else:
                    node = child
                    continue
            else:
                found = self._scalar_span(child)
            return found or (None if first else self.key_span(child))

    def _scalar_span(self, node: int) -> tuple[int, int] | None:
        tree = self.tree
        if tree.has_val(node):
            span = self._view(tree.val(node), tree.is_val_dquo(node) or tree.is_val_squo(node))
            if span is not None:
                return span
        key = self.key_span(node)
        return (key[1], key[1]) if key else None


@dataclass
class PointerIndex:
    """Spans by JSON Pointer (`/paths/~1users/get`), computed on demand and cached."""

    source: SourceFile
    positions: PositionTree | None = None
    _cache: dict[tuple[str, bool], Span] = field(default_factory=dict)
    # the bytes rapidyaml will read on the first lookup: most files of a multi-file
    # description are never asked for a position, and parsing each one (with its stderr
    # capture) was 0.4 s of DigitalOcean's 2,849 files
    _pending: bytes | None = None

    @classmethod
    def deferred(cls, source: SourceFile, data: bytes) -> PointerIndex:
        return cls(source, None, _pending=data)

    def tree(self) -> PositionTree | None:
        """The position tree, built now if it was deferred (None if rapidyaml rejects it)."""
        if self._pending is not None:
            data, self._pending = self._pending, None
            with suppress(RymlError):
                self.positions = PositionTree(self.source, data)
        return self.positions

    def span(self, pointer: str) -> Span:
        """The value's span; for a missing pointer, the nearest ancestor's; else the file start."""
        return self._lookup(pointer, key=False)

    def key_span(self, pointer: str) -> Span:
        """The span of the key that names `pointer` (where to point for 'unknown key')."""
        return self._lookup(pointer, key=True)

    def node_span(self, pointer: str) -> Span:
        """Key and value together (`get: {…}`), like a .gw block from its type to its `}`;
        the value alone for list items and the document root."""
        value = self.span(pointer)
        if not pointer or pointer.rsplit("/", 1)[-1].isdigit():
            return value
        key = self.key_span(pointer)
        return key.cover(value) if key.source is value.source else value

    def _lookup(self, pointer: str, *, key: bool) -> Span:
        cached = self._cache.get((pointer, key))
        if cached is not None:
            return cached
        span = self.source.whole()
        positions = self.tree()
        if positions is not None:
            node, depth = positions.node(pointer)
            exact = depth == len(pointer_tokens(pointer))
            found = (positions.key_span(node) if key and exact else None) or positions.value_span(node)
            if found is None and not exact:
                found = positions.key_span(node)
            if found is not None:
                span = self.source.span(*found)
        self._cache[(pointer, key)] = span
        return span


@dataclass
class Loaded:
    value: Any
    index: PointerIndex
    diagnostics: list[Diagnostic]


_LONE_CR = re.compile("\r(?!\n)")
_LONE_CR_BYTES = re.compile(b"\r(?!\n)")


def load_yaml(source: SourceFile, data: bytes) -> Loaded:
    """Parse YAML or JSON. Syntax errors (PA015) and duplicate keys (PA016) are diagnostics."""
    diagnostics: list[Diagnostic] = []
    # A lone CR ends a line in YAML, but rapidyaml rejects such documents (and then every
    # position falls back to 1:1): read them with LF instead, which keeps every offset.
    if b"\r" in data:
        data = _LONE_CR_BYTES.sub(b"\n", data)
    text = _LONE_CR.sub("\n", source.text) if "\r" in source.text else source.text
    index = PointerIndex.deferred(source, data)
    try:
        value = yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except yaml_rs.YAMLDecodeError as error:
        positions = index.tree()
        if "duplicate" not in str(error) or positions is None:
            return Loaded(None, index, [_syntax_error(source, error)])
        diagnostics.extend(_duplicates(positions, source))
        value = yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.LastWins)
    except (TypeError, ValueError, OverflowError):
        # yaml-rs builds Python values: a mapping or list as a key cannot be one; rapidyaml
        # says where, when it rejects the document too
        rejected: RymlError | None = None
        try:
            PositionTree(source, data)
        except RymlError as problem:
            rejected = problem
        where = rejected.location() if rejected else None
        offset = 0
        if where is not None:
            line = min(max(where[0], 1), source.line_count)
            offset = min(source.line_starts[line - 1] + max(where[1] - 1, 0), len(source.text))
        return Loaded(
            None,
            index,
            [
                codes.YAML_SYNTAX(
                    source.span(offset, offset),
                    "not valid here: a mapping key must be a string, number or boolean, "
                    "not a mapping or list",
                )
            ],
        )
    deep = too_deep(value)
    if deep is not None:
        return Loaded(
            None,
            index,
            [
                codes.NESTING_TOO_DEEP(
                    index.span(deep),
                    f"mappings and lists nest deeper than {MAX_DEPTH} levels here (`{deep[:60]}…`)",
                    help=f"apic reads documents nested at most {MAX_DEPTH} levels deep",
                )
            ],
        )
    return Loaded(_plain(value), index, diagnostics)


MAX_DEPTH = 256


def too_deep(value: Any) -> str | None:
    """The JSON Pointer of the first container at depth `MAX_DEPTH + 1`, or None. Iterative:
    every later walk over the document (values, bundling, validation) recurses per level.
    The pointer is only spelt out for a document that is too deep: building one string per
    container was half of this check's time."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _deep_pointer(value)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return None


def _deep_pointer(value: Any) -> str | None:
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, pointer, depth = stack.pop()
        if depth > MAX_DEPTH:
            return pointer
        if isinstance(item, dict):
            stack.extend(
                (child, f"{pointer}/{escape(_key_text(key))}", depth + 1)
                for key, child in item.items()
                if isinstance(child, (dict, list))
            )
        elif isinstance(item, list):
            stack.extend(
                (child, f"{pointer}/{n}", depth + 1)
                for n, child in enumerate(item)
                if isinstance(child, (dict, list))
            )
    return None


def _plain(value: Any) -> Any:
    """JSON-compatible values: YAML 1.1 timestamps back to their ISO text, and keys as text
    (an unquoted `200:` under `responses` is the integer 200 in YAML)."""
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            value = {_key_text(key): item for key, item in value.items()}
        for key, item in value.items():
            if isinstance(item, (dict, list, datetime.date)):
                value[key] = _plain(item)
        return value
    if isinstance(value, list):
        return [_plain(v) if isinstance(v, (dict, list, datetime.date)) else v for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return key.isoformat() if isinstance(key, datetime.date) else str(key)


def _key_bytes(tree: Any, node: int) -> bytes:
    """A key's text; an empty key (a bare `:`) has no view at all in rapidyaml."""
    key = tree.key(node)
    return bytes(key) if key is not None else b""


def _duplicates(positions: PositionTree, source: SourceFile) -> list[Diagnostic]:
    tree, found = positions.tree, []
    stack = [positions.root]
    while stack:
        node = stack.pop()
        if not tree.is_container(node):
            continue
        first: dict[bytes, int] = {}
        child = tree.first_child(node)
        while child != NONE:
            if tree.is_map(node):
                key = _key_bytes(tree, child)
                if key in first:
                    here = positions.key_span(child) or positions.value_span(child) or (0, 0)
                    there = positions.key_span(first[key]) or positions.value_span(first[key]) or (0, 0)
                    found.append(
                        codes.DUPLICATE_KEY(
                            source.span(*here),
                            f"key `{key.decode(errors='replace')}` appears twice in this mapping",
                            related=[(source.span(*there), "first defined here")],
                            help="YAML keeps only the last one: remove or merge the other",
                        )
                    )
                else:
                    first[key] = child
            stack.append(child)
            child = tree.next_sibling(child)
    return sorted(found, key=lambda d: d.span.start)


_LOCATION = re.compile(r"line (\d+), column (\d+)")


def _syntax_error(source: SourceFile, error: Exception) -> Diagnostic:
    text = str(error)
    match = _LOCATION.search(text)
    offset = 0
    if match:
        line = min(max(int(match.group(1)), 1), source.line_count)
        column = int(match.group(2))
        offset = min(source.line_starts[line - 1] + max(column - 1, 0), len(source.text))
    lines = [
        ln
        for ln in text.splitlines()
        if ln.strip() and not ln.lstrip().startswith(("|", "^")) and "|" not in ln[:6]
    ]
    reason = lines[-1].strip() if lines else "the document does not parse"
    if reason == "recursion limit exceeded":  # yaml-rs stops flow nesting at 255 levels
        return codes.NESTING_TOO_DEEP(
            source.span(offset, offset),
            f"mappings and lists nest deeper than {PARSER_DEPTH} levels here",
            help=f"apic reads documents nested at most {MAX_DEPTH} levels deep",
        )
    return codes.YAML_SYNTAX(source.span(offset, offset), f"not valid YAML: {reason}")


PARSER_DEPTH = 255  # yaml-rs's own limit for `[[…]]` / `{{…}}` (measured: 256 levels fail)
