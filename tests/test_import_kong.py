"""`apic import --from kong`: a decK file as `.gw`, and back to Kong, routing alike.

For every openapi-2-kong fixture (../shared/corpus), the converter's expected Kong output is
imported, the `.gw` compiled back with target kong, and every request of the shared request
table (made from the fixture's OpenAPI input) is routed through both files with the Kong
router emulation of kong_checks.py: same upstream host and path, or 404 in both. The
fixtures are format 1.1 (Kong 2), whose regex paths carry no `~`; the emulation reads them
as `deck file convert` would (a `~` before any path with other characters than letters,
digits and `-._~/%`). What the import cannot carry is pinned per fixture.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import check_golden, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kong_checks import kong_pick, problems, upstream_request

from apic.api import load
from apic.cli import main
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.frontends.kong.paths import convert
from apic.compiler.plan.samples import samples
from apic.importer import import_file
from apic.targets.base import discover_targets

KONG = "openapi-2-kong"
PLAIN = re.compile(r"[A-Za-z0-9\-._~/%]*")
# what the import says it cannot carry, per fixture: (code, severity, line, col)
REFUSED = {
    # openid-connect without `issuer`, which Kong's own plugin schema requires
    "at-123253811c/declarative-config/security.expected.json": [
        ("IM001", "error", 18, 15),
        ("IM001", "error", 46, 15),
    ],
}
# requests routed otherwise, each the consequence of an IM001 warning the import gave
SLASH = ["GET /params/sample: Kong file None, imported ('backend.com', '/path/params/sample')"]
DIFFERENT = {
    # `~/params/(?<pathid>[^\/]+)/$` wants a final `/`, which no `.gw` path has (an IM001 says so)
    "at-123253811c/declarative-config/request-validator-plugin.expected.json": SLASH,
    "at-6cb619285f/declarative-config/request-validator-plugin.expected.json": SLASH,
}


def fixtures() -> list[str]:
    root = shared_path(f"corpus/{KONG}")
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*.expected.json") if "declarative-config" in p.parts
    )


def as_kong3(document: dict[str, Any]) -> dict[str, Any]:
    converted = copy.deepcopy(document)
    for service in converted.get("services", []):
        for route in service.get("routes", []):
            route["paths"] = [p if PLAIN.fullmatch(p) else "~" + p for p in route.get("paths", [])]
    return converted


def where(document: dict[str, Any], method: str, host: str, path: str) -> tuple[str, str] | None:
    route, tie = kong_pick(document, method, host, path)
    assert not tie, f"{method} {path}: two routes tie"
    return None if route is None else upstream_request(document, route, path)


def imported_and_compiled_back(
    kong_file: Path, root: Path, tmp_path: Path, refused: list[tuple[str, str, int, int]]
) -> dict[str, Any] | None:
    """`kong_file` imported (its errors must be `refused`, and then nothing is written) and
    the `.gw` compiled back with target kong into a file decK's schema accepts."""
    imported = import_file(kong_file, "kong", LoadOptions(project_root=root))
    assert [
        (d.code, d.severity.value, *d.span.start_location)
        for d in imported.diagnostics
        if d.severity.value == "error"
    ] == refused
    if imported.text is None:
        return None
    gw = tmp_path / "api.gw"
    gw.write_text(imported.text, encoding="utf-8")
    model = load(gw).model
    assert model is not None
    compiled = discover_targets()["kong"]().compile(model)
    assert [d.message for d in compiled.diagnostics if d.severity.value == "error"] == []
    ours: dict[str, Any] = yaml.safe_load(compiled.artifacts[0].text)
    assert problems(ours) == []
    return ours


@pytest.mark.parametrize("relative", fixtures())
def test_the_expected_kong_output_imports_and_routes_alike(relative: str, tmp_path: Path) -> None:
    root = shared_path(f"corpus/{KONG}")
    expected = root / relative
    stem = expected.name.removesuffix(".expected.json")
    ours = imported_and_compiled_back(expected, root, tmp_path, REFUSED.get(relative, []))
    if ours is None:
        return
    theirs = as_kong3(json.loads(expected.read_text(encoding="utf-8")))
    source = load(expected.with_name(f"{stem}.yaml"), LoadOptions(project_root=root))
    assert source.model is not None
    differ = []
    for sample in samples(source.model):
        a, b = (
            where(theirs, sample.method, sample.host, sample.path),
            where(ours, sample.method, sample.host, sample.path),
        )
        if a != b:
            differ.append(f"{sample.method} {sample.path}: Kong file {a}, imported {b}")
    assert differ == DIFFERENT.get(relative, [])


HERE = Path(__file__).parent / "imports" / "kong"


