"""The rule engine with rules written for the test: severity, suppression, crash containment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from apic.api import load
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.plan import LintPlan
from apic.compiler.lint.registry import build_rule_set
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.lint.runner import run_rules
from apic.compiler.model import AuthKind, GatewayModel


class PublicRoute(Rule):
    code = "ZZ001"
    name = "test-public-route"
    summary = "flags routes with auth none"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for route in api.routes:
                if any(a.kind is AuthKind.NONE for alternative in route.auth for a in alternative):
                    yield self.diagnostic(route.span_of("auth"), f"route {route.label} is public")


class Crashes(Rule):
    code = "ZZ002"
    name = "test-crashes"
    summary = "always raises"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        raise KeyError("missing")


TEXT = """\
api "a" {
  route GET "/x" { auth = none }
  route GET "/y" {
    auth = none # apic: disable=test-public-route -- ok
  }
}
"""


def test_runner_stamps_severity_suppresses_and_contains_crashes(tmp_path: Path) -> None:
    loaded = load(tmp_path / "r.gw", text=TEXT)
    assert loaded.model is not None
    outcome = run_rules(
        loaded.model,
        [PublicRoute, Crashes],
        fallback_span=loaded.sources[0].whole(),
        plan=LintPlan(rules=(PublicRoute, Crashes), severities={"ZZ001": Severity.ERROR}),
        suppressions=loaded.suppressions,
    )
    found = [(d.code, d.severity.value, d.span.start_location) for d in outcome.diagnostics]
    assert found == [("ZZ001", "error", (2, 20)), ("AP001", "error", (1, 1))]
    assert outcome.diagnostics[1].message == "rule ZZ002 (test-crashes) crashed: KeyError: 'missing'"
    assert outcome.used_suppressions == {0}


def test_registry_reports_broken_and_duplicate_packs() -> None:
    rule_set = build_rule_set(
        [
            ("good", "tests:GOOD", [PublicRoute]),
            ("again", "tests:AGAIN", [PublicRoute]),
            ("broken", "tests:BROKEN", ImportError("no module named x")),
            ("odd", "tests:ODD", [object]),
        ]
    )
    assert rule_set.rules == (PublicRoute,)
    assert [d.message for d in rule_set.diagnostics] == [
        "rule pack `again`: rule ZZ001 test-public-route repeats a code or name of pack `good`",
        "rule pack `broken` failed to load: ImportError: no module named x",
        "rule pack `odd`: `<class 'object'>` is not a Rule class",
    ]
    assert {d.code for d in rule_set.diagnostics} == {"AP004"}


def test_x_apic_ignore_silences_findings_inside_its_object(tmp_path: Path) -> None:
    document = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /open:
    get:
      security: []
      x-apic-ignore: [test-public-route]
      responses: {"200": {description: ok}}
  /also-open:
    get:
      security: []
      responses: {"200": {description: ok}}
"""
    loaded = load(tmp_path / "doc.yaml", text=document)
    assert loaded.model is not None
    (directive,) = loaded.suppressions
    assert directive.rules == ("test-public-route",) and directive.span.start_location == (7, 7)
    outcome = run_rules(
        loaded.model, [PublicRoute], fallback_span=loaded.sources[0].whole(), suppressions=loaded.suppressions
    )
    assert [(d.code, d.span.start_location) for d in outcome.diagnostics] == [("ZZ001", (11, 7))]
    assert outcome.used_suppressions == {0}
