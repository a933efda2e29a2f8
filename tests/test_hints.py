"""Messages that lead somewhere: each hint below, applied as written, gives a file without
that finding (a hint that leads to the next error is a defect)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic.api import lint, load

STAGE = 'api "a" {\n  stage "p" {}\n  usage_plan "u" {\n    stages = [stage.p]\n    quota = QUOTA\n  }\n}\n'
CANARY = (
    'api "a" {\n  route GET "/x" { auth = iam }\n  stage "p" {\n    canary { percent = PERCENT }\n  }\n}\n'
)
SAMPLING = 'api "a" {\n  route GET "/x" { auth = iam }\n  tracing {\n    default { rate = RATE }\n  }\n}\n'


@pytest.mark.parametrize(
    ("broken", "code", "hint", "fixed"),
    [
        (STAGE.replace("QUOTA", "5000"), "SC004", "for example 5000/day", STAGE.replace("QUOTA", "5000/day")),
        (
            CANARY.replace("PERCENT", "150"),
            "ST001",
            "write a share of 0% to 100% with its unit, such as 10% (`150%` would be out of range)",
            CANARY.replace("PERCENT", "10%"),
        ),
        (
            CANARY.replace("PERCENT", "20"),
            "ST001",
            "write 20% for 20 percent",
            CANARY.replace("PERCENT", "20%"),
        ),
        (
            SAMPLING.replace("RATE", "0.5"),
            "TR003",
            "write 0.5% for 0.5 percent, or 50% if 0.5 was a fraction",
            SAMPLING.replace("RATE", "50%"),
        ),
        (
            'api "a" {\n  route GET "/health"\n}\n',
            "PA001",
            "a `route` is a block: add `{ … }` after it",
            'api "a" {\n  route GET "/health" {}\n}\n',
        ),
        (
            'api "a" {\n  route GET "/h" { auth = iam, health_check = true }\n}\n',
            "SC018",
            "did you mean `healthcheck`, or move `health_check` into `backend`?",
            'api "a" {\n  route GET "/h" { auth = iam, healthcheck = true }\n}\n',
        ),
        (
            'api "a" {\n  description = "${env.TEAM}"\n}\n',
            "SC016",
            'an environment variable is read by a whole `api_key = env("TEAM")`, never inside a string; '
            "here write the value, or ${var.NAME} from a `vars` block",
            'vars { team = "payments" }\napi "a" {\n  description = "${var.team}"\n}\n',
        ),
    ],
    ids=["quota", "percent-above-100", "percent", "sampling-fraction", "route-block", "healthcheck", "env"],
)
def test_a_hint_applied_is_valid(tmp_path: Path, broken: str, code: str, hint: str, fixed: str) -> None:
    path = tmp_path / "api.gw"
    found = [d for d in lint(path, text=broken).diagnostics if d.code == code]
    assert [d.help for d in found] == [hint]
    after = lint(path, text=fixed)
    assert load(path, text=fixed).model is not None
    assert [d for d in after.diagnostics if d.code == code] == []
