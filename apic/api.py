"""The stable programmatic surface: load, lint. The CLI and the language server use only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity, sort_unique
from apic.compiler.frontends.base import LoadOptions, LoadResult, decode, display_path
from apic.compiler.frontends.dsl.load import GW_SUFFIX, load_gw
from apic.compiler.frontends.openapi.load import OPENAPI_SUFFIXES, load_openapi
from apic.compiler.lint.registry import discover_rules
from apic.compiler.lint.runner import run_rules


def load(path: Path, options: LoadOptions | None = None, text: str | None = None) -> LoadResult:
    """Load any supported input; `text` stands in for the file's content (editor buffers)."""
    if path.suffix == GW_SUFFIX:
        return load_gw(path, options, text)
    if path.suffix.lower() in OPENAPI_SUFFIXES:
        return load_openapi(path, options, text)
    data = text.encode() if text is not None else path.read_bytes()
    source, _ = decode(data, display_path(path))
    return LoadResult(
        None,
        [
            codes.UNSUPPORTED_IMPORT(
                source.whole(),
                f"cannot read `{path.name}`: apic reads .gw, and OpenAPI in .yaml, .yml or .json",
            )
        ],
        [source],
    )


@dataclass
class LintResult:
    load: LoadResult
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def at_least(self, severity: Severity) -> bool:
        return any(d.severity.at_least(severity) for d in self.diagnostics)


def lint(path: Path, options: LoadOptions | None = None, text: str | None = None) -> LintResult:
    """Load, then run every registered rule; input errors stop before the rules."""
    loaded = load(path, options, text)
    diagnostics = list(loaded.diagnostics)
    rule_set = discover_rules()
    diagnostics.extend(rule_set.diagnostics)
    if loaded.model is not None:
        outcome = run_rules(
            loaded.model,
            rule_set.rules,
            fallback_span=loaded.sources[0].whole(),
            suppressions=loaded.suppressions,
        )
        diagnostics.extend(outcome.diagnostics)
    return LintResult(loaded, sort_unique(diagnostics))
