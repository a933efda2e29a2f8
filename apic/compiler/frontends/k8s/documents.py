"""Kubernetes objects out of one file, each with the spans of its fields.

What `kubectl get -o yaml`, Helm and apic's own k8s targets write is a YAML stream (documents
between `---` lines); what `kubectl get … -o yaml` gives for several objects is a `List`
with `items`; Insomnia's openapi-2-kong writes `{type, label, documents: [...]}`. All three
are read. A stream's documents are parsed one at a time, each as the whole file with every
other document blanked out (every character but line breaks made a space), so offsets, and
with them every line and column a diagnostic shows, are the file's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.openapi.yamlindex import PointerIndex, load_yaml
from apic.compiler.source import SourceFile, Span

# a document marker: `---` alone (or before a comment or a node) at the start of a line
_MARKER = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)
_BLANK = re.compile(r"[^\r\n]")


@dataclass(frozen=True)
class K8sObject:
    """One object: its value, and `pointer` (`@<document><JSON pointer>`) for spans."""

    value: dict[str, Any]
    pointer: str

    @property
    def kind(self) -> str:
        return str(self.value.get("kind", ""))

    @property
    def name(self) -> str:
        metadata = self.value.get("metadata")
        return str(metadata.get("name", "")) if isinstance(metadata, dict) else ""

    @property
    def namespace(self) -> str | None:
        metadata = self.value.get("metadata")
        found = metadata.get("namespace") if isinstance(metadata, dict) else None
        return str(found) if isinstance(found, str) and found else None

    @property
    def annotations(self) -> dict[str, str]:
        metadata = self.value.get("metadata")
        found = metadata.get("annotations") if isinstance(metadata, dict) else None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


@dataclass
class Stream:
    """The documents of one file, and spans by `@<document><JSON pointer>`."""

    source: SourceFile
    indexes: list[PointerIndex]
    values: list[Any]
    diagnostics: list[Diagnostic]

    def _split(self, pointer: str) -> tuple[PointerIndex | None, str]:
        if not pointer.startswith("@"):
            return None, pointer
        number, _, rest = pointer[1:].partition("/")
        index = self.indexes[int(number)] if number.isdigit() and int(number) < len(self.indexes) else None
        return index, "/" + rest if rest else ""

    def span(self, pointer: str) -> Span:
        index, inner = self._split(pointer)
        return self._here(index.span(inner)) if index is not None else self.source.whole()

    def key_span(self, pointer: str) -> Span:
        index, inner = self._split(pointer)
        return self._here(index.key_span(inner)) if index is not None else self.source.whole()

    def _here(self, span: Span) -> Span:
        """A span in a blanked copy, as the same offsets in the file itself."""
        return self.source.span(span.start, span.end)

    def objects(self) -> list[K8sObject]:
        """Every mapping with a `kind`, from the documents, `List` items and `documents` lists."""
        found: list[K8sObject] = []
        for number, value in enumerate(self.values):
            pointer = f"@{number}"
            if not isinstance(value, dict):
                continue
            if isinstance(value.get("documents"), list) and "kind" not in value:
                found.extend(_objects_in(value["documents"], f"{pointer}/documents"))
            elif value.get("kind") == "List" and isinstance(value.get("items"), list):
                found.extend(_objects_in(value["items"], f"{pointer}/items"))
            elif "kind" in value:
                found.append(K8sObject(value, pointer))
        return found


def _objects_in(items: list[Any], pointer: str) -> list[K8sObject]:
    return [K8sObject(item, f"{pointer}/{n}") for n, item in enumerate(items) if isinstance(item, dict)]


def read_stream(source: SourceFile) -> Stream:
    """Parse every document of `source`; a document that does not parse is its diagnostics."""
    text = source.text
    starts = [0, *(m.end() for m in _MARKER.finditer(text))]
    ends = [m.start() for m in _MARKER.finditer(text)] + [len(text)]
    indexes: list[PointerIndex] = []
    values: list[Any] = []
    diagnostics: list[Diagnostic] = []
    for start, end in zip(starts, ends, strict=True):
        body = text[start:end]
        if all(not line.strip() or line.lstrip().startswith("#") for line in body.splitlines()):
            continue  # nothing but comments: no object
        blanked = _BLANK.sub(" ", text[:start]) + body
        copy = SourceFile(source.path, blanked)
        loaded = load_yaml(copy, blanked.encode("utf-8"))
        diagnostics.extend(_moved(d, source) for d in loaded.diagnostics)
        if loaded.value is None:
            continue
        indexes.append(loaded.index)
        values.append(loaded.value)
    return Stream(source, indexes, values, diagnostics)


def _moved(diagnostic: Diagnostic, source: SourceFile) -> Diagnostic:
    """A diagnostic on a blanked copy, pointed at the file itself (same offsets)."""
    span = diagnostic.span
    return replace(diagnostic, span=source.span(span.start, span.end))
