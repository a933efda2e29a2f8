"""OpenAPI validation, its findings mapped back to file:line:col.

Two parts, as openapi-spec-validator does it and with its findings: the document against
the published OpenAPI JSON Schema (jsonschema-rs), then the checks that schema cannot
express (semantics.py). Both read only the documents apic has already loaded (and checked
for root and remote rules), so validation never touches the network or a file outside the
project.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.openapi.documents import Document, DocumentSet
from apic.compiler.frontends.openapi.metaschemas import describe, document_validator
from apic.compiler.frontends.openapi.semantics import Finding, SpecChecks
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.source import Span

MAX_ERRORS = 50
MAX_SCANNED = 2_000


def spec_version(value: Any) -> str | None:
    """`2.0`, `3.0` or `3.1`, or None when the document is not OpenAPI or Swagger."""
    if not isinstance(value, dict):
        return None
    if str(value.get("swagger", "")).startswith("2."):
        return "2.0"
    version = str(value.get("openapi", ""))
    for known in ("3.0", "3.1"):
        if version.startswith(known):
            return known
    return None


def validate(documents: DocumentSet, root: Document) -> list[Diagnostic]:
    version = spec_version(root.value)
    if version is None:
        return [
            codes.INVALID_OPENAPI(
                root.source.whole(),
                'not an OpenAPI document: no `openapi: 3.x` or `swagger: "2.0"` field',
                help="apic reads OpenAPI 3.0, 3.1 and Swagger 2.0",
            )
        ]
    value = documents.validation_value(root)
    found: list[Diagnostic] = []
    if version == "2.0" and not isinstance(root.value.get("swagger"), str):
        # `swagger: 2.0` unquoted is a YAML number; API Gateway's import and most tools take
        # it, so apic does too, with a warning, and validates the rest as "2.0"
        found.append(
            codes.INVALID_OPENAPI(
                root.index.span("/swagger"),
                f"`swagger: {root.value.get('swagger')}` is a number (YAML reads 2.0 unquoted as one); "
                'the specification wants the string "2.0"',
                severity=Severity.WARNING,
                help='write swagger: "2.0"',
            )
        )
        value = {**value, "swagger": "2.0"}
    value = _api_gateway_forms(value, root, found)
    # all of them (up to a bound), then a stable order and cut: which 50 are shown must not
    # depend on the order the validator happens to meet them in
    collected: set[Diagnostic] = set()
    for error in islice(document_validator(version).iter_errors(value), MAX_SCANNED):
        collected.add(_diagnostic(list(error.instance_path), *describe(error), root))
    checks = SpecChecks(documents, root, version)
    try:
        checks.run()
    except RecursionError:
        found.append(
            codes.INVALID_OPENAPI(
                root.source.whole(),
                "validation is incomplete: the schemas nest deeper than apic can follow",
                severity=Severity.WARNING,
                help="the gateway model does not depend on schemas; the rest of the document was read",
            )
        )
    for finding in islice(checks.findings, MAX_SCANNED):
        collected.add(_finding(finding, documents))
    ordered = sorted(collected, key=lambda d: (d.span.path, d.span.start, d.span.end, d.message))
    return [*found, *ordered[:MAX_ERRORS]]


def _api_gateway_forms(value: Any, root: Document, found: list[Diagnostic]) -> Any:
    """Forms API Gateway itself writes in its HTTP API exports and imports, which the
    specification does not allow: a `$default` path (its catch-all route) and an `oauth2`
    security scheme without `flows` that carries an `x-amazon-apigateway-authorizer` (a JWT
    authorizer). apic reads both; each is a warning here, and the rest of the document is
    validated without them."""
    paths = value.get("paths")
    if isinstance(paths, dict) and "$default" in paths:
        found.append(
            codes.INVALID_OPENAPI(
                root.index.key_span("/paths/$default"),
                "`$default` is not a path in OpenAPI; API Gateway's HTTP API export writes its "
                "$default route this way, and apic reads it as that route",
                severity=Severity.WARNING,
            )
        )
        value = {**value, "paths": {k: v for k, v in paths.items() if k != "$default"}}
    components = value.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    if isinstance(schemes, dict):
        fixed = {}
        for name, scheme in schemes.items():
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "oauth2"
                and "flows" not in scheme
                and isinstance(scheme.get("x-amazon-apigateway-authorizer"), dict)
            ):
                found.append(
                    codes.INVALID_OPENAPI(
                        root.index.key_span(f"/components/securitySchemes/{escape(name)}"),
                        f"security scheme `{name}` is `oauth2` without `flows`; API Gateway writes JWT "
                        "authorizers this way, and apic reads its x-amazon-apigateway-authorizer",
                        severity=Severity.WARNING,
                    )
                )
                scheme = {
                    **scheme,
                    "flows": {"implicit": {"authorizationUrl": "https://apic.invalid", "scopes": {}}},
                }
            fixed[name] = scheme
        value = {**value, "components": {**components, "securitySchemes": fixed}}
    return value


DOCUMENTATION_KEYS = {
    "responses",
    "schema",
    "schemas",
    "example",
    "examples",
    "content",
    "requestBody",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
    "externalDocs",
    "info",
    "tags",
}
"""Parts of a document that describe payloads and docs, not gateway behaviour: invalid
content there is a warning, because refusing to compile over it helps nobody."""


def _diagnostic(path: list[Any], message: str, hint: str | None, root: Document) -> Diagnostic:
    """A finding of the schema check, at its place in the root document."""
    pointer = "".join(f"/{escape(str(p))}" for p in path)
    first_line = _first_line(message)
    where = f" at `{pointer}`" if pointer else ""
    missing_responses = re.match(r"""^['"]responses['"] is a required property""", first_line) is not None
    documentation_only = bool(DOCUMENTATION_KEYS.intersection(map(str, path))) or missing_responses
    # A missing property is reported on the key of the object that lacks it.
    span = (
        root.index.key_span(pointer) if "is a required property" in first_line else root.index.span(pointer)
    )
    return _invalid(span, f"{first_line}{where}", documentation_only, hint)


def _finding(finding: Finding, documents: DocumentSet) -> Diagnostic:
    """A finding of the semantic checks, at its place in whichever file holds it."""
    index = documents.documents[finding.uri].index
    span = index.key_span(finding.pointer) if finding.on_key else index.span(finding.pointer)
    where = f" at `{finding.pointer}`" if finding.pointer else ""
    return _invalid(span, f"{_first_line(finding.message)}{where}", finding.documentation, finding.help)


def _first_line(message: str) -> str:
    first_line = message.strip().splitlines()[0] if message.strip() else "invalid"
    return first_line if len(first_line) <= 300 else first_line[:297] + "…"


def _invalid(span: Span, message: str, documentation_only: bool, hint: str | None = None) -> Diagnostic:
    note = "the gateway does not depend on this part, so apic goes on; fix it for other tools"
    if hint and documentation_only:
        help_text: str | None = f"{hint} ({note})"
    else:
        help_text = hint or (note if documentation_only else None)
    return codes.INVALID_OPENAPI(
        span, message, severity=Severity.WARNING if documentation_only else None, help=help_text
    )
