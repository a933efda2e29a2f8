"""OpenAPI documents and `$ref`s: files read once, references followed with their positions.

A `Cursor` is a value together with where it lives (document and JSON Pointer). Following
a `$ref` moves the cursor into the target, in the same or another file, so every model
node built from it gets the span of the text that defined it. References are checked when
they are followed and when the set is closed over (for validation):
- a remote URL is never fetched unless `allow_remote` is set;
- a file reference may not leave the project root;
- a missing file or pointer, and a cycle of references, are diagnostics at the `$ref`.
"""

from __future__ import annotations

import os
import stat
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.base import (
    InputTooLarge,
    LoadOptions,
    decode,
    display_path,
    read_bounded,
    too_large,
    unusable_path,
)
from apic.compiler.frontends.openapi.yamlindex import PointerIndex, escape, load_yaml, pointer_tokens
from apic.compiler.source import SourceFile, Span

REMOTE_SCHEMES = ("http://", "https://")
FETCHED_SCHEMES = ("http", "https")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http(s) address (urllib also allows ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).scheme.lower() not in FETCHED_SCHEMES:
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-http(s) address", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _http_only_opener() -> urllib.request.OpenerDirector:
    """An opener that speaks http and https only: urlopen's default one also reads file:,
    ftp: and data: addresses, which would let a remote document name a local file."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _http_only_opener()


@dataclass
class Document:
    uri: str  # file:///… or the remote URL
    source: SourceFile
    value: Any
    index: PointerIndex
    _mappings: list[tuple[str, str, dict[str, Any]]] | None = field(default=None, repr=False, compare=False)

    def mappings(self) -> list[tuple[str, str, dict[str, Any]]]:
        """`objects(self.value)`, walked once: `$ref` collection, `x-apic-ignore` and the
        extension-name check each read every mapping of the document."""
        if self._mappings is None:
            self._mappings = list(objects(self.value))
        return self._mappings

    def at(self, pointer: str) -> Any:
        value = self.value
        for token in pointer_tokens(pointer):
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise KeyError(pointer)
        return value


@dataclass
class DocumentSet:
    root: Path
    allow_remote: bool = False
    max_bytes: int = LoadOptions.max_input_bytes
    documents: dict[str, Document] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _bundled: dict[str, Any] = field(default_factory=dict)
    cycles: set[frozenset[tuple[str, str]]] = field(default_factory=set)
    _reported: set[tuple[str, str]] = field(default_factory=set)
    # joined reference address -> (outcome, problem, resolved path): a multi-file description
    # refers to the same few files tens of thousands of times, and resolving a path is a
    # system call per folder (DigitalOcean: 45,783 resolves, a third of its lint)
    _paths: dict[str, tuple[str, str | None, Path | None]] = field(default_factory=dict)
    # (referring document, address) -> the document a good local reference names: joining
    # the address to the base URI was another 0.6 s of DigitalOcean's lint
    _local_targets: dict[tuple[str, str], Document] = field(default_factory=dict)
    _folders: dict[Path, Path] = field(default_factory=dict)
    _changed: dict[str, set[str]] = field(default_factory=dict)

    # -- reading -------------------------------------------------------------------------
    def load_file(self, path: Path, text: str | None = None, *, resolved: bool = False) -> Document | None:
        uri = (path if resolved else path.resolve()).as_uri()
        if uri in self.documents:
            return self.documents[uri]
        if text is not None:
            data = text.encode("utf-8")
        else:
            try:
                data = read_bounded(path, self.max_bytes)
            except InputTooLarge as error:
                self.diagnostics.append(too_large(display_path(path), error))
                return None
        source, problem = decode(data, display_path(path, resolved=resolved))
        if problem:
            self.diagnostics.append(problem)
        loaded = load_yaml(source, source.text.encode("utf-8"))
        self.diagnostics.extend(loaded.diagnostics)
        document = Document(uri, source, loaded.value, loaded.index)
        self.documents[uri] = document
        return document if loaded.value is not None or not loaded.diagnostics else None

    def _load_remote(self, url: str, at: Span | _RefPlace) -> Document | None:
        if url in self.documents:
            return self.documents[url]
        if urllib.parse.urlsplit(url).scheme.lower() not in FETCHED_SCHEMES:
            return self._fail(at, codes.REMOTE_REF, f"`{url}` is not an http or https address")
        try:
            with _OPENER.open(url, timeout=10) as response:
                data = response.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                raise InputTooLarge(len(data), self.max_bytes)
        except Exception as error:
            self.diagnostics.append(codes.REF_NOT_FOUND(_span(at), f"cannot fetch `{url}`: {error}"))
            return None
        source, _ = decode(data, url)
        loaded = load_yaml(source, source.text.encode("utf-8"))
        self.diagnostics.extend(loaded.diagnostics)
        document = Document(url, source, loaded.value, loaded.index)
        self.documents[url] = document
        return document

    # -- references ----------------------------------------------------------------------
    def target(self, ref: str, document: Document, holder: str) -> tuple[Document, str] | None:
        """Where `ref` points, or None (reported at the `$ref`). `holder` is the pointer of the
        object that holds the `$ref` in `document`: its span is only looked up for a report,
        as a description refers tens of thousands of times and fails rarely (looking every
        span up was 0.28 s of a GitHub lint)."""
        at = _RefPlace(document, holder)
        address, _, fragment = ref.partition("#")
        pointer = urllib.parse.unquote(fragment)
        if pointer and not pointer.startswith("/"):
            return self._fail(
                at, codes.REF_NOT_FOUND, f"`{ref}`: only JSON Pointer fragments (#/…) are supported"
            )
        target_doc = self._local_targets.get((document.uri, address)) if address else document
        if target_doc is None:
            target_doc = self._target_document(ref, address, document, at)
        if target_doc is None:
            return None
        try:
            target_doc.at(pointer)
        except KeyError:
            return self._fail(
                at, codes.REF_NOT_FOUND, f"`{ref}`: `{pointer or '/'}` is not in {target_doc.source.path}"
            )
        return target_doc, pointer

    def _target_document(self, ref: str, address: str, document: Document, at: _RefPlace) -> Document | None:
        """The document a reference's address names, loaded (None: reported)."""
        try:
            scheme = urllib.parse.urlsplit(address).scheme.lower()
        except ValueError:
            return self._fail(at, codes.REF_NOT_FOUND, f"`{ref}` is not a valid reference")
        target_doc: Document | None
        if scheme and scheme not in FETCHED_SCHEMES:
            # file:, ftp:, data: … are never read, with or without --allow-remote-refs: a
            # local file is named by its path, so the project root applies to it
            return self._fail(
                at,
                codes.REMOTE_REF,
                f"`{ref}`: `{scheme}:` references are never followed; only http and https ones, "
                "with --allow-remote-refs",
                help="name a file of the project by its relative path",
            )
        elif scheme:
            if not self.allow_remote:
                return self._fail(
                    at,
                    codes.REMOTE_REF,
                    f"remote reference `{ref}` is not fetched",
                    help="pass --allow-remote-refs to fetch it, or vendor the file into the project",
                )
            target_doc = self._load_remote(address, at)
        else:
            base = document.uri
            if base.startswith(REMOTE_SCHEMES):
                # a remote document's relative references stay on its own origin, never
                # on this machine's file system
                target_doc = self._load_remote(urllib.parse.urljoin(base, address), at)
            else:
                outcome, problem, resolved = self._file_of(urllib.parse.urljoin(base, address))
                if problem:
                    return self._fail(at, codes.REF_NOT_FOUND, f"`{ref[:80]}`: the file name {problem}")
                assert resolved is not None
                if outcome == "outside":
                    return self._fail(
                        at,
                        codes.REF_OUTSIDE_ROOT,
                        f"`{ref}` leaves the project root",
                        help=f"the project root is `{display_path(self.root)}/`: move the file into it, "
                        "or widen it with --project-root",
                    )
                if outcome == "missing":
                    return self._fail(
                        at, codes.REF_NOT_FOUND, f"`{ref}`: file {display_path(resolved)} does not exist"
                    )
                target_doc = self.load_file(resolved, resolved=True)
                if target_doc is not None:
                    self._local_targets[base, address] = target_doc
        return target_doc

    def _file_of(self, joined: str) -> tuple[str, str | None, Path | None]:
        """What a local reference's address names: ("ok" | "outside" | "missing", a problem with
        the name, the resolved path), worked out once per address."""
        found = self._paths.get(joined)
        if found is None:
            path = Path(urllib.request.url2pathname(urllib.parse.urlparse(joined).path))
            problem = unusable_path(path)
            if problem:
                found = ("unusable", problem, None)
            else:
                resolved, is_file = self._real_path(path)
                if not resolved.is_relative_to(self.root):
                    found = ("outside", None, resolved)
                elif not is_file:
                    found = ("missing", None, resolved)
                else:
                    found = ("ok", None, resolved)
            self._paths[joined] = found
        return found

    def _real_path(self, path: Path) -> tuple[Path, bool]:
        """`path.resolve()` and whether it is a regular file, with one `lstat` per file: the
        folders' real paths are resolved once each (the 2,849 files of a multi-file
        description sit in a few dozen folders). A link as the last component is resolved in
        full, so the project-root check always sees where the link leads."""
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = path.parent.resolve()
        candidate = folder / path.name if path.name not in ("", ".", "..") else path.resolve()
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:
            return candidate, False
        if stat.S_ISLNK(mode):
            real = candidate.resolve()
            return real, real.is_file()
        return candidate, stat.S_ISREG(mode)

    def _fail(self, place: Span | _RefPlace, code: codes.Code, message: str, help: str | None = None) -> None:
        at = _span(place)
        key = (at.path, f"{at.start}:{message}")
        if key not in self._reported:
            self._reported.add(key)
            self.diagnostics.append(code(at, message, help=help))
        return None

    def close(self, start: Document) -> None:
        """Load every file the document reaches through `$ref`s, reporting broken ones."""
        pending = [start]
        seen = {start.uri}
        while pending:
            document = pending.pop()
            for pointer, ref in _refs(document):
                found = self.target(ref, document, pointer)
                if found is None:
                    continue
                target = found[0].at(found[1])
                if isinstance(target, dict) and isinstance(target.get("$ref"), str):
                    # A chain of references: follow it now, so a cycle is reported before
                    # the validator meets it.
                    Cursor(self, document, pointer, document.at(pointer)).resolved()
                if found[0].uri not in seen:
                    seen.add(found[0].uri)
                    pending.append(found[0])

    def validation_value(self, document: Document) -> Any:
        """The document as the validator must see it: with the `$ref`s that the usual
        bundlers accept but the specification does not (to an Operation, to a plain value
        such as a description string: DigitalOcean writes both) replaced by their targets,
        and every other reference to another file made absolute so the validator's handler
        can serve it. Shared schemas stay references: inlining them made validating
        DigitalOcean's description take 44 s instead of seconds.
        """
        cached = self._bundled.get(document.uri)
        if cached is None:
            cached = self._bundle(document, document.value, "", "", document.uri, (), shortcut=True)
            self._bundled[document.uri] = cached
        return cached

    def _changing(self, document: Document) -> set[str]:
        """The pointers of every object that holds, or is, a `$ref` the bundle rewrites: one
        that stands for an Operation or a named map (inlined), one to a plain value, one to
        another file or one that does not resolve (left to the walk)."""
        found = self._changed.get(document.uri)
        if found is None:
            found = set()
            for pointer, parent_key, mapping in document.mappings():
                ref = mapping.get("$ref")
                if not isinstance(ref, str):
                    continue
                if ref.startswith("#") and parent_key not in INLINED_KEYS:
                    try:
                        target = document.at(urllib.parse.unquote(ref[1:]))
                    except KeyError:
                        target = None
                    if isinstance(target, (dict, list)):
                        continue
                place = pointer
                while place not in found:
                    found.add(place)
                    if not place:
                        break
                    place = place.rsplit("/", 1)[0]
            self._changed[document.uri] = found
        return found

    def validation_value_at(self, uri: str, pointer: str) -> Any:
        """The part of a document at `pointer` as the validator sees it (see above); the
        pointer must not pass through a `$ref`, which the callers resolve themselves."""
        value = self.validation_value(self.documents[uri])
        for token in pointer_tokens(pointer):
            value = value[int(token)] if isinstance(value, list) else value[token]
        return value

    def _bundle(
        self,
        document: Document,
        value: Any,
        pointer: str,
        parent_key: str,
        host: str,
        stack: tuple[str, ...],
        *,
        shortcut: bool = False,
    ) -> Any:
        """`value` (at `pointer` of `document`) as the validator of `host` must see it. With
        `shortcut` (the walk follows the document's own layout, so pointers are exact), a
        part holding no `$ref` that changes is the document's own object, not a copy: most
        references in a single-file description stay as they are, and copying all of
        GitHub's description cost 0.27 s."""
        if shortcut and document.uri == host and pointer not in self._changing(document):
            return value
        if isinstance(value, list):
            return [
                self._bundle(document, v, f"{pointer}/{n}", "", host, stack, shortcut=shortcut)
                for n, v in enumerate(value)
            ]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str):
            found = self.target(ref, document, pointer)
            if found is None:
                return value
            target_doc, target_pointer = found
            target = target_doc.at(target_pointer)
            absolute = f"{target_doc.uri}#{target_pointer}"
            if not isinstance(target, (dict, list)):
                return target
            if parent_key in INLINED_KEYS and absolute not in stack:
                return self._bundle(target_doc, target, target_pointer, parent_key, host, (*stack, absolute))
            if target_doc.uri == host and document.uri == host:
                return value
            return {**value, "$ref": absolute}
        return {
            k: v
            if is_data(k, parent_key, pointer)
            else self._bundle(document, v, f"{pointer}/{escape(k)}", k, host, stack, shortcut=shortcut)
            for k, v in value.items()
        }


