"""Load an OpenAPI document (with the files its `$ref`s reach) into a GatewayModel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apic.compiler.diagnostics import Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult
from apic.compiler.frontends.openapi.documents import Cursor, Document, DocumentSet, is_data
from apic.compiler.frontends.openapi.lower import OpenApiLowerer
from apic.compiler.frontends.openapi.validate import validate
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.suppress import Suppression

OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")


def load_openapi(
    path: Path, options: LoadOptions | None = None, text: str | None = None, api_name: str | None = None
) -> LoadResult:
    """Read, resolve, validate and lower; `api_name` overrides `info.title` (an import's alias)."""
    options = options or LoadOptions()
    root = (options.project_root or path.resolve().parent).resolve()
    documents = DocumentSet(root=root, allow_remote=options.allow_remote_refs)
    document = documents.load_file(path, text)
    sources = [d.source for d in documents.documents.values()]
    if document is None or any(d.severity is Severity.ERROR for d in documents.diagnostics):
        return LoadResult(None, sort_unique(documents.diagnostics), sources)
    documents.close(document)
    diagnostics = list(documents.diagnostics)
    if not any(d.severity is Severity.ERROR for d in diagnostics):
        # With a broken reference the validator could only repeat it, vaguely, at 1:1.
        diagnostics.extend(validate(documents, document))
    suppressions = ignore_directives(document)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return LoadResult(None, sort_unique(diagnostics), _sources(documents), suppressions)
    title = (
        document.value.get("info", {}).get("title") if isinstance(document.value.get("info"), dict) else None
    )
    lowerer = OpenApiLowerer(
        Cursor(documents, document, "", document.value), api_name or str(title or path.stem)
    )
    model = lowerer.lower()
    diagnostics.extend(lowerer.diagnostics)
    diagnostics.extend(d for d in documents.diagnostics if d not in diagnostics)
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    return LoadResult(None if failed else model, sort_unique(diagnostics), _sources(documents), suppressions)


def _sources(documents: DocumentSet) -> list[Any]:
    return [d.source for d in documents.documents.values()]


def ignore_directives(document: Document) -> list[Suppression]:
    """`x-apic-ignore: [rule, …]` on any object silences those rules for findings inside it."""
    found: list[Suppression] = []
    stack: list[tuple[Any, str, str]] = [(document.value, "", "")]
    while stack:
        value, pointer, parent_key = stack.pop()
        if isinstance(value, dict):
            rules = value.get("x-apic-ignore")
            if isinstance(rules, list) and all(isinstance(r, str) for r in rules):
                key_pointer = f"{pointer}/x-apic-ignore"
                found.append(
                    Suppression(
                        "disable",
                        tuple(rules),
                        tuple(document.index.span(f"{key_pointer}/{n}") for n in range(len(rules))),
                        None,
                        document.index.key_span(key_pointer),
                        document.index.span(pointer),
                    )
                )
            for key, child in value.items():
                if isinstance(child, (dict, list)) and not is_data(key, parent_key, pointer):
                    stack.append((child, f"{pointer}/{escape(key)}", key))
        elif isinstance(value, list):
            stack.extend(
                (child, f"{pointer}/{n}", "")
                for n, child in enumerate(value)
                if isinstance(child, (dict, list))
            )
    return found
