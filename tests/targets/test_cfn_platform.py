"""The cfn target refuses what AWS refuses, whatever the flags: counts, quotas, kinds; and
the account-level logging role it writes only when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_cfn import cfn_lint

from apic.api import load
from apic.cli import main
from apic.compiler.diagnostics import Severity
from apic.targets.cfn import CfnTarget

CASES = Path(__file__).parent / "cases"


def compile_text(tmp_path: Path, text: str, **options: bool | int):  # type: ignore[no-untyped-def]
    entry = tmp_path / "api.gw"
    entry.write_text(text, encoding="utf-8")
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return CfnTarget().compile(loaded.model, None, options)


def many_routes(count: int) -> str:
    routes = "\n".join(f'  route GET "/r{i}" {{}}' for i in range(count))
    return (
        'api "big" {\n  endpoint = regional\n  backend "b" { url = "https://b.example.com" }\n'
        f"  defaults {{ backend = backend.b }}\n{routes}\n}}\n"
    )


def located(result) -> list[tuple[str, int, int, str | None]]:  # type: ignore[no-untyped-def]
    return [(d.code, *d.span.start_location, d.target) for d in result.diagnostics]


def test_target_diagnostics_name_their_target() -> None:
    loaded = load(CASES / "refused-at-deploy" / "api.gw")
    assert loaded.model is not None
    result = CfnTarget().compile(loaded.model)
    assert result.artifacts == ()
    assert {d.target for d in result.diagnostics} == {"cfn"}


def test_a_websocket_cache_is_refused_with_no_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The capability table, not lint, stops it: nothing is silently dropped."""
    (tmp_path / "ws.gw").write_text(
        'api "chat" {\n  kind = websocket\n  backend "b" { url = "https://b.example.com" }\n'
        '  defaults { backend = backend.b }\n  route "$default" { cache { ttl = 60s } }\n}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        ["compile", str(tmp_path / "ws.gw"), "-t", "cfn", "--no-lint", "-o", str(out), "--format", "json"]
    )
    assert code == 1
    assert not out.exists()
    (finding,) = json.loads(capsys.readouterr().err)
    assert (finding["code"], finding["line"], finding["column"], finding["target"]) == ("TG001", 5, 22, "cfn")
    assert finding["message"] == (
        "route $default: WebSocket APIs have no response caching on Amazon API Gateway (REST APIs do)"
    )


def test_rest_resources_over_the_quota_are_refused(tmp_path: Path) -> None:
    result = compile_text(tmp_path, many_routes(12), **{"resource-quota": 10})
    assert located(result) == [("TG001", 1, 1, "cfn")]
    assert result.diagnostics[0].message == (
        "api `big` needs 12 API Gateway resources (one per path prefix); "
        "the account's quota is 10 per REST API"
    )
    assert result.artifacts == ()
    assert compile_text(tmp_path, many_routes(12), **{"resource-quota": 12}).artifacts


def test_templates_over_500_resources_are_refused(tmp_path: Path) -> None:
    result = compile_text(tmp_path, many_routes(251))  # 251 resources + 251 methods + the api
    assert [(d.code, d.message) for d in result.diagnostics] == [
        (
            "TG001",
            "the template needs 503 resources; CloudFormation takes at most 500 per template",
        )
    ]


def test_logging_stages_get_the_account_role_only_when_asked(tmp_path: Path) -> None:
    text = (
        'api "logs" {\n  endpoint = regional\n  backend "b" { url = "https://b.example.com" }\n'
        '  defaults { backend = backend.b }\n  route GET "/x" {}\n'
        '  stage "prod" { logging = info }\n  stage "dev" {}\n}\n'
    )
    warned = compile_text(tmp_path, text)
    assert [(d.code, d.severity, *d.span.start_location) for d in warned.diagnostics] == [
        ("TG002", Severity.WARNING, 6, 18)
    ]
    assert "ApicApiGatewayAccount" not in warned.artifacts[0].text

    owned = compile_text(tmp_path, text, **{"account-logging-role": True})
    assert owned.diagnostics == ()
    resources = yaml.safe_load(owned.artifacts[0].text)["Resources"]
    assert resources["ApicApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApicApiGatewayCloudWatchRole", "Arn"]
    }
    assert resources["LogsStageProd"]["DependsOn"] == ["ApicApiGatewayAccount"]
    assert "DependsOn" not in resources["LogsStageDev"]  # it writes no logs
    assert cfn_lint(owned.artifacts[0].text, ["us-east-1"]) == []
