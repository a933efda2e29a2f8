"""Target `cfn` (and `xray`): golden templates, checked by cfn-lint with apic's own rules.

Each folder under tests/targets/cases holds one input (`api.gw` or `openapi.yaml`) and what
each target must write for it; for cfn: `cfn.yaml` (the template), `xray.json` when the
input samples traces, and `cfn.diagnostics.txt` when compiling reports anything. A first line
`# expect: CODE line:col; ...` pins a case's cfn diagnostics exactly; such cases write
nothing when an error is among them. (tests/targets/test_kong.py reads the same folders.)
`pytest --update-goldens` rewrites the expected files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from conftest import ROOT, check_golden

from apic.api import load
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import GatewayModel
from apic.compiler.plan import sampling
from apic.targets.cfn import CfnTarget
from apic.targets.cfn.lint import APPEND_RULES_DIR, CUSTOM_RULES_FILE
from apic.targets.xray import XrayTarget

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*(.+)")
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.gw") if p.parent.name not in ("common", "payments"))


def case_input(case: Path) -> Path:
    return next(p for p in sorted(case.iterdir()) if p.name in ("api.gw", "openapi.yaml"))


def cfn_lint(text: str, regions: list[str]) -> list[str]:
    """Every finding of cfn-lint (errors, warnings, informational) with apic's rules on."""
    matches = lint(
        text,
        config=ManualArgs(
            regions=regions,
            append_rules=[str(APPEND_RULES_DIR)],
            custom_rules=str(CUSTOM_RULES_FILE),
        ),
    )
    return [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches]


def regions_of(model: GatewayModel) -> list[str]:
    return sorted({api.region for api in model.apis if api.region} or {"us-east-1"})


