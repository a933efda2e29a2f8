"""OpenAPI validation with openapi-spec-validator, its errors mapped back to file:line:col.

The validator resolves `$ref`s itself; it is given a handler that answers from the
documents apic has already read (and checked for root and remote rules), so validation
never touches the network or a file outside the project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.openapi.documents import Document, DocumentSet
from apic.compiler.frontends.openapi.yamlindex import escape

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
    # Imported here, not at module level: it costs 0.19 s, which every `apic check` of a
    # .gw file would otherwise pay at start-up without validating any OpenAPI.
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    base = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}[
        version
    ]

    def from_loaded(uri: str) -> Any:
        document = documents.documents.get(uri.split("#", 1)[0])
        if document is None:
            raise LookupError(f"{uri} was not loaded (a broken or refused $ref)")
        return documents.validation_value(document)

    keyword_validators = dict(base.keyword_validators)
    keyword_validators["schema"] = _with_id_sets(keyword_validators["schema"])
    validator_class = type(
        "ApicSpecValidator",
        (base,),
        {
            "resolver_handlers": {
                "file": from_loaded,
                "http": from_loaded,
                "https": from_loaded,
                "<all_urls>": from_loaded,
            },
            "keyword_validators": keyword_validators,
        },
    )
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
    validator = validator_class(value, base_uri=root.uri)
    # all of them (up to a bound), then a stable order and cut: which 50 are shown must not
    # depend on the order the validator happens to meet them in
    collected: set[Diagnostic] = set()
    try:
        errors: Iterable[Any] = islice(validator.iter_errors(), MAX_SCANNED)
        for error in errors:
            collected.add(_diagnostic(error, root))
    except RecursionError:
        # openapi-spec-validator follows schema cycles (A allOf B allOf A) without end.
        found.append(
            codes.INVALID_OPENAPI(
                root.source.whole(),
                "validation is incomplete: openapi-spec-validator cannot follow a cycle of schema references",
                severity=Severity.WARNING,
                help="the gateway model does not depend on schemas; the rest of the document was read",
            )
        )
    except Exception as error:
        # openapi-spec-validator can fail on structures it has just reported as invalid (a
        # KeyError after "parameters is not an array"); only a failure with nothing reported
        # says something new.
        if not found and not collected:
            found.append(
                codes.INVALID_OPENAPI(
                    root.source.whole(), f"validation stopped: {type(error).__name__}: {error}"
                )
            )
    ordered = sorted(collected, key=lambda d: (d.span.path, d.span.start, d.span.end, d.message))
    return [*found, *ordered[:MAX_ERRORS]]


class _IdSet(list):  # type: ignore[type-arg]
    """A list whose `in` is a set lookup.

    openapi-spec-validator 0.9 remembers the schemas it has visited and meta-checked in
    lists and asks `schema_id in visited` for every schema, which is quadratic: validating a
    50,000-operation document took 48 s (965 us per route, rising with size). Its keyword
    validators are a documented extension point, so apic swaps the lists, not the library.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _with_id_sets(schema_validator: type) -> type:
    """The library's schema keyword validator with constant-time visited checks, and a
    meta-schema check that says where and is the same on every run.

    The library checks each Schema Object against its dialect with `check_schema`, which
    raises the `best_match` of the errors: ties between equally relevant errors fall to an
    iteration order that changes with PYTHONHASHSEED, and the error's path is relative to
    the schema, so apic printed it at 1:1. Here every error is collected, the deepest one
    (then the first by path and message) is reported, and it carries the schema's own path.
    """

    def __init__(self: Any, registry: Any) -> None:
        schema_validator.__init__(self, registry)
        self.visited_schema_ids = _IdSet()
        self.meta_checked_schema_ids = _IdSet()

    def _validate_schema_meta(self: Any, schema: Any, schema_value: Any) -> Any:
        try:
            checker = self._get_schema_checker(schema, schema_value)
        except ValueError:
            return schema_validator._validate_schema_meta(self, schema, schema_value)
        function = getattr(checker, "func", checker)
        validator_cls = getattr(function, "__self__", None)
        if validator_cls is None:
            return schema_validator._validate_schema_meta(self, schema, schema_value)
        from jsonschema.validators import validator_for

        options = getattr(checker, "keywords", {}) or {}
        meta_cls = validator_for(validator_cls.META_SCHEMA, default=validator_cls)  # as check_schema does
        # the OpenAPI dialects' meta-schemas live in their own registry (their check_schema
        # passes it); one registry that holds both serves either
        meta = meta_cls(
            schema=validator_cls.META_SCHEMA,
            format_checker=options.get("format_checker", meta_cls.FORMAT_CHECKER),
            registry=_meta_registry(),
        )
        errors = [_deepest(e) for e in meta.iter_errors(schema_value)]
        if not errors:
            return None
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

        chosen = min(errors, key=_error_order)
        error = OpenAPIValidationError.create_from(chosen)
        error.apic_schema_path = tuple(map(str, schema.parts))
        return error

    return type(
        f"Apic{schema_validator.__name__}",
        (schema_validator,),
        {"__init__": __init__, "_validate_schema_meta": _validate_schema_meta},
    )


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


@lru_cache(maxsize=1)
def _meta_registry() -> Any:
    """JSON Schema's own meta-schemas and the OpenAPI dialects', in one registry."""
    from jsonschema_specifications import REGISTRY as JSON_SCHEMA
    from openapi_schema_validator.validators import OPENAPI_SPECIFICATIONS

    return OPENAPI_SPECIFICATIONS.combine(JSON_SCHEMA)


def _error_order(error: Any) -> tuple[int, list[str], str]:
    """Deepest first, then by path and message: one answer whatever the hash seed."""
    path = [str(p) for p in error.absolute_path]
    return -len(path), path, str(error.message)


def _deepest(error: Any) -> Any:
    """Down an `anyOf`/`oneOf` failure to the most specific reason."""
    while getattr(error, "context", None):
        error = min(error.context, key=_error_order)
    return error


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


def _diagnostic(error: Any, root: Document) -> Diagnostic:
    path = list(getattr(error, "absolute_path", None) or getattr(error, "path", None) or [])
    path = [*getattr(error, "apic_schema_path", ()), *path]  # a Schema Object's own errors
    pointer = "".join(f"/{escape(str(p))}" for p in path)
    message = getattr(error, "message", None) or str(error)
    first_line = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    if len(first_line) > 300:
        first_line = first_line[:297] + "…"
    where = f" at `{pointer}`" if pointer else ""
    # jsonschema quotes the property 'so', jsonschema-rs "so": both spellings are matched
    missing_responses = re.match(r"""^['"]responses['"] is a required property""", first_line) is not None
    documentation_only = bool(DOCUMENTATION_KEYS.intersection(map(str, path))) or missing_responses
    # A missing property is reported on the key of the object that lacks it.
    span = (
        root.index.key_span(pointer) if "is a required property" in first_line else root.index.span(pointer)
    )
    return codes.INVALID_OPENAPI(
        span,
        f"{first_line}{where}",
        severity=Severity.WARNING if documentation_only else None,
        help="the gateway does not depend on this part, so apic goes on; fix it for other tools"
        if documentation_only
        else None,
    )