@dataclass(frozen=True)
class _RefPlace:
    """Where a `$ref` is written, its span not yet looked up."""

    document: Document
    holder: str


def _span(place: Span | _RefPlace) -> Span:
    return place.document.index.span(place.holder + "/$ref") if isinstance(place, _RefPlace) else place


OPERATION_KEYS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
NAMED_MAPS = {
    "paths",
    "components",
    "schemas",
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "variables",
    "encoding",
    "mapping",
}
INLINED_KEYS = OPERATION_KEYS | NAMED_MAPS
"""Where a `$ref` stands for something the specification never lets a Reference Object be:
an Operation, or a whole map of named things. These are inlined for validation."""
DATA_KEYS = {"example", "default", "enum", "const"}
SCHEMA_MAPS = {"properties", "patternProperties", "definitions", "$defs"}


def is_data(key: str, parent_key: str, pointer: str) -> bool:
    """Whether `key` (in a mapping held under `parent_key`, at `pointer`) holds example or
    default data, where a `$ref` is payload rather than a reference.

    Property names are never data, and `default` under `responses` is the default response.
    """
    if parent_key in SCHEMA_MAPS:
        return False
    if key == "default":
        return parent_key != "responses"
    if key in DATA_KEYS:
        return True
    return key == "value" and pointer.rsplit("/", 2)[-2:-1] == ["examples"]


