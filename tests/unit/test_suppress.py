"""Suppression directives: parsing, what they cover, and the problems they report."""

from __future__ import annotations

from pathlib import Path

from apic.api import load

TEXT = """\
api "a" {
  # apic: disable=route-no-auth,RT001 -- public on purpose
  route GET "/x" {
    auth = none
  }
  route GET "/y" {
    auth = none   // apic: disable=route-no-auth -- trailing
  }
  # apic: disable-next-line=route-no-auth
  route GET "/z" { auth = none }
}
"""


def load_text(text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return load(tmp_path / "s.gw", text=text)


def test_statement_trailing_and_next_line_scopes(tmp_path: Path) -> None:
    result = load_text(TEXT, tmp_path)
    assert result.diagnostics == []
    own, trailing, next_line = result.suppressions
    assert (own.rules, own.reason, own.kind) == (("route-no-auth", "RT001"), "public on purpose", "disable")
    assert own.scope.start_location == (3, 3) and own.scope.end_location == (5, 4)  # the whole route block
    assert trailing.scope.start_location == (7, 5) and trailing.scope.end_location == (7, 16)  # `auth = none`
    assert next_line.reason is None
    assert next_line.scope.start_location == (10, 1) and next_line.scope.end_location == (10, 33)
    assert [s.start_location for s in own.rule_spans] == [(2, 19), (2, 33)]


def test_disable_file_covers_everything(tmp_path: Path) -> None:
    result = load_text('# apic: disable-file=tls-policy-weak -- legacy\napi "a" {}\n', tmp_path)
    (directive,) = result.suppressions
    assert directive.scope.start == 0 and directive.scope.end == len(result.sources[0].text)


def test_unreadable_directive_is_reported(tmp_path: Path) -> None:
    result = load_text('# apic: disable route-no-auth\napi "a" {}\n', tmp_path)
    assert [(d.code, d.severity.value, d.span.start_location) for d in result.diagnostics] == [
        ("AP003", "warning", (1, 1))
    ]
    assert result.model is not None


def test_all_is_only_for_disable_file(tmp_path: Path) -> None:
    result = load_text('api "a" {\n  # apic: disable=all\n  kind = rest\n}\n', tmp_path)
    assert [(d.code, d.severity.value, d.span.start_location) for d in result.diagnostics] == [
        ("AP003", "error", (2, 19))
    ]
    file_wide = load_text("# apic: disable-file=all\n", tmp_path)
    assert [(d.code, d.severity.value) for d in file_wide.diagnostics] == [("AP003", "warning")]
