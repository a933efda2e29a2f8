"""Per-rule cases: tests/rules/<CODE>.yaml, each case an input and every expected finding.

```yaml
rule: RT001
cases:
  - name: any_beside_get          # what the case is about
    gw: |                          # or `openapi:` for an OpenAPI document
      api "a" { … }
    expect: ["3:3", "5:3 warning"] # line:col of each finding of this rule, severity optional
    config: {severity: warning}    # optional: [lint.rules.<rule>] settings
```

A case without `expect` (or with `expect: []`) must produce no finding of the rule. Only
the rule's own findings are compared, so cases stay small; the docs examples check that
rules do not fire on each other's examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from apic.api import lint, lint_plan
from apic.compiler.config import ApicConfig, LoadedConfig
from apic.compiler.rules import RULES

HERE = Path(__file__).parent
CODES = {r.code for r in RULES}


def load_cases() -> list[Any]:
    params = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, f"{path.name} names rule {data['rule']}"
        for case in data["cases"]:
            params.append(pytest.param(data["rule"], case, id=f"{path.stem}-{case['name']}"))
    return params


def test_every_rule_has_failing_and_passing_cases() -> None:
    covered: dict[str, set[str]] = {}
    for param in load_cases():
        code, case = param.values
        covered.setdefault(code, set()).add("fail" if case.get("expect") else "pass")
    missing = {c for c in CODES if covered.get(c) != {"fail", "pass"}}
    assert not missing, f"rules without both fail and pass cases: {sorted(missing)}"


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    rule = next(r for r in RULES if r.code == code)
    config = ApicConfig.model_validate(
        {"lint": {"rules": {rule.name: case["config"]}}} if "config" in case else {}
    )
    plan, problems = lint_plan(LoadedConfig(config))
    assert problems == []
    if "openapi" in case:
        path, text = tmp_path / "api.yaml", case["openapi"]
    else:
        path, text = tmp_path / "api.gw", case["gw"]
    result = lint(path, text=text, plan=plan)
    assert result.load.model is not None, [f"{d.code} {d.message}" for d in result.load.diagnostics]
    found = []
    for d in result.diagnostics:
        if d.code != code:
            continue
        line, column = d.span.start_location
        found.append(f"{line}:{column} {d.severity.value}")
    expected = []
    for item in case.get("expect") or []:
        position, _, severity = str(item).partition(" ")
        expected.append(f"{position} {severity or rule.default_severity.value}")
    assert found == expected, [d.message for d in result.diagnostics if d.code == code]
