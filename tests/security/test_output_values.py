"""User values reach CloudFormation only through its quoting (issue 11): `Fn::Sub` escapes,
no user map becomes a function call, YAML keeps every character, parameters never collide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apic.api import load
from apic.targets.cfn import CfnTarget
from apic.targets.cfn.template import sub, to_json, to_yaml

BASE = (
    'api "s" {{\n  endpoint = regional\n  backend "b" {{ url = "https://b.example.com" }}\n'
    '  defaults {{ backend = backend.b, auth = api_key }}\n  route GET "/x" {{}}\n{body}}}\n'
)


def compiled(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    (tmp_path / "api.gw").write_text(BASE.format(body=body), encoding="utf-8")
    loaded = load(tmp_path / "api.gw")
    assert loaded.model is not None, [(d.code, d.message) for d in loaded.diagnostics]
    return CfnTarget().compile(loaded.model, None, {})


def test_user_text_in_fn_sub_is_escaped() -> None:
    assert sub("https://${%s}/%s", "Api", "p${AWS::AccountId}") == {
        "Fn::Sub": "https://${Api}/p${!AWS::AccountId}"
    }
    assert sub("x/%s", "$${y}") == {"Fn::Sub": "x/$${!y}"}  # `$${` keeps its `$`


def test_user_maps_never_become_functions(tmp_path: Path) -> None:
    result = compiled(
        tmp_path,
        '  stage "prod" {\n    variables = { Ref = "AWS::AccountId" }\n    canary {\n      percent = 5%\n'
        '      variables = { "Fn::Sub" = "x" }\n    }\n  }\n',
    )
    assert result.artifacts == ()
    assert [(d.code, *d.span.start_location) for d in result.diagnostics] == [
        ("TG001", 7, 5),
        ("TG001", 10, 7),
    ]


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029", "\r", "\ufeff"])
def test_every_character_survives_the_yaml_output(tmp_path: Path, character: str) -> None:
    document = {"Description": f"a{character}b", "Lines": f"one\ntwo{character}"}
    assert yaml.safe_load(to_yaml(document)) == document
    assert json.loads(to_json(document)) == document


def test_environment_parameters_never_collide(tmp_path: Path) -> None:
    result = compiled(
        tmp_path,
        '  stage "prod" {}\n  usage_plan "p" { stages = [stage.prod] }\n'
        '  consumer "a" {\n    plan = usage_plan.p\n    api_key = env("ACME_API_KEY")\n  }\n'
        '  consumer "b" {\n    plan = usage_plan.p\n    api_key = env("acme_api_key")\n  }\n'
        '  consumer "lit" {\n    plan = usage_plan.p\n    api_key = env("SKeyLit")\n  }\n',
    )
    document = yaml.safe_load(result.artifacts[0].text)
    parameters = document["Parameters"]
    assert len(parameters) == 3 and "EnvVarAcmeApiKey" in parameters
    assert not set(parameters) & set(document["Resources"])
    keys = {
        r["Properties"]["Name"]: r["Properties"]["Value"]
        for r in document["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::ApiKey"
    }
    assert len({json.dumps(v) for v in keys.values()}) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('  consumer "c" { plan = usage_plan.p, api_key = env("") }\n', [("SC011", 2, 53)]),
        ('  consumer "c" { plan = usage_plan.p, api_key = env("acme-api-key") }\n', [("SC011", 2, 53)]),
        ('  stage "p" { throttle { rate = -5/s, burst = -1 } }\n', [("SC011", 2, 33), ("SC011", 2, 47)]),
    ],
)
def test_values_aws_refuses_are_refused_where_written(tmp_path: Path, body: str, expected: list) -> None:
    (tmp_path / "api.gw").write_text(
        'api "s" {\n' + body + '  stage "prod" {}\n  usage_plan "p" { stages = [stage.prod] }\n}\n',
        encoding="utf-8",
    )
    assert [(d.code, *d.span.start_location) for d in load(tmp_path / "api.gw").diagnostics] == expected
