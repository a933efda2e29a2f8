"""Kong's own converter fixtures (../shared/corpus/openapi-2-kong): every input compiles to a
Kong 3 file that validates, or is refused with diagnostics that say why; and where the
converter's expected output sends a request elsewhere than apic does, `DIFFERENCES` says
why apic is right (a difference not listed, or listed and gone, fails).

The expected files are `_format_version: "1.1"` (Kong 2). They are read the way Kong 3 reads
them after `deck file convert --to kong-gateway-3.x`, which puts `~` before every path with
regex characters; each sample request is then routed in both files by the same emulation of
Kong's router (kong_checks) and the upstream host, path and auth plugins compared.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import shared_path
from kong_checks import all_routes, kong_pick, problems, request_table, upstream_request
from route_samples import concrete_paths

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.model import GatewayModel, HttpMethod
from apic.targets.kong import KongTarget

KONG = "corpus/openapi-2-kong"
AUTH_PLUGINS = frozenset({"key-auth", "basic-auth", "openid-connect", "jwt", "oauth2"})
PLAIN_PATH = re.compile(r"^[A-Za-z0-9._~/%-]*$")

REFUSED = {
    # The converter writes no plugin for `petstore_oauth2` (/only/oath2, /and/based/auth), so
    # those operations become public in Kong: the silent drop users report (insomnia#3389).
    # apic refuses: an OAuth2 scheme without an issuer is nothing Kong can check.
    "security.yaml": ["TG001 85:5"],
    # `servers: [{url: /path}]` names no host; the converter invents `localhost`, apic asks
    # for a URL rather than send production traffic to a host nobody wrote.
    "no-targets-example.yaml": ["TG003 10:5", "TG003 23:5"],
}

HTTPBIN_OWN_SERVERS = [
    "GET /",
    "GET /parse/delete",
    "GET /parse/sample",
    "GET /parse/set",
    "GET /when/delete",
    "GET /when/sample",
    "GET /when/set",
]
DIFFERENCES = {
    # `/`, `/when/{human_timestamp}` and `/parse/{machine_timestamp}` declare their own
    # `servers` (now.httpbin.org); the converter merges every operation into one service for
    # the document's first server, so Kong would send them to httpbin.org. OpenAPI says an
    # operation's or path item's servers replace the document's: apic gives them their own
    # service.
    "httpbin.yaml": HTTPBIN_OWN_SERVERS,
    # `/params/{pathid}/` with a trailing slash: the converter keeps `/params/(?<pathid>…)/$`,
    # which no request without the slash reaches; apic reads the path as `/params/{pathid}`
    # (and says so, SC013), as API Gateway's import does.
    "request-validator-plugin.yaml": ["GET /params/sample"],
}


def fixture_inputs() -> list[Path]:
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "openapi-2-kong"
    return sorted(p for p in root.glob("at-*/declarative-config/*.yaml")) or [root / "(missing)"]


def as_kong3(expected: dict) -> dict:
    """The converter's Kong 2 file as `deck file convert` hands it to Kong 3."""
    doc = copy.deepcopy(expected)
    for route in all_routes(doc):
        route["paths"] = [p if PLAIN_PATH.match(p) else "~" + p for p in route.get("paths", [])]
    return doc


def auth_of(route: dict | None) -> list[str]:
    return sorted(p["name"] for p in (route or {}).get("plugins", []) if p["name"] in AUTH_PLUGINS)


def differences(model: GatewayModel, ours: dict, theirs: dict) -> dict[str, str]:
    """Request -> what differs, for every sample request of the model's routes."""
    found = {}
    for api in model.apis:
        for route in api.routes:
            methods = [m.value for m in route.methods if m is not HttpMethod.ANY] or ["GET"]
            for method in methods:
                for path in concrete_paths(api, route.path):
                    mine, _ = kong_pick(ours, method, "any.example", path)
                    other, tie = kong_pick(theirs, method, "any.example", path)
                    a = upstream_request(ours, mine, path) if mine else None
                    b = upstream_request(theirs, other, path) if other else None
                    if a != b or auth_of(mine) != auth_of(other) or tie:
                        found[f"{method} {path}"] = (
                            f"apic {a} {auth_of(mine)}, converter {b} {auth_of(other)}, tie: {tie}"
                        )
    return found


@pytest.mark.parametrize("source", fixture_inputs(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_fixture_compiles_validates_and_routes_as_the_converter_meant(source: Path) -> None:
    root = shared_path(KONG)
    assert source.exists(), source
    loaded = load(source, LoadOptions(project_root=root))
    assert loaded.model is not None
    result = KongTarget().compile(loaded.model)
    errors = [
        f"{d.code} {d.span.start_location[0]}:{d.span.start_location[1]}"
        for d in result.diagnostics
        if d.severity is Severity.ERROR
    ]
    assert errors == REFUSED.get(source.name, [])
    if errors:
        assert result.artifacts == ()
        return
    ours = yaml.safe_load(result.artifacts[0].text)
    assert problems(ours) == []
    assert request_table(loaded.model, ours)[1] == []
    expected = source.with_name(source.name.replace(".yaml", ".expected.json"))
    theirs = as_kong3(json.loads(expected.read_text(encoding="utf-8")))
    found = differences(loaded.model, ours, theirs)
    assert sorted(found) == DIFFERENCES.get(source.name, []), found
