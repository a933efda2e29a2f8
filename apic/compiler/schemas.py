"""Generates the committed JSON Schemas in apic/schemas/ from the pydantic models.

`apic-ir.schema.json` describes the GatewayModel (what `apic inspect --json` prints, and the
IR goldens); tooling can validate against it without running apic. Regenerate with
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


SCHEMAS = {"apic-ir.schema.json": ir_schema, "x-apic.schema.json": x_apic_schema}


def write_all() -> None:
    for name, build in SCHEMAS.items():
        (SCHEMA_DIR / name).write_text(json.dumps(build(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_all()