def diagnostic_lines(diagnostics: list[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        line, column = d.span.source.location(d.span.start)
        lines.append(
            ((line, column, d.code, d.message), f"{line}:{column} {d.severity.value}[{d.code}] {d.message}")
        )
    return "".join(text + "\n" for _, text in sorted(lines))


def compile_case(entry: Path) -> tuple[GatewayModel, object, list[Diagnostic]]:
    loaded = load(entry)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    assert [d for d in loaded.diagnostics if d.severity is Severity.ERROR] == []
    result = CfnTarget().compile(loaded.model)
    return loaded.model, result, [*loaded.diagnostics, *result.diagnostics]


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool) -> None:
    entry = case_input(case)
    model, result, diagnostics = compile_case(entry)
    if diagnostics:
        check_golden(case / "cfn.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    header = EXPECT.match(entry.read_text(encoding="utf-8").split("\n", 1)[0])
    if header:
        expected = sorted(item.split() for item in header.group(1).split(";"))
        actual = sorted([d.code, "{}:{}".format(*d.span.source.location(d.span.start))] for d in diagnostics)
        assert actual == expected
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert header, f"{case.name}: errors in a case that does not expect them"
        return
    template = result.artifacts[0].text
    check_golden(case / "cfn.yaml", template, update_goldens)
    assert cfn_lint(template, regions_of(model)) == []
    if any(sampling.has_sampling(api) for api in model.apis):
        check_golden(case / "xray.json", XrayTarget().compile(model).artifacts[0].text, update_goldens)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_compiles_to_a_clean_template(example: Path) -> None:
    model, result, diagnostics = compile_case(example)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    template = result.artifacts[0].text
    assert cfn_lint(template, regions_of(model)) == []
    as_json = CfnTarget().compile(model, "json").artifacts[0].text
    assert json.loads(as_json) == yaml.safe_load(template)


def test_bookstore_template_says_what_the_scenario_says() -> None:
    _, result, _ = compile_case(ROOT / "examples" / "bookstore.gw")
    resources = yaml.safe_load(result.artifacts[0].text)["Resources"]
    by_type: dict[str, dict[str, dict]] = {}
    for name, resource in resources.items():
        by_type.setdefault(resource["Type"], {})[name] = resource.get("Properties", {})

    methods = by_type["AWS::ApiGateway::Method"]
    assert sorted(methods) == [
        "BookstoreMethodAuthorAuthorIdGET7af4ba08",
        "BookstoreMethodBookBookIdGET6fd0e7da",
        "BookstoreMethodBookListGET",
    ]
    assert {name: m.get("ApiKeyRequired", False) for name, m in methods.items()} == {
        "BookstoreMethodAuthorAuthorIdGET7af4ba08": True,
        "BookstoreMethodBookBookIdGET6fd0e7da": True,
        "BookstoreMethodBookListGET": False,  # the healthcheck: probes send no key
    }
    book = methods["BookstoreMethodBookBookIdGET6fd0e7da"]["Integration"]
    assert book["Type"] == "HTTP_PROXY"
    assert book["ConnectionType"] == "VPC_LINK"
    assert book["ConnectionId"] == {"Ref": "BookstoreVpcLinkEks"}
    assert book["IntegrationTarget"].endswith(":loadbalancer/app/bookstore-int/0123456789abcdef")
    assert book["Uri"] == "http://bookstore-int.internal.example.com/api/book/{bookId}"
    assert book["TimeoutInMillis"] == 10000
    assert by_type["AWS::ApiGatewayV2::VpcLink"]["BookstoreVpcLinkEks"]["SubnetIds"] == [
        "subnet-0aaa1111",
        "subnet-0bbb2222",
    ]

    (deployment_id,) = by_type["AWS::ApiGateway::Deployment"]
    assert re.fullmatch(r"BookstoreDeployment[0-9a-f]{10}", deployment_id)
    assert sorted(resources[deployment_id]["DependsOn"]) == sorted(methods)

    stage = by_type["AWS::ApiGateway::Stage"]["BookstoreStageProd"]
    assert stage["StageName"] == "prod"
    assert stage["TracingEnabled"] is True
    assert stage["CacheClusterSize"] == "0.5"

    (plan,) = by_type["AWS::ApiGateway::UsagePlan"].values()
    assert plan["Throttle"] == {"RateLimit": 10, "BurstLimit": 20}
    assert plan["Quota"] == {"Limit": 10000, "Period": "DAY"}
    assert plan["ApiStages"] == [{"ApiId": {"Ref": "BookstoreApi"}, "Stage": {"Ref": "BookstoreStageProd"}}]
    (key,) = by_type["AWS::ApiGateway::ApiKey"].values()
    assert key["Value"] == {"Ref": "EnvVarAcmeApiKey"}  # from the environment at deploy time, never invented
    (plan_key,) = by_type["AWS::ApiGateway::UsagePlanKey"].values()
    assert plan_key["KeyType"] == "API_KEY"

    (domain,) = by_type["AWS::ApiGateway::DomainName"].values()
    assert domain["DomainName"] == "api.example.com"
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert "RegionalCertificateArn" in domain and "CertificateArn" not in domain
    assert domain["SecurityPolicy"] == "TLS_1_2"
    (mapping,) = by_type["AWS::ApiGateway::BasePathMapping"].values()
    assert mapping["BasePath"] == "api"
    assert mapping["Stage"] == {"Ref": "BookstoreStageProd"}
    (record,) = by_type["AWS::Route53::RecordSet"].values()
    assert record["HostedZoneName"] == "example.com."
    assert record["AliasTarget"]["DNSName"] == {
        "Fn::GetAtt": ["DomainNameApiExampleCom", "RegionalDomainName"]
    }

    rules = sorted(
        (r["SamplingRule"] for r in by_type["AWS::XRay::SamplingRule"].values()), key=lambda r: r["Priority"]
    )
    healthchecks = [r for r in rules if r["FixedRate"] == 0]
    assert [(r["ServiceName"], r["HTTPMethod"], r["URLPath"], r["ReservoirSize"]) for r in healthchecks] == [
        ("bookstore/prod", "GET", "/api/book/list", 0),  # the public path on api.example.com/api
        ("bookstore/prod", "GET", "/book/list", 0),  # the resource path API Gateway matched
        ("*", "*", "/healthz", 0),  # what the ALB and kubelet probe on the authors service
        ("*", "*", "/api/book/list", 0),  # ... and on the books service
    ]
    assert all(r["Priority"] < 100 for r in healthchecks)
    default = rules[-1]
    assert (default["FixedRate"], default["ReservoirSize"], default["URLPath"]) == (0.05, 1, "*")
    assert default["Priority"] > max(r["Priority"] for r in healthchecks)


def test_bookstore_sampling_file_excludes_every_healthcheck() -> None:
    loaded = load(ROOT / "examples" / "bookstore.gw")
    assert loaded.model is not None
    document = json.loads(XrayTarget().compile(loaded.model).artifacts[0].text)
    assert document == {
        "version": 2,
        "rules": [
            {
                "description": "apic healthcheck GET /api/book/list (public)",
                "host": "api.example.com",
                "http_method": "GET",
                "url_path": "/api/book/list",
                "fixed_target": 0,
                "rate": 0.0,
            },
            {
                "description": "apic healthcheck GET /book/list (resource)",
                "host": "*",
                "http_method": "GET",
                "url_path": "/book/list",
                "fixed_target": 0,
                "rate": 0.0,
            },
            # The backends' own health checks: the services' SDKs must not sample the probes
            # the load balancer and kubelet send (not in the shared language reference, which
            # predates this; issue 10).
            {
                "description": "apic healthcheck * /healthz (backend authors)",
                "host": "*",
                "http_method": "*",
                "url_path": "/healthz",
                "fixed_target": 0,
                "rate": 0.0,
            },
            {
                "description": "apic healthcheck * /api/book/list (backend books)",
                "host": "*",
                "http_method": "*",
                "url_path": "/api/book/list",
                "fixed_target": 0,
                "rate": 0.0,
            },
        ],
        "default": {"fixed_target": 1, "rate": 0.05},
    }


BROKEN_RULES = {
    "E9101": lambda r: r["BookstoreDeploymentX"].update(DependsOn=["BookstoreMethodBookListGET"]),
    "E9102": lambda r: r["BookstoreMethodBookListGET"]["Properties"]["Integration"].pop(
        "IntegrationHttpMethod"
    ),
    "E9103": lambda r: r["BookstoreMethodBookBookIdGET6fd0e7da"]["Properties"]["RequestParameters"].pop(
        "method.request.querystring.format"
    ),
    "E9104": lambda r: r["BookstoreDeploymentX"]["Properties"].update(StageName="prod"),
    "E9105": lambda r: r["DomainNameApiExampleCom"]["Properties"].update(SecurityPolicy="TLS_1_3"),
    "E9106": lambda r: r["BookstoreApi"]["Properties"].update(EndpointConfiguration={"Types": ["REGIONALL"]}),
    "CacheClusterSize": lambda r: r["BookstoreStageProd"]["Properties"].update(CacheClusterSize="0.6"),
    "Quota.Period": lambda r: r["BookstorePlanPartners"]["Properties"]["Quota"].update(Period="YEAR"),
    "ApiKeySourceType": lambda r: r["BookstoreApi"]["Properties"].update(ApiKeySourceType="QUERY"),
}


@pytest.mark.parametrize("rule", sorted(BROKEN_RULES))
def test_apic_cfn_lint_rules_catch_what_cfn_lint_misses(rule: str) -> None:
    """Each of apic's cfn-lint rules fires on a template broken in its way, and only then."""
    _, result, _ = compile_case(ROOT / "examples" / "bookstore.gw")
    document = yaml.safe_load(result.artifacts[0].text)
    resources = document["Resources"]
    deployment = next(k for k, v in resources.items() if v["Type"] == "AWS::ApiGateway::Deployment")
    resources["BookstoreDeploymentX"] = resources.pop(deployment)
    for stage in resources.values():
        if stage["Type"] == "AWS::ApiGateway::Stage":
            stage["Properties"]["DeploymentId"] = {"Ref": "BookstoreDeploymentX"}
    assert cfn_lint(yaml.safe_dump(document), ["eu-west-1"]) == []
    BROKEN_RULES[rule](resources)
    findings = cfn_lint(yaml.safe_dump(document), ["eu-west-1"])
    assert findings, f"{rule} did not fire"
    assert all(f.startswith(rule) or rule in f for f in findings), findings


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("examples/payments.gw", "cfn"),
        ("tests/targets/cases/kong-bookstore/api.gw", "kong"),
        ("examples/bookstore.gw", "nginx --option tls-dir=tls"),
    ],
)
def test_output_is_the_same_bytes_whatever_the_hash_seed(source: str, target: str) -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        completed = subprocess.run(
            [sys.executable, "-m", "apic", "compile", source, "--target", *target.split()],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.add(completed.stdout)
    assert len(outputs) == 1


def deployment_and_ids(text: str) -> tuple[str, set[str]]:
    resources = yaml.safe_load(text)["Resources"]
    deployment = next(k for k, v in resources.items() if v["Type"] == "AWS::ApiGateway::Deployment")
    return deployment, set(resources) - {deployment}


def test_a_changed_api_gets_a_new_deployment_and_keeps_every_other_id(tmp_path: Path) -> None:
    source = (ROOT / "examples" / "bookstore.gw").read_text(encoding="utf-8")
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "errors.gw").write_text(
        (ROOT / "examples" / "common" / "errors.gw").read_text(encoding="utf-8"), encoding="utf-8"
    )

    def compiled(text: str) -> str:
        (tmp_path / "bookstore.gw").write_text(text, encoding="utf-8")
        _, result, _ = compile_case(tmp_path / "bookstore.gw")
        return result.artifacts[0].text

    before, ids_before = deployment_and_ids(compiled(source))
    same, ids_same = deployment_and_ids(compiled(source.replace("# every route", "# each route")))
    changed, ids_changed = deployment_and_ids(compiled(source.replace("timeout = 10s", "timeout = 12s")))
    assert same == before and ids_same == ids_before
    assert changed != before, "a changed integration must deploy anew"
    assert ids_changed == ids_before


