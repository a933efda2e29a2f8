"""What one lint run does: which rules, at which severities, with which options.

Selection follows sqlfluff's reference map: a selector is `ALL`, a code (`RT001`), a name
(`route-duplicate`) or a family (`RT`); codes win over names, names over families. The
project file gives `select`/`ignore` and per-rule settings; `--select` on the command line
replaces the file's `select` and `--ignore` adds to its `ignore`. Every unknown selector or
option is a diagnostic at the place it was written (the config key or the argument).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from apic.compiler import codes
from apic.compiler.codes import Code
from apic.compiler.config import LoadedConfig
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleOptions
from apic.compiler.source import Span
from apic.compiler.suggest import did_you_mean

# The runner's own checks on suppressions; selectable and configurable like rules.
SUPPRESSION_CHECKS: tuple[Code, ...] = (
    codes.SUPPRESSION_UNUSED,
    codes.SUPPRESSION_MISSING_REASON,
    codes.SUPPRESSION_UNKNOWN_RULE,
)


@dataclass(frozen=True)
class Selector:
    text: str
    span: Span


@dataclass
class LintPlan:
    rules: tuple[type[Rule], ...]
    severities: dict[str, Severity] = field(default_factory=dict)  # by code, configured only
    options: dict[str, RuleOptions] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    checks: dict[str, Severity] = field(default_factory=dict)  # enabled suppression checks
    names: dict[str, str] = field(default_factory=dict)  # every rule code and name -> code

    def severity_of(self, code: str) -> Severity | None:
        return self.severities.get(code)


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    family: str


def make_plan(
    rules: Sequence[type[Rule]],
    loaded: LoadedConfig,
    *,
    select: Sequence[Selector] | None = None,
    ignore: Sequence[Selector] = (),
    fail_on: Severity | None = None,
) -> tuple[LintPlan, list[Diagnostic]]:
    entries = [_Entry(r.code, r.name, r.family()) for r in rules]
    entries += [_Entry(c.code, c.name, c.code.rstrip("0123456789")) for c in SUPPRESSION_CHECKS]
    names = {e.code: e.code for e in entries} | {e.name: e.code for e in entries}
    problems: list[Diagnostic] = []
    lint = loaded.config.lint

    def resolve(selector: Selector) -> set[str]:
        text = selector.text
        if text == "ALL":
            return {e.code for e in entries}
        if text in names:
            return {names[text]}
        family = {e.code for e in entries if e.family == text}
        if family:
            return family
        code = codes.UNKNOWN_RULE
        problems.append(
            code(
                selector.span,
                f"`{text}` is not a rule code, rule name, family or ALL",
                help=did_you_mean(text, sorted(names)) or "see `apic rules`",
            )
        )
        return set()

    def config_selectors(key: str, values: Sequence[str]) -> list[Selector]:
        return [Selector(v, loaded.span("lint", key, i)) for i, v in enumerate(values)]

    if select is None:
        select = config_selectors("select", lint.select) if lint.select is not None else None
    chosen: set[str] = set()
    for selector in select if select is not None else [Selector("ALL", loaded.span())]:
        chosen |= resolve(selector)
    for selector in [*config_selectors("ignore", lint.ignore), *ignore]:
        chosen -= resolve(selector)

    plan = LintPlan(rules=(), names=names)
    by_code = {r.code: r for r in rules}
    for key, setting in sorted(lint.rules.items()):
        key_span = loaded.span("lint", "rules", key)
        if key not in names:
            problems.append(
                codes.UNKNOWN_RULE(
                    key_span,
                    f"`{key}` is not a rule code or name",
                    help=did_you_mean(key, sorted(names)) or "see `apic rules`",
                )
            )
            continue
        code = names[key]
        if not isinstance(setting, (str, dict)):
            problems.append(
                codes.INVALID_CONFIG(
                    key_span,
                    f'`{key}` must be a severity (error, warning, info), "off", or a table of options',
                )
            )
            continue
        severity_text: Any = setting if isinstance(setting, str) else setting.get("severity")
        if severity_text == "off":
            chosen.discard(code)
        elif severity_text is not None:
            if severity_text not in ("error", "warning", "info"):
                problems.append(
                    codes.INVALID_CONFIG(
                        loaded.span(
                            "lint", "rules", key, *([] if isinstance(setting, str) else ["severity"])
                        ),
                        f"severity of `{key}` must be error, warning, info or off, not `{severity_text}`",
                    )
                )
            else:
                plan.severities[code] = Severity(severity_text)
        if isinstance(setting, dict):
            options = {k: v for k, v in setting.items() if k != "severity"}
            rule = by_code.get(code)
            if rule is None:
                if options:
                    problems.append(
                        codes.INVALID_CONFIG(key_span, f"`{key}` has no options, only a severity")
                    )
                continue
            try:
                plan.options[code] = rule.Options.model_validate(options)
            except ValidationError as error:
                for problem in error.errors():
                    where = [p for p in problem["loc"] if isinstance(p, (str, int))]
                    option = ".".join(str(p) for p in where)
                    known = ", ".join(f.alias or n for n, f in rule.Options.model_fields.items()) or "none"
                    message = (
                        f"`{key}` has no option `{option}` (its options: {known})"
                        if problem["type"] == "extra_forbidden"
                        else f"option `{option}` of `{key}`: {problem['msg']}"
                    )
                    problems.append(codes.INVALID_CONFIG(loaded.span("lint", "rules", key, *where), message))

    plan.rules = tuple(r for r in rules if r.code in chosen)
    plan.checks = {
        c.code: plan.severities.get(c.code, c.severity) for c in SUPPRESSION_CHECKS if c.code in chosen
    }
    plan.fail_on = fail_on or Severity(lint.fail_on)
    return plan, problems