def test_a_deck_file_imports_to_its_golden_gw(update_goldens: bool) -> None:
    """Services with `url` and with host fields, a service's key-auth, route plugins (a
    service-wide rate limit, CORS, a header request-transformer adds), a top-level route and a
    route-scoped top-level plugin (openid-connect with scopes), a global correlation-id (a
    forwarded request id on every route), consumers."""
    imported = import_file(HERE / "shop.yaml", "kong", LoadOptions(project_root=HERE))
    assert imported.text is not None
    check_golden(HERE / "shop.gw", imported.text, update_goldens)
    said = [(d.code, d.severity.value, *d.span.start_location) for d in imported.diagnostics]
    assert said == [
        ("IM001", "warning", 12, 17),  # /static is a prefix
        ("IM001", "warning", 14, 9),  # hosts
        ("IM001", "warning", 30, 13),  # request-transformer's add keeps a client's header
        ("IM001", "warning", 35, 13),  # \d+ capture
        ("IM001", "warning", 42, 1),  # consumers
    ]


REFUSALS = {
    "acl": ("plugins: [{name: acl, config: {allow: [staff]}}]", "plugin `acl` is not carried"),
    "jwt": ("plugins: [{name: jwt}]", "plugin `jwt` is not carried"),
    "anonymous": (
        "plugins: [{name: key-auth, config: {anonymous: guest}}]",
        "route `r`: `key-auth` lets failed requests through as consumer `guest`",
    ),
    "a Lambda function that is a placeholder": (
        "plugins: [{name: aws-lambda, config: {function_name: <fn>, aws_region: eu-west-1}}]",
        "route `r`: aws-lambda function `<fn>` is not a Lambda function name or ARN",
    ),
    "oidc without issuer": (
        "plugins: [{name: openid-connect, config: {auth_methods: [client_credentials]}}]",
        "route `r`: openid-connect without `issuer` cannot be carried",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_an_access_plugin_the_import_cannot_carry_stops_it(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Left out, such a plugin would open what Kong closes: the import writes nothing."""
    plugins, message = REFUSALS[name]
    deck = tmp_path / "kong.yaml"
    deck.write_text(
        '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://s.internal\n'
        f"    routes:\n      - name: r\n        paths: [/r]\n        {plugins}\n",
        encoding="utf-8",
    )
    out = tmp_path / "api.gw"
    assert main(["import", str(deck), "--from", "kong", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"kong.yaml:8:20: error[IM001] {message}" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("path", "kong2", "templates", "notes"),
    [
        ("/pets", False, ("/pets", "/pets/{proxy+}"), 1),
        ("/pets/", False, ("/pets/{proxy+}",), 1),
        ("/", False, ("/", "/{proxy+}"), 0),
        ("~/pets/(?<id>[^/]+)$", False, ("/pets/{id}",), 0),
        ("/pets/(?<id>[^\\/]+)$", True, ("/pets/{id}",), 0),  # format 1.1: a regex without `~`
        ("/pets$", False, ("/pets$", "/pets$/{proxy+}"), 1),  # format 3.0: a plain path with a `$`
        ("~/files/(?<rest>.+)", False, ("/files/{rest+}",), 0),
        ("~/v2.0/users$", False, ("/v2.0/users",), 1),  # an unescaped dot, read as a dot
        ("~/v2\\.0/users$", False, ("/v2.0/users",), 0),
        ("~/a/(?<n>\\d+)$", False, ("/a/{n}",), 1),
        ("~/a/(?<id>[^/]+)", False, ("/a/{id}", "/a/{id}/{proxy+}"), 1),  # no `$`: a prefix
        ("~/a-(?<id>[^/]+)$", False, (), 0),  # part of a segment
        ("~/a|/b$", False, (), 0),
        ("~/v1/?$", False, ("/v1",), 1),  # the root of a base path, as apic writes it
    ],
)
def test_kong_paths_as_templates(path: str, kong2: bool, templates: tuple[str, ...], notes: int) -> None:
    converted = convert(path, kong2)
    assert (converted.templates, len(converted.notes)) == (templates, notes)
    assert (converted.problem is None) == bool(templates)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70_000) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
entity = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=10) | json_values,
        "url": st.sampled_from(["http://a.internal", "https://b:8443/x", "ftp://c", "nonsense"])
        | json_values,
        "host": st.text(max_size=10),
        "paths": st.lists(
            st.sampled_from(["/", "/a", "~/a/(?<id>[^/]+)$", "/a/", "~(", "~/a|b", "x", "/{x}"])
            | st.text(max_size=8),
            max_size=3,
        )
        | json_values,
        "methods": st.lists(st.sampled_from(["GET", "POST", "BREW", ""]), max_size=2) | json_values,
        "plugins": st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(
                        [
                            "key-auth",
                            "cors",
                            "rate-limiting",
                            "acl",
                            "openid-connect",
                            "request-transformer",
                            "correlation-id",
                            "aws-lambda",
                            "pre-function",
                            "x",
                        ]
                    )
                },
                optional={"config": json_values, "route": json_values, "service": json_values},
            ),
            max_size=2,
        )
        | json_values,
        "strip_path": json_values,
        "service": json_values,
    },
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.fixed_dictionaries(
        {"_format_version": st.sampled_from(["3.0", "1.1"])},
        optional={
            "services": st.lists(entity.map(lambda e: {**e, "routes": [e]}), max_size=2) | json_values,
            "routes": st.lists(entity, max_size=2) | json_values,
            "plugins": json_values,
            "upstreams": json_values,
        },
    )
)
def test_any_deck_file_imports_or_says_why(document: dict[str, Any]) -> None:
    """Totality: whatever the file holds, the import gives `.gw` text that loads back, or
    diagnostics; never an exception."""
    imported = import_file(Path("/virtual/kong.json"), "kong", text=json.dumps(document))
    assert imported.text is not None or any(d.severity.value == "error" for d in imported.diagnostics)
    if imported.text is not None:
        assert load(Path("/virtual/back.gw"), text=imported.text).model is not None


CASES = Path(__file__).parent / "targets" / "cases"
# what the import refuses of apic's own Kong files, (code, severity, line, column) per case:
# the acl plugin that holds keys to their usage plan's routes, and for a route either of two
# checks opens, the anonymous consumer of key-auth and openid-connect and the
# request-termination that turns the anonymous away. None has a `.gw` form to import into.
E = ("IM001", "error")
OWN_REFUSED = {
    "k8s-kong": [(*E, 34, 5), (*E, 58, 13), (*E, 162, 13), (*E, 171, 13)],
    "kong-auth": [(*E, 6, 5), (*E, 28, 13), (*E, 37, 13)],
    "kong-bookstore": [(*E, 52, 13), (*E, 114, 13)],
    "kong-limits": [(*E, 35, 9), (*E, 87, 13), (*E, 152, 13), (*E, 203, 13)],
    "rest-usage-plans": [(*E, 51, 13), (*E, 75, 13)],
}
# `~/v1/?$` (the root of a base path) also takes `/v1/`, which no `.gw` path has (an IM001
# says so): there the imported routes, whose hosts are not carried (IM001 too), answer with
# `ANY /{proxy+}` of the other domain
SLASHED = [
    f"{method} api.example.com/{version}/: written "
    + ("('app.example.com', '/')" if method == "GET" else "None")
    + f", imported ('app.example.com', '/{version}/')"
    for version in ("v1", "v2")
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
]
OWN_DIFFERENT = {"kong-routing": SLASHED}


@pytest.mark.parametrize(
    "case", sorted(p.name for p in CASES.iterdir() if (p / "kong.yaml").exists()), ids=str
)
def test_apics_own_kong_files_import_and_route_alike(case: str, tmp_path: Path) -> None:
    """Each golden case's kong.yaml, imported and compiled back with target kong, sends every
    request of the case's table (each path with every method) to the same upstream host and
    path, or to none in both."""
    written = CASES / case / "kong.yaml"
    ours = imported_and_compiled_back(written, CASES, tmp_path, OWN_REFUSED.get(case, []))
    if ours is None:
        return
    theirs = yaml.safe_load(written.read_text(encoding="utf-8"))
    source = load(
        next(p for p in sorted((CASES / case).iterdir()) if p.name in ("api.gw", "openapi.yaml"))
    ).model
    assert source is not None
    differ = []
    for host, path in sorted({(s.host, s.path) for s in samples(source)}):
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            a, b = where(theirs, method, host, path), where(ours, method, host, path)
            if a != b:
                differ.append(f"{method} {host}{path}: written {a}, imported {b}")
    assert differ == OWN_DIFFERENT.get(case, [])


def test_a_request_transformer_section_of_the_wrong_shape_is_said_not_a_crash() -> None:
    """`remove: [x]` once raised inside the import (an AP000); now each such section is an
    IM001 where the plugin is written."""
    deck = (
        '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://s.internal\n    routes:\n'
        "      - name: r\n        paths: [/r]\n"
        "        plugins: [{name: request-transformer, config: {remove: [x], add: [y]}}]\n"
    )
    imported = import_file(Path("/virtual/kong.yaml"), "kong", text=deck)
    assert imported.text is not None
    wrong = "is not a mapping (Kong's schema wants one); not read"
    assert [(d.code, *d.span.start_location, d.message) for d in imported.diagnostics][1:] == [
        ("IM001", 8, 20, f"route `r`: request-transformer `add` {wrong}"),
        ("IM001", 8, 20, f"route `r`: request-transformer `remove` {wrong}"),
    ]
