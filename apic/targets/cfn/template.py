"""A CloudFormation template under construction: logical ids, intrinsics, rendering.

Logical ids are derived from the names in the model (`bookstore` + `/book/{bookId}` + GET
gives `BookstoreMethodBookBookIdGet`), never from positions or counters, so editing one
route leaves every other id alone and CloudFormation updates in place instead of replacing.
Two names that collapse to the same id (`a-b` and `a_b`) are told apart by a short hash of
the original name, chosen the same way whatever the order they arrive in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import Node
from apic.compiler.source import Span

Json = Any

LOGICAL_ID_MAX = 255


def ref(logical_id: str) -> dict[str, str]:
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def escape_sub(text: str) -> str:
    """A literal inside `Fn::Sub`: `${x}` must be written `${!x}`."""
    return text.replace("${", "${!")


def pascal(text: str) -> str:
    """`book-svc/{bookId}` -> `BookSvcBookId`: the alphanumeric words, capitalised."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words)


def pruned(value: Json) -> Json:
    """Unset (None) values are left out at every depth, so emitters can write `x or None`."""
    if isinstance(value, dict):
        return {k: pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [pruned(v) for v in value if v is not None]
    return value


def short_hash(*parts: object, length: int = 8) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:length]


@dataclass
class Template:
    """Resources keyed by logical id; `allocate` keeps ids unique and stable."""

    description: str
    resources: dict[str, dict[str, Json]] = field(default_factory=dict)
    parameters: dict[str, dict[str, Json]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Json]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _owners: dict[str, str] = field(default_factory=dict)

    def allocate(self, key: str, *name_parts: str) -> str:
        """The logical id for `key` (a unique description of the thing), readable from
        `name_parts`; a hash of `key` is appended when another key already holds the id."""
        base = "".join(pascal(p) for p in name_parts) or "Resource"
        if not base[0].isalpha():
            base = "R" + base
        candidate = base[: LOGICAL_ID_MAX - 9]
        owner = self._owners.get(candidate)
        if owner is not None and owner != key:
            candidate = f"{candidate}{short_hash(key)}"
        self._owners[candidate] = key
        return candidate

    def add(
        self,
        logical_id: str,
        resource_type: str,
        properties: Mapping[str, Json],
        *,
        depends_on: Iterable[str] = (),
        condition: str | None = None,
    ) -> str:
        resource: dict[str, Json] = {"Type": resource_type}
        dependencies = sorted(set(depends_on))
        if dependencies:
            resource["DependsOn"] = dependencies
        if condition:
            resource["Condition"] = condition
        resource["Properties"] = pruned(dict(properties))
        self.resources[logical_id] = resource
        return logical_id

    def parameter(self, name: str, description: str, *, no_echo: bool = False) -> str:
        logical_id = pascal(name.lower() if name.isupper() else name)
        if logical_id in self.parameters:
            return logical_id
        spec: dict[str, Json] = {"Type": "String", "Description": description}
        if no_echo:
            spec["NoEcho"] = True
        self.parameters[logical_id] = spec
        return logical_id

    def output(self, name: str, description: str, value: Json) -> None:
        self.outputs[name] = {"Description": description, "Value": value}

    def report(
        self,
        code: codes.Code,
        node: Node,
        field_name: str | None,
        message: str,
        *,
        help: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        span: Span | None = node.span_of(field_name) if field_name else node.span
        if span is None:
            raise ValueError(f"no source position for {type(node).__name__}.{field_name}")
        self.diagnostics.append(code(span, message, help=help, severity=severity))

    def document(self) -> dict[str, Json]:
        doc: dict[str, Json] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": self.description,
        }
        if self.parameters:
            doc["Parameters"] = dict(sorted(self.parameters.items()))
        doc["Resources"] = dict(sorted(self.resources.items()))
        if self.outputs:
            doc["Outputs"] = dict(sorted(self.outputs.items()))
        return doc


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long strings kept on one line, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)


def to_yaml(document: Json) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100_000,
        indent=2,
    )


def to_json(document: Json) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
