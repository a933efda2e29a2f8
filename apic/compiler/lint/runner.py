"""Runs rules over a model: severity from config, suppressions applied, crashes contained."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.source import Span
from apic.compiler.suppress import Suppression


@dataclass
class LintOutcome:
    diagnostics: list[Diagnostic]
    used_suppressions: set[int] = field(default_factory=set)


def run_rules(
    model: GatewayModel,
    rules: Sequence[type[Rule]],
    *,
    fallback_span: Span,
    severities: Mapping[str, Severity] | None = None,
    suppressions: Sequence[Suppression] = (),
) -> LintOutcome:
    """Every rule runs, even after another crashed; a crash is an AP001 at `fallback_span`."""
    severities = severities or {}
    found: list[Diagnostic] = []
    for rule_class in rules:
        rule = rule_class()
        ctx = RuleContext(options=rule_class.Options())
        try:
            produced = list(rule.check(model, ctx))
        except Exception as error:
            found.append(
                codes.RULE_CRASHED(
                    fallback_span,
                    f"rule {rule_class.code} ({rule_class.name}) crashed: {type(error).__name__}: {error}",
                    help="this is a bug in the rule: disable it while it is fixed, and report it",
                )
            )
            continue
        severity = severities.get(rule_class.code) or severities.get(rule_class.name)
        found.extend(d.with_severity(severity) if severity else d for d in produced)

    kept: list[Diagnostic] = []
    used: set[int] = set()
    for diagnostic in found:
        keys = (diagnostic.code, diagnostic.name)
        covering = [i for i, s in enumerate(suppressions) if s.covers(diagnostic, keys)]
        if covering and diagnostic.code != codes.RULE_CRASHED.code:
            used.update(covering)
            continue
        kept.append(diagnostic)
    return LintOutcome(kept, used)
