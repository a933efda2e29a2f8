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


def write_all() -> None:
    path = SCHEMA_DIR / "apic-ir.schema.json"
    path.write_text(json.dumps(ir_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_all()
