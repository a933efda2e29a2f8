"""Load an OpenAPI document (with the files its `$ref`s reach) into a GatewayModel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult
from apic.compiler.frontends.openapi.documents import Cursor, Document, DocumentSet, objects
from apic.compiler.frontends.openapi.lower import OpenApiLowerer
from apic.compiler.frontends.openapi.validate import validate
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.suggest import did_you_mean
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
    diagnostics.extend(unknown_aws_extensions(document))
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


AWS_EXTENSIONS = {
    f"x-amazon-apigateway-{name}"
    for name in (
        "any-method",
        "api-key-source",
        "auth",
        "authorizer",
        "authtype",
        "binary-media-types",
        "cors",
        "documentation",
        "endpoint-access-mode",
        "endpoint-configuration",
        "gateway-responses",
        "importexport-version",
        "integration",
        "integrations",
        "minimum-compression-size",
        "policy",
        "request-validator",
        "request-validators",
        "tag-value",
    )
}


def unknown_aws_extensions(document: Document) -> list[Diagnostic]:
    """A misspelt `x-amazon-apigateway-*` key would be ignored by every tool: say so."""
    found = []
    keys = sorted(
        (f"{pointer}/{escape(key)}", key)
        for pointer, _, mapping in objects(document.value)
        for key in mapping
    )
    for pointer, key in keys:
        if key.startswith("x-amazon-apigateway-") and key not in AWS_EXTENSIONS:
            found.append(
                codes.INVALID_EXTENSION(
                    document.index.key_span(pointer),
                    f"unknown extension `{key}`",
                    help=did_you_mean(key, AWS_EXTENSIONS) or "see the API Gateway OpenAPI extensions",
                )
            )
    return found


def ignore_directives(document: Document) -> list[Suppression]:
    """`x-apic-ignore: [rule, …]` on any object silences those rules for findings inside it."""
    found: list[Suppression] = []
    for pointer, _, mapping in objects(document.value):
        rules = mapping.get("x-apic-ignore")
        if isinstance(rules, list) and all(isinstance(r, str) for r in rules):
            key_pointer = f"{pointer}/x-apic-ignore"
            found.append(
                Suppression(
                    "disable",
                    tuple(rules),
                    tuple(document.index.span(f"{key_pointer}/{n}") for n in range(len(rules))),
                    None,
                    document.index.key_span(key_pointer),
                    document.index.node_span(pointer),
                )
            )
    return found
