"""The fuzzing invariant: any input gives a model or coded diagnostics (never an escaping
exception, never AP000), every span lies inside its file, and a model compiles to every
registered target or is refused with diagnostics."""

from __future__ import annotations

from pathlib import Path

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.targets.base import discover_targets

TARGETS = discover_targets()


def check(directory: Path, name: str, text: str) -> str:
    """Load `text` as if it were `directory/name`, then compile; returns how it ended
    (`model`, `refused`, `diagnostics`) and raises AssertionError when the invariant breaks."""
    loaded = load(directory / name, text=text)
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    assert (loaded.model is None) == bool(errors), "a model exactly when there is no error"
    for diagnostic in loaded.diagnostics:
        assert diagnostic.code != "AP000", diagnostic.message
        for span in (diagnostic.span, *(r.span for r in diagnostic.related)):
            assert 0 <= span.start <= span.end <= len(span.source.text), diagnostic
    if loaded.model is None:
        return "diagnostics"
    ended = "model"
    for target_name, target in TARGETS.items():
        result = target().compile(loaded.model)
        assert all(d.code != "AP000" and d.target == target_name for d in result.diagnostics)
        refused = any(d.severity is Severity.ERROR for d in result.diagnostics)
        assert bool(result.artifacts) != refused, target_name
        if refused:
            ended = "refused"
    return ended
