"""The contract of a target and its discovery.

A target turns a GatewayModel into artifacts; what it cannot express it reports as a
diagnostic on the construct's span (never by dropping it silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import GatewayModel


@dataclass(frozen=True)
class Artifact:
    path: PurePosixPath
    text: str
    media_type: str


@dataclass(frozen=True)
class CompileResult:
    artifacts: tuple[Artifact, ...]
    diagnostics: tuple[Diagnostic, ...]


class Target:
    """`output_formats` lists what `--output-format` may choose; the first is the default."""

    name: ClassVar[str]
    description: ClassVar[str]
    output_formats: ClassVar[tuple[str, ...]] = ("text",)

    def compile(self, model: GatewayModel, output_format: str | None = None) -> CompileResult:
        raise NotImplementedError


def discover_targets() -> dict[str, type[Target]]:
    """Registered targets by name; the entry-point name must equal `Target.name`."""
    found: dict[str, type[Target]] = {}
    for ep in sorted(entry_points(group="apic.targets"), key=lambda e: e.name):
        target = ep.load()
        if getattr(target, "name", None) != ep.name:
            raise RuntimeError(f"target entry point {ep.name!r} loads {target!r} whose name differs")
        found[ep.name] = target
    return found
