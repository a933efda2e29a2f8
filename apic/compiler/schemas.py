"""Generates the committed JSON Schemas in apic/schemas/ from the pydantic models.

`apic-ir.schema.json` describes the GatewayModel (what `apic inspect --json` prints, and the
IR goldens); tooling can validate against it without running apic. Editors use the others:
`x-apic.schema.json` (the OpenAPI extensions), `apic-config.schema.json` (apic.toml) and
`apic-diagnostics.schema.json` (`--format json`). Regenerate with
`python -m apic.compiler.schemas`; a test fails when the committed file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from apic.compiler.model import GatewayModel

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def ir_schema() -> dict[str, Any]:
    schema = TypeAdapter(GatewayModel).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://apic.dev/schemas/apic-ir.schema.json"
    return schema


def x_apic_schema() -> dict[str, Any]:
    """The x-apic-* extension values, for editors: document-level and operation-level keys."""
    from apic.compiler.frontends.openapi.extensions import XDocument, XOperation

    document = TypeAdapter(XDocument).json_schema(by_alias=True)
    operation = TypeAdapter(XOperation).json_schema(by_alias=True)
    definitions = {**document.pop("$defs", {}), **operation.pop("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://apic.dev/schemas/x-apic.schema.json",
        "title": "apic OpenAPI extensions",
        "description": "x-apic-* keys of an OpenAPI document (root object) and of its Operation objects.",
        "$defs": {**definitions, "XDocument": document, "XOperation": operation},
        "oneOf": [{"$ref": "#/$defs/XDocument"}, {"$ref": "#/$defs/XOperation"}],
    }


def config_schema() -> dict[str, Any]:
    """apic.toml, and the `[tool.apic]` table of pyproject.toml (the same object), for Taplo
    and other TOML editors."""
    from apic.compiler.config import ApicConfig

    schema = TypeAdapter(ApicConfig).json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://apic.dev/schemas/apic-config.schema.json"
    schema["title"] = "apic configuration (apic.toml, or [tool.apic] in pyproject.toml)"
    return schema


def diagnostics_schema() -> dict[str, Any]:
    """What `--format json` prints: an array of diagnostics (diagnostics.JsonDiagnostic)."""
    from apic.compiler.diagnostics import JsonDiagnostic

    schema = TypeAdapter(list[JsonDiagnostic]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://apic.dev/schemas/apic-diagnostics.schema.json"
    schema["title"] = "apic diagnostics (--format json)"
    return schema


SCHEMAS = {
    "apic-ir.schema.json": ir_schema,
    "x-apic.schema.json": x_apic_schema,
    "apic-config.schema.json": config_schema,
    "apic-diagnostics.schema.json": diagnostics_schema,
}


def write_all() -> None:
    for name, build in SCHEMAS.items():
        (SCHEMA_DIR / name).write_text(json.dumps(build(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_all()
