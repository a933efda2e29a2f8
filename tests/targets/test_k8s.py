"""Target `k8s`: golden Ingress objects for every case, valid for Kubernetes 1.25 and 1.37
in strict mode, routed by the controller to the route the model's table picks.

Each case folder gets, per controller (alb, kong), `ingress-<controller>.yaml`, or
`k8s-<controller>.diagnostics.txt` (an error means no file), and
`k8s-<controller>.requests.txt`. `pytest --update-goldens` rewrites them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, check_golden
from k8s_checks import alb_pick, kong_controller_problems, kong_routes, nginx_pick, problems
from kong_checks import kong_pick
from route_samples import samples, table_text
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.model import GatewayModel, HttpMethod
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.k8s import K8sTarget
from apic.targets.k8s.alb import action_name
from apic.targets.k8s.kong import ingress_name

CASES = Path(__file__).parent / "cases"


def alb_backend_of(model_route, model: GatewayModel) -> str:  # type: ignore[no-untyped-def]
    """The name an ALB rule forwards `model_route` to: its action, or its service for ANY."""
    if HttpMethod.ANY in model_route.methods:
        api = next(a for a in model.apis if model_route in a.routes)
        backend = api.backend(model_route.backend)
        assert backend is not None and backend.k8s is not None
        return backend.k8s.service
    return action_name(model_route)


def request_table(model: GatewayModel, objects: list[dict], controller: str) -> tuple[str, list[str]]:
    wrong = []
    found = samples(model)
    routes = kong_routes(objects) if controller == "kong" else {}
    for sample in found:
        if controller == "alb":
            got = alb_pick(objects, sample.method, sample.host, sample.path)
            want = alb_backend_of(sample.expected, model) if sample.expected is not None else None
        elif controller == "nginx":
            got = nginx_pick(objects, sample.host, sample.path)
            want = (
                ingress_name(sample.api, sample.expected, sample.placement)
                if sample.expected is not None
                else None
            )
        else:
            picked, tie = kong_pick(routes, sample.method, sample.host, sample.path)
            got = picked["name"] if picked is not None and not tie else None
            want = (
                ingress_name(sample.api, sample.expected, sample.placement)
                if sample.expected is not None
                else None
            )
        if got != want:
            wrong.append(f"{sample}: {controller} {got}")
    return table_text(found), wrong


@pytest.mark.parametrize("controller", ["alb", "kong", "nginx"])
@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, controller: str, update_goldens: bool) -> None:
    loaded = load(case_input(case))
    assert loaded.model is not None
    result = K8sTarget().compile(loaded.model, options={"controller": controller})
    diagnostics = list(result.diagnostics)
    said = case / f"k8s-{controller}.diagnostics.txt"
    if diagnostics or said.exists():
        check_golden(said, diagnostic_lines(diagnostics), update_goldens)
    written = case / f"ingress-{controller}.yaml"
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not written.exists() or update_goldens, "a refused case keeps no output"
        return
    text = result.artifacts[0].text
    check_golden(written, text, update_goldens)
    objects = [o for o in yaml.safe_load_all(text) if o]
    if controller in ("alb", "nginx"):
        assert problems(objects) == []
    else:
        unwritten = {f"{d.message}" for d in diagnostics}
        assert [
            p for p in kong_controller_problems(objects) if "said by a TG002" not in p or not unwritten
        ] == []
    table, wrong = request_table(loaded.model, objects, controller)
    check_golden(case / f"k8s-{controller}.requests.txt", table, update_goldens)
    # ingress-nginx orders regexes by length: where that is not the model's order, a TG002
    # on the route that must win says so, and only there may the controller disagree
    said = [d.message for d in diagnostics if "must win over" in d.message]
    assert [
        w
        for w in wrong
        if not any(m.startswith(w.split(" -> ")[1].split(":")[0] + " must win") for m in said)
    ] == []


def test_the_controller_option_takes_only_what_is_written() -> None:
    option = K8sTarget.options["controller"]
    assert option.parse("alb") == "alb"
    assert option.parse("kong") == "kong"
    assert option.parse("nginx") == "nginx"
    with pytest.raises(ValueError, match="one of alb, kong, nginx"):
        option.parse("traefik")


def test_the_controller_is_a_project_setting_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from apic.cli import main

    shutil.copy(CASES / "k8s-routing" / "api.gw", tmp_path / "api.gw")
    (tmp_path / "apic.toml").write_text('[targets.k8s]\ncontroller = "kong"\n', encoding="utf-8")
    assert (
        main(["compile", str(tmp_path / "api.gw"), "-t", "k8s", "--no-lint", "--project-root", str(tmp_path)])
        == 0
    )
    assert "kind: KongPlugin" in capsys.readouterr().out
    # the command line wins over the file
    args = ["compile", str(tmp_path / "api.gw"), "-t", "k8s", "--no-lint", "--project-root", str(tmp_path)]
    assert main([*args, "--option", "controller=alb"]) in (0, 1)
    assert "kind: KongPlugin" not in capsys.readouterr().out
    (tmp_path / "apic.toml").write_text('[targets.k8s]\ncontroller = "traefik"\n', encoding="utf-8")
    assert main([*args, "--format", "json"]) == 2
    findings = __import__("json").loads(capsys.readouterr().err)  # compile keeps stdout for artifacts
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in findings] == [
        ("AP020", 2, 1, "`controller` of target `k8s` must be one of alb, kong, nginx")
    ]


def model_of(tmp_path: Path, source: str) -> GatewayModel:
    """The model of `source`, written to api.gw in `tmp_path`."""
    path = tmp_path / "api.gw"
    path.write_text(source, encoding="utf-8")
    loaded = load(path)
    assert loaded.model is not None
    return loaded.model


def test_a_consumer_named_like_kongs_stand_in_is_refused(tmp_path: Path) -> None:
    model = model_of(
        tmp_path,
        'api "a" {\n'
        '  backend "b" { k8s { service = "b", namespace = "web", port = 80 } }\n'
        "  defaults { backend = backend.b, auth = api_key }\n"
        '  route GET "/x" {}\n'
        '  stage "s" {}\n'
        '  usage_plan "p" { stages = [stage.s] }\n'
        '  consumer "anonymous" { plan = usage_plan.p, api_key = "k-0123456789abcdef0123" }\n'
        "}\n",
    )
    result = K8sTarget().compile(model, options={"controller": "kong"})
    assert [(d.code, *d.span.start_location) for d in result.diagnostics if d.severity is Severity.ERROR] == [
        ("TG001", 7, 3)
    ]
    assert result.artifacts == ()


@pytest.mark.parametrize("controller", ["kong", "nginx"])
def test_two_cors_policies_on_one_path_are_refused(tmp_path: Path, controller: str) -> None:
    model = model_of(
        tmp_path,
        'api "a" {\n'
        '  cors { allow_origins = ["https://a.example.com"], allow_methods = [GET] }\n'
        '  cors "b" { allow_origins = ["https://b.example.com"], allow_methods = [POST] }\n'
        '  backend "b" { k8s { service = "b", namespace = "web", port = 80 } }\n'
        "  defaults { backend = backend.b, auth = none }\n"
        '  route GET "/x" {}\n'
        '  route POST "/x" { cors = cors.b }\n'
        "}\n",
    )
    result = K8sTarget().compile(model, options={"controller": controller})
    refused = sorted(
        (d.code, *d.span.start_location) for d in result.diagnostics if d.severity is Severity.ERROR
    )
    # ingress-nginx also refuses the two routes for differing only by method
    assert refused == ([("TG001", 7, 3)] if controller == "nginx" else []) + [("TG001", 7, 21)]
    gateway = GatewayApiTarget().compile(model)
    assert [
        (d.code, *d.span.start_location) for d in gateway.diagnostics if d.severity is Severity.ERROR
    ] == [("TG001", 7, 21)]


def two_apis(tmp_path: Path, second_consumer: str) -> Path:
    """Two APIs of one file in one namespace, each with a route any of two checks opens (so
    each needs Kong's anonymous consumer) and a consumer."""

    def api(name: str, consumer: str) -> str:
        return (
            f'api "{name}" {{\n'
            '  backend "b" { k8s { service = "b", namespace = "web", port = 80 } }\n'
            "  defaults { backend = backend.b, auth = api_key }\n"
            '  authorizer "staff" { type = jwt, issuer = "https://login.example.com/" }\n'
            '  authorizer "partner" { type = api_key, identity_source = header.X-Partner-Key }\n'
            f'  route GET "/{name}" {{ auth = [[authorizer.staff], [authorizer.partner]] }}\n'
            '  stage "s" {}\n'
            '  usage_plan "p" { stages = [stage.s] }\n'
            f'  consumer "{consumer}" {{ plan = usage_plan.p, api_key = "k-0123456789abcdef{name}" }}\n'
            "}\n"
        )

    source = tmp_path / "api.gw"
    source.write_text(api("one", "acme") + api("two", second_consumer), encoding="utf-8")
    return source


def test_a_consumer_two_apis_declare_is_refused_on_the_second(tmp_path: Path) -> None:
    loaded = load(two_apis(tmp_path, "acme"))
    assert loaded.model is not None
    result = K8sTarget().compile(loaded.model, options={"controller": "kong"})
    refused = [(d.code, *d.span.start_location) for d in result.diagnostics if d.severity is Severity.ERROR]
    assert refused == [("TG001", 19, 3)]
    assert "consumer `acme` is declared by another api too" in result.diagnostics[-1].message


def test_two_apis_share_kongs_one_anonymous_consumer(tmp_path: Path) -> None:
    loaded = load(two_apis(tmp_path, "globex"))
    assert loaded.model is not None
    result = K8sTarget().compile(loaded.model, options={"controller": "kong"})
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    objects = list(yaml.safe_load_all(result.artifacts[0].text))
    consumers = {o["username"]: o for o in objects if o["kind"] == "KongConsumer"}
    assert sorted(consumers) == ["acme", "anonymous", "globex"]
    terminations = sorted(
        o["metadata"]["name"]
        for o in objects
        if o["kind"] == "KongPlugin" and o["plugin"] == "request-termination"
    )
    assert len(terminations) == 2  # one per API's route with alternatives
    assert consumers["anonymous"]["metadata"]["annotations"]["konghq.com/plugins"] == ",".join(terminations)
    assert kong_controller_problems(objects) == []


@pytest.mark.parametrize("controller", ["kong", "nginx"])
def test_a_tls_policy_the_controller_enforces_is_said_not_refused(tmp_path: Path, controller: str) -> None:
    model = model_of(
        tmp_path,
        'api "a" {\n'
        '  backend "b" { k8s { service = "b", namespace = "web", port = 80 } }\n'
        "  defaults { backend = backend.b, auth = none }\n"
        '  route GET "/x" {}\n'
        '  stage "prod" {}\n'
        '  domain "a.example.com" {\n'
        '    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/'
        '11111111-2222-3333-4444-555555555555"\n'
        "    tls_policy  = TLS_1_2\n"
        '    base_path "" = stage.prod\n'
        "  }\n"
        "}\n",
    )
    refused = K8sTarget().compile(model, options={"controller": controller})
    assert [
        (d.code, *d.span.start_location) for d in refused.diagnostics if d.severity is Severity.ERROR
    ] == [("TG001", 8, 5)]
    options = {"controller": controller, "tls-policy-in-config": True}
    result = K8sTarget().compile(model, options=options)
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    setting = {
        "kong": "kong.conf: `ssl_protocols = TLSv1.2 TLSv1.3` (the chart's `env.ssl_protocols`)",
        "nginx": 'the controller\'s ConfigMap: `ssl-protocols: "TLSv1.2 TLSv1.3"`',
    }[controller]
    assert [d.message for d in result.diagnostics if d.span.start_location == (8, 5)] == [
        "domain `a.example.com`: TLS policy TLS_1_2 is not written; with --option tls-policy-in-config "
        "the deployment enforces it in " + setting
    ]
    objects = list(yaml.safe_load_all(result.artifacts[0].text))
    assert [o["spec"]["tls"] for o in objects if o["kind"] == "Ingress"] == [
        [{"hosts": ["a.example.com"], "secretName": "a-example-com-tls"}]
    ]


def test_the_bookstore_compiles_on_the_kong_controller_once_kong_conf_holds_its_tls_policy() -> None:
    loaded = load(ROOT / "examples" / "bookstore.gw")
    assert loaded.model is not None
    options = {"controller": "kong", "tls-policy-in-config": True}
    result = K8sTarget().compile(loaded.model, options=options)
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    objects = [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]
    # acme's key comes from the environment: its Secret is the user's to create, and said so
    assert kong_controller_problems(objects) == [
        "acme: credential Secret acme-key-auth is not written (said by a TG002)"
    ]
    assert any("Secret `acme-key-auth` is not written" in d.message for d in result.diagnostics)
    assert request_table(loaded.model, objects, "kong")[1] == []


def test_controller_is_a_flag_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--controller kong` is `--option controller=kong`; elsewhere, or misspelt, it is a usage
    error pointing at the value."""
    from apic.cli import main

    monkeypatch.chdir(CASES / "k8s-routing")
    args = ["compile", "api.gw", "--no-lint", "-t"]
    assert main([*args, "k8s", "--controller", "kong"]) == 0
    assert "kind: KongPlugin" in capsys.readouterr().out
    assert main([*args, "k8s", "--controller", "kongg", "--format", "json"]) == 2
    (finding,) = __import__("json").loads(capsys.readouterr().err)
    assert (finding["code"], finding["column"], finding["message"], finding["help"]) == (
        "AP011",
        51,  # `apic compile api.gw --no-lint -t k8s --controller ` is 50 characters
        "--controller takes one of alb, kong, nginx, not `kongg`",
        "did you mean `kong`?",
    )
    assert main([*args, "gateway-api", "--controller", "kong", "--format", "json"]) == 2
    (finding,) = __import__("json").loads(capsys.readouterr().err)
    assert finding["message"] == (
        "--controller picks the Ingress controller of target k8s; target `gateway-api` has none"
    )