def objects(value: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every mapping of a document that is OpenAPI, not example or default data, as
    (pointer, the key it sits under, the mapping). The one walk behind `$ref` collection,
    `x-apic-ignore` and the extension-name check; its order decides which `$ref` of a
    cycle is reported, so it must not change lightly."""
    stack: list[tuple[Any, str, str]] = [(value, "", "")]
    while stack:
        item, pointer, parent_key = stack.pop()
        if isinstance(item, dict):
            yield pointer, parent_key, item
            for key, child in item.items():
                if isinstance(child, (dict, list)) and not is_data(key, parent_key, pointer):
                    stack.append((child, f"{pointer}/{escape(key)}", key))
        elif isinstance(item, list):
            for position, child in enumerate(item):
                if isinstance(child, (dict, list)):
                    stack.append((child, f"{pointer}/{position}", ""))


def _refs(document: Document) -> Iterator[tuple[str, str]]:
    """Every (pointer, `$ref` string) in a document, skipping example and default data."""
    for pointer, _, mapping in document.mappings():
        ref = mapping.get("$ref")
        if isinstance(ref, str):
            yield pointer, ref


@dataclass(frozen=True)
class Cursor:
    """A value and where it was written; `$ref`s are followed on the way down."""

    documents: DocumentSet
    document: Document
    pointer: str
    value: Any

    @property
    def span(self) -> Span:
        return self.document.index.span(self.pointer)

    def key_span(self) -> Span:
        return self.document.index.key_span(self.pointer)

    @property
    def node_span(self) -> Span:
        return self.document.index.node_span(self.pointer)

    def child_span(self, key: str) -> Span:
        return self.document.index.span(f"{self.pointer}/{escape(key)}")

    def resolved(self) -> Cursor | None:
        """Follow `$ref` chains; None when a reference is broken or circular (reported)."""
        current: Cursor = self
        visited: list[tuple[str, str]] = []
        chain: list[str] = []
        while isinstance(current.value, dict) and isinstance(current.value.get("$ref"), str):
            here = (current.document.uri, current.pointer)
            chain.append(current.value["$ref"])
            if here in visited:
                cycle = frozenset(visited[visited.index(here) :])
                if cycle not in self.documents.cycles:  # one report per cycle, wherever entered
                    self.documents.cycles.add(cycle)
                    self.documents._fail(
                        _RefPlace(current.document, current.pointer),
                        codes.REF_CYCLE,
                        f"circular `$ref`: {' -> '.join(chain)}",
                    )
                return None
            visited.append(here)
            found = self.documents.target(current.value["$ref"], current.document, current.pointer)
            if found is None:
                return None
            document, pointer = found
            current = Cursor(self.documents, document, pointer, document.at(pointer))
        return current

    def get(self, key: str) -> Cursor | None:
        value = self.value.get(key) if isinstance(self.value, dict) else None
        if value is None:
            return None
        return Cursor(self.documents, self.document, f"{self.pointer}/{escape(key)}", value).resolved()

    def items(self) -> Iterator[tuple[str, Cursor]]:
        if isinstance(self.value, dict):
            for key in self.value:
                child = self.get(key)
                if child is not None:
                    yield key, child

    def elements(self) -> Iterator[Cursor]:
        if isinstance(self.value, list):
            for position, value in enumerate(self.value):
                child = Cursor(self.documents, self.document, f"{self.pointer}/{position}", value).resolved()
                if child is not None:
                    yield child
