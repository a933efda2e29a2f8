"""Load an OpenAPI document (with the files its `$ref`s reach) into a GatewayModel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult
from apic.compiler.frontends.openapi.documents import Cursor, Document, DocumentSet
from apic.compiler.frontends.openapi.lower import OpenApiLowerer
from apic.compiler.frontends.openapi.validate import validate
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.suggest import did_you_mean
from apic.compiler.suppress import Suppression


def load_openapi(
    path: Path, options: LoadOptions | None = None, text: str | None = None, api_name: str | None = None
) -> LoadResult:
    """Read, resolve, validate and lower; `api_name` overrides `info.title` (an import's alias)."""
    options = options or LoadOptions()
    root = (options.project_root or path.resolve().parent).resolve()
    documents = DocumentSet(
        root=root, allow_remote=options.allow_remote_refs, max_bytes=options.max_input_bytes
    )
    document = documents.load_file(path, text)
    sources = [d.source for d in documents.documents.values()]
    if document is None or any(d.severity is Severity.ERROR for d in documents.diagnostics):
        return LoadResult(None, sort_unique(documents.diagnostics), sources)
    documents.close(document)
    diagnostics = list(documents.diagnostics)
    if not any(d.severity is Severity.ERROR for d in diagnostics):
        # With a broken reference the validator could only repeat it, vaguely, at 1:1.
        diagnostics.extend(validate(documents, document))
    suppressions, suppression_problems = ignore_directives(document)
    diagnostics.extend(suppression_problems)
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
    """A misspelt `x-amazon-apigateway-*` key would be ignored by every tool: say so. Kong's
    converter extensions (`x-kong-plugin-*`, `x-kong-name`, …) are another tool's input that
    apic does not read: said too, so that no plugin a document asks for vanishes unnoticed."""
    found = []
    keys = sorted(
        (f"{pointer}/{escape(key)}", key)
        for pointer, _, mapping in document.mappings()
        for key in mapping
        if key.startswith(("x-amazon-apigateway-", "x-kong-"))
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
        elif key.startswith("x-kong-"):
            found.append(
                codes.NOT_REPRESENTED(
                    document.index.key_span(pointer),
                    f"`{key}` is an extension of Kong's own converter, which apic does not read",
                    help="say it in apic's model (auth, throttles, cors, x-apic-*), which every target reads",
                )
            )
    return found


def ignore_directives(document: Document) -> tuple[list[Suppression], list[Diagnostic]]:
    """`x-apic-ignore` on any object silences rules for findings inside it.

    Two forms: a list of rule names or codes (`[route-no-auth]`), or a mapping from rule to
    the reason (`{route-no-auth: "public catalogue"}`), the OpenAPI spelling of `-- reason`.
    Anything else is reported, never skipped.
    """
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for pointer, _, mapping in document.mappings():
        if "x-apic-ignore" not in mapping:
            continue
        value = mapping["x-apic-ignore"]
        key_pointer = f"{pointer}/x-apic-ignore"
        scope = document.index.node_span(pointer)
        directive = document.index.key_span(key_pointer)
        if isinstance(value, list) and value and all(isinstance(r, str) for r in value):
            spans = tuple(document.index.span(f"{key_pointer}/{n}") for n in range(len(value)))
            found.append(Suppression("disable", tuple(value), spans, None, directive, scope))
        elif isinstance(value, dict) and value and all(isinstance(r, str) for r in value):
            for rule, reason in value.items():
                rule_pointer = f"{key_pointer}/{escape(rule)}"
                text = reason.strip() if isinstance(reason, str) and reason.strip() else None
                rule_span = document.index.key_span(rule_pointer)
                found.append(Suppression("disable", (rule,), (rule_span,), text, rule_span, scope))
        else:
            problems.append(
                codes.INVALID_SUPPRESSION(
                    document.index.span(key_pointer),
                    "`x-apic-ignore` must be a list of rule names or a mapping from rule name to reason",
                    help='e.g. x-apic-ignore: {route-no-auth: "public catalogue"}',
                )
            )
    return found, problems
