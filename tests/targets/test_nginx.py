"""Target `nginx`: golden configurations, `nginx -t` on each, and a live nginx that routes
every request of the shared request table the way the model's table does.

Each case folder gets `nginx.conf` or `nginx.diagnostics.txt` (an error means no file); a
case's `nginx.options` (NAME=VALUE lines) compiles it with those options. Every case that
compiles, and every example, then runs on a live nginx on 127.0.0.1 with an echo server per
backend (`--backend NAME=URL`): each request of `route_samples` reaches the backend of the
route the model picks, with the upstream path the model says; routes that need a key answer
401 without one and 403 with an unknown one; a path no route serves is a JSON 404.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, check_golden
from nginx_checks import Prefix, echo_backends, free_port, nginx_test, prepare, running, send
from route_samples import Sample, expected_path, samples
from test_cfn import case_input, diagnostic_lines

from apic.api import load
from apic.compiler.backends import with_backends
from apic.compiler.diagnostics import Severity
from apic.compiler.model import GatewayModel, SourceKind
from apic.compiler.plan.consumers import KeyValue, key_plan
from apic.targets.base import OptionValue
from apic.targets.nginx import NginxTarget
from apic.targets.nginx.access import ident

CASES = Path(__file__).parent / "cases"
EXAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.gw") if p.parent.name not in ("common", "payments"))
LISTEN = re.compile(r"^\s*listen (\d+)", re.M)
_VARIABLE = re.compile(r"\{([^{}]+)\}")


def case_options(case: Path) -> dict[str, OptionValue]:
    path = case / "nginx.options"
    if not path.exists():
        return {}
    pairs = [line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {name.strip(): NginxTarget.options[name.strip()].parse(value.strip()) for name, value in pairs}


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_golden_case(case: Path, update_goldens: bool, tmp_path: Path) -> None:
    loaded = load(case_input(case))
    assert loaded.model is not None
    options = case_options(case)
    result = NginxTarget().compile(loaded.model, options=options)
    diagnostics = list(result.diagnostics)
    if diagnostics or (case / "nginx.diagnostics.txt").exists():
        check_golden(case / "nginx.diagnostics.txt", diagnostic_lines(diagnostics), update_goldens)
    if any(d.severity is Severity.ERROR for d in diagnostics):
        assert result.artifacts == ()
        assert not (case / "nginx.conf").exists() or update_goldens, "a refused case keeps no nginx.conf"
        return
    check_golden(case / "nginx.conf", result.artifacts[0].text, update_goldens)
    live_run(loaded.model, options, tmp_path)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_runs_on_nginx_or_is_refused_with_reasons(example: Path, tmp_path: Path) -> None:
    loaded = load(example)
    assert loaded.model is not None
    options: dict[str, OptionValue] = {"tls-dir": "tls"}
    result = NginxTarget().compile(loaded.model, options=options)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        assert result.artifacts == ()
        assert all(d.code in ("TG001", "TG003") for d in errors)
        return
    live_run(loaded.model, options, tmp_path)


def keys_files(model: GatewayModel, keys_dir: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """(keys file -> its lines, (api, consumer) -> the key a request sends): the source's keys
    where it gives them, test keys in the keys file where it does not."""
    files: dict[str, str] = {}
    keys: dict[tuple[str, str], str] = {}
    for api in model.apis:
        for key in key_plan(api).consumers:
            name = key.consumer.name
            if key.value is KeyValue.GIVEN and key.secret is not None:
                keys[(api.name, name)] = key.secret
                continue
            value = f"test-key-{len(keys)}"
            keys[(api.name, name)] = value
            path = f"{keys_dir}/{ident(api.name)[5:]}.keys"
            files[path] = files.get(path, "") + f'"~^{value}$" "{name}";\n'
    return files, keys


def key_for(model: GatewayModel, sample: Sample, keys: dict[tuple[str, str], str]) -> str | None:
    """A key of a consumer whose plan covers the sample's stage, or None when none does."""
    api = sample.api
    plans = {p.name: p for p in api.usage_plans}
    for key in key_plan(api).consumers:
        plan = plans.get(key.plan)
        stage = sample.placement.stage
        if key.enabled and (stage is None or (plan is not None and stage in plan.stages)):
            return keys[(api.name, key.consumer.name)]
    return None


def live_run(model: GatewayModel, options: dict[str, OptionValue], tmp_path: Path) -> None:
    plain, secure = free_port(), free_port()
    settings = {**options, "listen": plain, "tls-listen": secure}
    names = sorted({b.name for api in model.apis for b in api.backends})
    with echo_backends(names) as urls:
        local = with_backends(model, urls)
        result = NginxTarget().compile(local, options=settings)
        assert [d.message for d in result.diagnostics if d.severity is Severity.ERROR] == []
        text = result.artifacts[0].text
        files, keys = keys_files(local, str(settings.get("keys-dir", "keys")))
        prefix = prepare(tmp_path / "live", text, files)
        assert nginx_test(prefix) == ""
        ports = sorted({int(p) for p in LISTEN.findall(text)})
        with running(prefix, ports):
            wrong = check_requests(local, prefix, plain, secure, bool(settings.get("tls-dir")), keys)
    assert wrong == []


def check_requests(
    model: GatewayModel, prefix: Prefix, plain: int, secure: int, tls: bool, keys: dict[tuple[str, str], str]
) -> list[str]:
    wrong: list[str] = []
    keyed: set[str] = set()
    for sample in samples(model):
        on_domain = bool(sample.placement.hosts) and tls
        port, via = (secure, prefix) if on_domain else (plain, None)
        route = sample.expected
        headers = {}
        needs_key = (
            route is not None
            and route.asks_for_api_key
            and not any(all(r.kind.value == "none" for r in alternative) for alternative in route.auth)
        )
        if needs_key:
            key = key_for(model, sample, keys)
            if key is not None:
                headers["X-Api-Key"] = key
        answer = send(port, sample.method, sample.host, sample.path, headers, tls=via)
        if route is None:
            if (answer.status, answer.headers.get("content-type")) != (404, "application/json"):
                wrong.append(f"{sample}: {answer.status} {answer.body[:80]!r}, not a JSON 404")
            continue
        if needs_key and "X-Api-Key" not in headers:
            if answer.status != 403:
                wrong.append(f"{sample}: {answer.status}, though no consumer's plan covers the stage")
            continue
        if answer.status != 200:
            wrong.append(f"{sample}: {answer.status} {answer.body[:120]!r}")
            continue
        if sample.method == "HEAD":
            continue  # no body to read the backend's echo from
        echoed = answer.json()
        path, _, query = echoed["path"].partition("?")
        want = (route.backend, expected_path(sample))
        got = (echoed["backend"], path)
        if got != want:
            wrong.append(f"{sample}: reached {got}, the model says {want}")
        for mapping in route.forward:  # fixed query values the route adds
            if mapping.location is SourceKind.QUERY and mapping.source.kind is SourceKind.STATIC:
                pair = f"{quote(mapping.name, safe='')}={quote(mapping.source.name, safe='')}"
                if pair not in query.split("&"):
                    wrong.append(f"{sample}: the backend got query `{query}`, without {pair}")
        if needs_key and route.label not in keyed:
            keyed.add(route.label)
            for sent, status in (({}, 401), ({"X-Api-Key": "not-a-key"}, 403)):
                refused = send(port, sample.method, sample.host, sample.path, sent, tls=via)
                if (refused.status, refused.headers.get("content-type")) != (status, "application/json"):
                    wrong.append(f"{sample} with {sent or 'no key'}: {refused.status}, not a JSON {status}")
    return wrong
