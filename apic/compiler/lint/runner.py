"""Runs rules over a model: severity from config, suppressions applied, crashes contained.

After the rules, the suppressions themselves are checked (when those checks are selected):
a directive naming an unknown rule (AP006), one that silenced nothing (AP002) and one
without a `-- reason` (AP005). A directive for a rule that did not run (ignored in the
configuration) is not called unused: it may matter in another configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.plan import LintPlan
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.source import Span
from apic.compiler.suggest import did_you_mean
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
    plan: LintPlan | None = None,
    suppressions: Sequence[Suppression] = (),
) -> LintOutcome:
    """Every rule runs, even after another crashed; a crash is an AP001 at `fallback_span`."""
    plan = plan or LintPlan(rules=tuple(rules))
    found: list[Diagnostic] = []
    for rule_class in rules:
        rule = rule_class()
        options = plan.options.get(rule_class.code) or rule_class.Options()
        try:
            produced = list(rule.check(model, RuleContext(options=options)))
        except Exception as error:
            found.append(
                codes.RULE_CRASHED(
                    fallback_span,
                    f"rule {rule_class.code} ({rule_class.name}) crashed: {type(error).__name__}: {error}",
                    help="this is a bug in the rule: disable it while it is fixed, and report it",
                )
            )
            continue
        severity = plan.severity_of(rule_class.code)
        found.extend(d.with_severity(severity) if severity else d for d in produced)

    kept, used = _apply(found, suppressions)
    ran = {r.code for r in rules}
    checks = _check_suppressions(suppressions, used, plan, ran)
    kept_checks, _ = _apply(checks, suppressions)
    return LintOutcome(kept + kept_checks, {i for i, _ in used})


def _apply(
    diagnostics: Sequence[Diagnostic], suppressions: Sequence[Suppression]
) -> tuple[list[Diagnostic], set[tuple[int, str]]]:
    kept: list[Diagnostic] = []
    used: set[tuple[int, str]] = set()
    for diagnostic in diagnostics:
        if diagnostic.code == codes.RULE_CRASHED.code:
            kept.append(diagnostic)
            continue
        keys = (diagnostic.code, diagnostic.name)
        covering = [i for i, s in enumerate(suppressions) if s.covers(diagnostic, keys)]
        if not covering:
            kept.append(diagnostic)
        for index in covering:
            rules = suppressions[index].rules
            used.update((index, r) for r in rules if r in keys or r == "all")
    return kept, used


def _check_suppressions(
    suppressions: Sequence[Suppression],
    used: set[tuple[int, str]],
    plan: LintPlan,
    ran: set[str],
) -> list[Diagnostic]:
    checks = plan.checks
    out: list[Diagnostic] = []
    for index, directive in enumerate(suppressions):
        for rule, span in zip(directive.rules, directive.rule_spans, strict=True):
            if rule != "all" and rule not in plan.names:
                if codes.SUPPRESSION_UNKNOWN_RULE.code in checks:
                    out.append(
                        codes.SUPPRESSION_UNKNOWN_RULE(
                            span,
                            f"`{rule}` is not a rule: this suppression silences nothing",
                            help=did_you_mean(rule, sorted(plan.names)) or "see `apic rules`",
                            severity=checks[codes.SUPPRESSION_UNKNOWN_RULE.code],
                        )
                    )
                continue
            if rule != "all" and plan.names[rule] not in ran:
                continue
            if (index, rule) not in used and codes.SUPPRESSION_UNUSED.code in checks:
                out.append(
                    codes.SUPPRESSION_UNUSED(
                        span,
                        f"`{rule}` reports nothing here: the suppression is unused",
                        help="remove it, or move it to the construct the rule reports",
                        severity=checks[codes.SUPPRESSION_UNUSED.code],
                    )
                )
        if directive.reason is None and codes.SUPPRESSION_MISSING_REASON.code in checks:
            out.append(
                codes.SUPPRESSION_MISSING_REASON(
                    directive.span,
                    f"suppression of {', '.join(f'`{r}`' for r in directive.rules)} gives no reason",
                    help="say why after ` -- `, e.g. `# apic: disable=rule -- reason`",
                    severity=checks.get(codes.SUPPRESSION_MISSING_REASON.code, Severity.INFO),
                )
            )
    return out
