"""The JSON Schemas an OpenAPI description is checked against, compiled once by jsonschema-rs.

The schemas are the published ones, as shipped inside the packages that bundle them
(openapi-spec-validator: the OpenAPI 2.0 / 3.0 / 3.1 document schemas; jsonschema-specifications:
Draft 4; openapi-schema-validator: the OpenAPI 3.1 Schema Object dialect). They are read as
files found through the import system without importing those packages: importing
openapi-spec-validator costs about 0.13 s, a third of a small document's whole lint.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

DOCUMENT_SCHEMAS = {"2.0": "v2.0", "3.0": "v3.0", "3.1": "v3.1"}
OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not installed; apic needs its schema files")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def _read(package: str, *parts: str) -> Any:
    return json.loads(_package_file(package, *parts).read_text(encoding="utf-8"))


@cache
def document_validator(version: str) -> Any:
    """The validator for a whole document of `version` ("2.0", "3.0", "3.1"), built as
    openapi-spec-validator builds it (the schema's own draft, its default options), so a
    document gets the same structural findings it always got."""
    import jsonschema_rs

    schema = _read("openapi_spec_validator", "resources", "schemas", DOCUMENT_SCHEMAS[version], "schema.json")
    return jsonschema_rs.validator_cls_for(schema)(schema)


@cache
def schema_object_validator(dialect: str) -> Any:
    """The meta-schema a Schema Object is checked against: Draft 4 for OpenAPI 2.0 and 3.0
    (what openapi-schema-validator's OAS 3.0 validator declares as its meta-schema), the
    OpenAPI 3.1 base dialect (Draft 2020-12 plus the OAS vocabulary) for 3.1, or any dialect
    jsonschema-rs knows by its `$schema` URI. Formats in the meta-schema are asserted (a
    `pattern` must be an ECMA-262 regular expression), as openapi-spec-validator does with
    its format checker. Raises LookupError for a dialect nobody knows."""
    import jsonschema_rs

    if dialect in ("2.0", "3.0"):
        dialect = "http://json-schema.org/draft-04/schema"
    draft = JSON_SCHEMA_DRAFTS.get(dialect.rstrip("#"))
    if draft is not None:
        meta = _read("jsonschema_specifications", "schemas", draft, "metaschema.json")
        return jsonschema_rs.validator_cls_for(meta)(meta, validate_formats=True)
    if dialect.rstrip("#") != OAS31_DIALECT:
        raise LookupError(f"Unknown JSON Schema dialect: {dialect!r}")
    where = ("openapi_schema_validator", "schemas", "oas3.1")
    dialect_schema = _read(*where, "metaschema.json")
    vocabulary = _read(*where, "vocabularies", "base")
    registry = jsonschema_rs.Registry([(OAS31_DIALECT, dialect_schema), (vocabulary["$id"], vocabulary)])
    return jsonschema_rs.validator_for(dialect_schema, registry=registry, validate_formats=True)


JSON_SCHEMA_DRAFTS = {
    "http://json-schema.org/draft-04/schema": "draft4",
    "http://json-schema.org/draft-06/schema": "draft6",
    "http://json-schema.org/draft-07/schema": "draft7",
    "https://json-schema.org/draft/2019-09/schema": "draft201909",
    "https://json-schema.org/draft/2020-12/schema": "draft202012",
}
"""The dialects a Schema Object may name in `$schema` (those jsonschema knows, less Draft 3, which
jsonschema-rs does not implement and no OpenAPI version uses), and the folder
of jsonschema-specifications that holds each one's meta-schema."""


def describe(error: Any) -> tuple[str, str | None]:
    """A jsonschema-rs error as apic says it: its message, except that an `enum` mismatch
    lists every allowed value (jsonschema-rs names two and counts the rest) and suggests the
    closest one (in backticks, so an editor offers it as a quick fix)."""
    options = getattr(error.kind, "options", None) if getattr(error.kind, "name", "") == "enum" else None
    if not isinstance(options, list):
        return error.message, None
    from apic.compiler.suggest import did_you_mean, one_of

    listed = one_of([json.dumps(o, ensure_ascii=False) for o in options], fmt="{}")
    hint = None
    if isinstance(error.instance, str):
        hint = did_you_mean(error.instance, [o for o in options if isinstance(o, str)])
    return f"{json.dumps(error.instance, ensure_ascii=False)} is not one of {listed}", hint
