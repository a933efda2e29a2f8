"""YAML as targets write it: block style, one line per long string, no anchors or aliases,
and every string through one quoting rule.

A YAML reader takes some characters for line breaks (or drops them) in a plain or block
scalar (NEL, LS, PS, CR, BOM): a string holding one is written double-quoted, where they are
escapes (`\\N`, `\\L`, `\\P`); a string with a newline is a literal block; a string YAML 1.2
reads as another type is single-quoted; the rest is left to PyYAML's safe emitter, which
quotes what YAML 1.1 would read as another type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

import yaml

from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import Api, ApiKind, GatewayModel
from apic.targets.base import Artifact, CompileResult, no_api

_YAML_BREAKS = frozenset("\x85\u2028\u2029\r\ufeff")


# libyaml's emitter, when PyYAML has it: the pure-Python emitter was three quarters of a
# 5,000-route CloudFormation compile
_FAST_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class BlockDumper(_FAST_DUMPER):  # type: ignore[valid-type,misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


class IndentedListDumper(yaml.SafeDumper):
    """Lists indented under their key, as Kong's and Kubernetes' examples read (an emitter
    setting only PyYAML's Python emitter has)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Plain scalars a YAML 1.2 reader (the core schema: yaml-rs, Go's yaml.v3, kubectl) takes for
# a number, boolean or null while PyYAML's YAML 1.1 resolver takes them for strings, so it
# would write them unquoted: `1e100` (1.1 floats need a dot), `0o17`, `0x1F`, `.Inf`
_YAML12_NOT_STRING = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
)


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _YAML12_NOT_STRING.fullmatch(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    if any(c in _YAML_BREAKS for c in value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


BlockDumper.add_representer(str, _str_presenter)
IndentedListDumper.add_representer(str, _str_presenter)


_SETTINGS = {"default_flow_style": False, "allow_unicode": True, "width": 100_000, "indent": 2}


def dump(document: Any, *, dumper: type[yaml.SafeDumper] = BlockDumper, sort_keys: bool = True) -> str:
    return yaml.dump(document, Dumper=dumper, sort_keys=sort_keys, **_SETTINGS)


def dump_all(documents: Iterable[Any], *, dumper: type[yaml.SafeDumper] = BlockDumper) -> str:
    """Several documents, `---` between them, keys sorted."""
    return yaml.dump_all(list(documents), Dumper=dumper, sort_keys=True, **_SETTINGS)


def document_artifact_text(document: Any, output_format: str) -> tuple[str, str]:
    """(text, media type) of a document in `output_format` ("yaml" or "json"), keys in the
    order written: the one serialization of the targets that write a document per api."""
    if output_format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n", "application/json"
    return dump(document, sort_keys=False), "application/yaml"


def api_documents(
    model: GatewayModel,
    what: str,
    output_format: str | None,
    kind: str,
    build: Callable[[Api], tuple[str, Any, list[Diagnostic]]],
) -> CompileResult:
    """One document per api, `<stem>.<kind>.yaml` (or .json), for the targets whose platform
    reads a description document (OpenAPI, Cloud Endpoints). `build` gives an api's file
    stem, document and diagnostics; WebSocket apis are skipped, refused as a whole by the
    capability table."""
    artifacts = []
    diagnostics = no_api(model, what)
    fmt = output_format or "yaml"
    for api in model.apis:
        if api.kind is ApiKind.WEBSOCKET:
            continue
        stem, document, said = build(api)
        diagnostics.extend(said)
        text, media = document_artifact_text(document, fmt)
        artifacts.append(Artifact(PurePosixPath(f"{stem}.{kind}.{fmt}"), text, media))
    return CompileResult(tuple(artifacts), tuple(diagnostics))