def resolve(value: object, parameters: dict[str, str], conditions: dict[str, object]) -> object:
    """Evaluate Ref (to parameters), Fn::If, Fn::Not and Fn::Equals the way CloudFormation
    does for the given parameter values; Refs to resources stay as they are."""
    if isinstance(value, list):
        return [v for v in (resolve(v, parameters, conditions) for v in value) if v != NO_VALUE]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in parameters:
        return parameters[value["Ref"]]
    if set(value) == {"Fn::If"}:
        name, then, otherwise = value["Fn::If"]
        chosen = then if resolve(conditions[name], parameters, conditions) else otherwise
        return resolve(chosen, parameters, conditions)
    if set(value) == {"Fn::Not"}:
        return not resolve(value["Fn::Not"][0], parameters, conditions)
    if set(value) == {"Fn::Equals"}:
        left, right = (resolve(v, parameters, conditions) for v in value["Fn::Equals"])
        return left == right
    resolved = {k: resolve(v, parameters, conditions) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v != NO_VALUE}


NO_VALUE = {"Ref": "AWS::NoValue"}


def test_canary_sends_exactly_its_percent_to_the_new_deployment() -> None:
    """First deploy (no live deployment): the stage serves this deployment alone. Later
    deploys name the live deployment: it keeps 87.5 %, this template's deployment gets 12.5 %,
    and superseded deployments are retained so the live one is never deleted under the stage."""
    _, result, _ = compile_case(CASES / "rest-stages" / "api.gw")
    document = yaml.safe_load(result.artifacts[0].text)
    (deployment,) = [
        k for k, v in document["Resources"].items() if v["Type"] == "AWS::ApiGateway::Deployment"
    ]
    assert document["Resources"][deployment]["DeletionPolicy"] == "Retain"
    assert document["Resources"][deployment]["UpdateReplacePolicy"] == "Retain"
    stage = document["Resources"]["StagesStageProd"]["Properties"]
    conditions = document["Conditions"]

    first = resolve(stage, {"StagesStageProdLiveDeployment": ""}, conditions)
    assert first["DeploymentId"] == {"Ref": deployment}
    assert "CanarySetting" not in first

    later = resolve(stage, {"StagesStageProdLiveDeployment": "abc123"}, conditions)
    assert later["DeploymentId"] == "abc123"
    assert later["CanarySetting"] == {
        "DeploymentId": {"Ref": deployment},
        "PercentTraffic": 12.5,
        "StageVariableOverrides": {"mode": "canary"},
        "UseStageCache": False,
    }
    assert document["Outputs"]["StagesStageProdDeploymentId"]["Value"] == {"Ref": deployment}
    # a stage without a canary is not parameterised
    assert document["Resources"]["StagesStageDev"]["Properties"]["DeploymentId"] == {"Ref": deployment}
