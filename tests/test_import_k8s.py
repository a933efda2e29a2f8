"""`apic import --from k8s`: Ingress and HTTPRoute objects as `.gw`, and back, routing alike.

For every golden case, each Kubernetes artifact apic wrote (ingress-alb/kong/nginx.yaml,
httproutes.yaml) is imported, the `.gw` compiled back with the same target and controller,
and every request of the case's routing table (each path of the samples of its own model,
with every method, on its own host and on one no rule names) is routed through both sets
of objects with the controller emulations of k8s_checks.py and gateway_checks.py: the same
Service port (namespace, name, port), or no route in both. What the import refuses, and
requests routed otherwise, are pinned per file, each with why. The openapi-2-kong
kubernetes fixtures (Kong for Kubernetes) import or say why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import check_golden, shared_path
from gateway_checks import gateway_pick
from gateway_checks import problems as gateway_problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from k8s_checks import alb_rule, kong_controller_problems, kong_routes, nginx_pick, problems
from kong_checks import kong_pick
from route_samples import samples

from apic.api import load
from apic.cli import main
from apic.compiler.frontends.base import LoadOptions
from apic.importer import import_file
from apic.targets.gateway_api import GatewayApiTarget
from apic.targets.k8s import K8sTarget

CASES = Path(__file__).parent / "targets" / "cases"
ARTIFACTS = {
    "ingress-alb.yaml": "alb",
    "ingress-kong.yaml": "kong",
    "ingress-nginx.yaml": "nginx",
    "httproutes.yaml": "gateway-api",
}
PREFIX = "alb.ingress.kubernetes.io/"
ELSEWHERE = "elsewhere.invalid"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# (code, severity, line, column) of each error the import gives, per artifact
REFUSED: dict[str, list[tuple[str, str, int, int]]] = {
    # the acl plugin that holds keys to the usage plan; for the route either of two checks
    # opens, key-auth's and openid-connect's anonymous consumer and the request-termination
    # that turns the anonymous away: none has a `.gw` form the import could write
    "k8s-kong/ingress-kong.yaml": [
        ("IM001", "error", 170, 1),
        ("IM001", "error", 342, 1),
        ("IM001", "error", 356, 1),
        ("IM001", "error", 381, 1),
    ],
}
# HTTPRoutes whose hostnames have no certificate in the file (it is the Gateway's, which
# these cases do not write): the import says so, and its routes match any host
ANY_HOST = {"k8s-everywhere/httproutes.yaml", "k8s-routing/httproutes.yaml"}

Backend = tuple[str, str, int] | None


def artifacts() -> list[str]:
    return sorted(
        f"{case.name}/{name}"
        for case in CASES.iterdir()
        if case.is_dir()
        for name in ARTIFACTS
        if (case / name).exists()
    )


def entry_service(namespace: str, service: dict[str, Any]) -> Backend:
    return (namespace, service["name"], service["port"]["number"])


def ingress_backend(objects: list[dict[str, Any]], name: str) -> Backend:
    """The Service port of the (one-path) Ingress `name`."""
    obj = next(o for o in objects if o["kind"] == "Ingress" and o["metadata"]["name"] == name)
    entry = obj["spec"]["rules"][0]["http"]["paths"][0]
    return entry_service(obj["metadata"].get("namespace", "default"), entry["backend"]["service"])


def picked(objects: list[dict[str, Any]], controller: str, method: str, host: str, path: str) -> Backend:
    if controller == "gateway-api":
        routes = [o for o in objects if o["kind"] == "HTTPRoute"]
        found, _ = gateway_pick(routes, method, host, path)
        if found is None:
            return None
        key, _, rule = found
        ref = rule["backendRefs"][0]
        return (ref.get("namespace", key.split("/")[0]), ref["name"], ref["port"])
    if controller == "nginx":
        name = nginx_pick(objects, host, path)
        return None if name is None else ingress_backend(objects, name)
    if controller == "kong":
        route, tie = kong_pick(kong_routes(objects), method, host, path)
        assert not tie, f"{method} {path}: two routes tie"
        return None if route is None else ingress_backend(objects, route["name"])
    rule = alb_rule(objects, method, host, path)
    if rule is None:
        return None
    name = rule[0]
    for obj in objects:
        annotations = obj["metadata"].get("annotations", {})
        action = annotations.get(PREFIX + "actions." + name)
        namespace = obj["metadata"].get("namespace", "default")
        if action is not None:
            group = json.loads(action)["forwardConfig"]["targetGroups"][0]
            return (namespace, group["serviceName"], int(group["servicePort"]))
        for rule_ in obj["spec"]["rules"]:
            for entry in rule_["http"]["paths"]:
                if (
                    entry["backend"]["service"]["name"] == name
                    and "number" in entry["backend"]["service"]["port"]
                ):
                    return entry_service(namespace, entry["backend"]["service"])
    raise AssertionError(f"no backend named {name}")


def compiled_back(gw: Path, controller: str, case: Path) -> list[dict[str, Any]]:
    model = load(gw).model
    assert model is not None
    if controller == "gateway-api":
        options_file = case / "gateway-api.options"
        options = (
            dict(
                line.split("=", 1)
                for line in options_file.read_text(encoding="utf-8").split()
                if options_file.exists()
            )
            if options_file.exists()
            else {}
        )
        result = GatewayApiTarget().compile(model, options=options)
    else:
        result = K8sTarget().compile(model, options={"controller": controller})
    assert [d.message for d in result.diagnostics if d.severity.value == "error"] == []
    return [o for o in yaml.safe_load_all(result.artifacts[0].text) if o]


@pytest.mark.parametrize("relative", artifacts())
def test_apics_own_kubernetes_objects_import_and_route_alike(relative: str, tmp_path: Path) -> None:
    case = CASES / relative.split("/")[0]
    artifact = CASES / relative
    controller = ARTIFACTS[artifact.name]
    imported = import_file(artifact, "k8s", LoadOptions(project_root=CASES))
    refused = [
        (d.code, d.severity.value, *d.span.start_location)
        for d in imported.diagnostics
        if d.severity.value == "error"
    ]
    assert refused == REFUSED.get(relative, [])
    if imported.text is None:
        return
    gw = tmp_path / "api.gw"
    gw.write_text(imported.text, encoding="utf-8")
    ours = compiled_back(gw, controller, case)
    if controller == "kong":
        assert kong_controller_problems(ours) == []
    elif controller == "gateway-api":
        assert gateway_problems([o for o in ours if o["kind"] == "HTTPRoute"]) == []
    else:
        assert problems(ours) == []
    theirs = [o for o in yaml.safe_load_all(artifact.read_text(encoding="utf-8")) if o]
    source = load(case / "api.gw")
    assert source.model is not None
    differ, expected = [], []
    for host, path in sorted({(s.host, s.path) for s in samples(source.model)}):
        for method in METHODS:
            for probe in (host, ELSEWHERE):
                a = picked(theirs, controller, method, probe, path)
                b = picked(ours, controller, method, probe, path)
                if a != b:
                    differ.append(f"{method} {probe}{path}: written {a}, imported {b}")
                home = picked(theirs, controller, method, host, path)
                if relative in ANY_HOST and probe == ELSEWHERE and home is not None:
                    expected.append(f"{method} {probe}{path}: written None, imported {home}")
    assert differ == expected
    if relative in ANY_HOST:
        assert any("has no TLS certificate in the file" in d.message for d in imported.diagnostics)


KONG = "openapi-2-kong"
# each fixture's Ingresses name a pre-function (Lua that redirects HTTP to HTTPS), an
# aws-lambda plugin (a Lambda answers instead of the Service) and an openid-connect plugin
# whose issuer is a placeholder: none can be carried, and each is said where it is written
FIXTURE_REFUSED = [
    ("IM001", "error", 39, 5),
    ("IM001", "error", 55, 5),
    ("IM001", "error", 69, 5),
    ("IM001", "error", 78, 5),
    ("IM001", "error", 92, 5),
]


def kubernetes_fixtures() -> list[str]:
    root = shared_path(f"corpus/{KONG}")
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.expected.yaml") if "kubernetes" in p.parts)


def kic_routes(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The Kong routes the Kong Ingress Controller makes of the fixture's Ingresses: a plain
    ImplementationSpecific path as a Kong prefix path, methods from the KongIngress override."""
    overrides = {o["metadata"]["name"]: o for o in objects if o["kind"] == "KongIngress"}
    routes = []
    for obj in objects:
        if obj["kind"] != "Ingress":
            continue
        override = overrides.get(obj["metadata"]["annotations"].get("konghq.com/override", ""), {})
        methods = [m.upper() for m in override.get("route", {}).get("methods", [])]
        for rule in obj["spec"]["rules"]:
            for entry in rule["http"]["paths"]:
                route = {
                    "name": obj["metadata"]["name"],
                    "id": obj["metadata"]["name"],
                    "paths": [entry["path"]],
                }
                if methods:
                    route["methods"] = methods
                if rule.get("host"):
                    route["hosts"] = [rule["host"]]
                routes.append(route)
    return {"routes": routes}


@pytest.mark.parametrize("relative", kubernetes_fixtures())
def test_kong_for_kubernetes_fixtures_say_what_they_cannot_carry(relative: str) -> None:
    root = shared_path(f"corpus/{KONG}")
    imported = import_file(root / relative, "k8s", LoadOptions(project_root=root))
    assert imported.text is None
    assert [
        (d.code, d.severity.value, *d.span.start_location)
        for d in imported.diagnostics
        if d.severity.value == "error"
    ] == FIXTURE_REFUSED


@pytest.mark.parametrize("relative", kubernetes_fixtures())
def test_kong_for_kubernetes_fixtures_route_alike_without_their_plugins(
    relative: str, tmp_path: Path
) -> None:
    """What the import can carry of a fixture (its Ingresses less the plugins it refuses)
    routes the samples of the fixture's OpenAPI input as the Kong Ingress Controller does."""
    root = shared_path(f"corpus/{KONG}")
    envelope = yaml.safe_load((root / relative).read_text(encoding="utf-8"))
    theirs = envelope["documents"]
    for obj in theirs:
        obj["metadata"].get("annotations", {}).pop("konghq.com/plugins", None)
    stripped = tmp_path / "cloud-api.yaml"
    stripped.write_text(yaml.safe_dump(envelope), encoding="utf-8")
    imported = import_file(stripped, "k8s", LoadOptions(project_root=tmp_path))
    assert imported.text is not None, [d.message for d in imported.diagnostics]
    gw = tmp_path / "api.gw"
    gw.write_text(imported.text, encoding="utf-8")
    ours = compiled_back(gw, "kong", tmp_path)
    assert kong_controller_problems(ours) == []
    source = load(root / relative.replace(".expected.yaml", ".yaml"), LoadOptions(project_root=root))
    assert source.model is not None
    found = samples(source.model)
    assert found
    differ = []
    for host, path in sorted({("myserver", s.path) for s in found}):
        for method in METHODS:
            route, _ = kong_pick(kic_routes(theirs), method, host, path)
            a = None if route is None else ingress_backend(theirs, route["name"])
            b = picked(ours, "kong", method, host, path)
            if a != b:
                differ.append(f"{method} {host}{path}: Kong {a}, imported {b}")
    assert differ == []


HERE = Path(__file__).parent / "imports" / "k8s"


def test_a_clusters_objects_import_to_their_golden_gw(update_goldens: bool) -> None:
    """A YAML stream with a `List` inside: an ingress-nginx Ingress (a named regex capture,
    rewrite-target, a timeout, TLS), an Ingress of a class apic does not know (Exact, a
    port by name, a default backend), a ConfigMap, and an HTTPRoute with a header match,
    weighted backends, a fixed header and a timeout. Positions count characters, so the
    `é` before them must not move them."""
    imported = import_file(HERE / "cluster.yaml", "k8s", LoadOptions(project_root=HERE))
    assert imported.text is not None
    check_golden(HERE / "cluster.gw", imported.text, update_goldens)
    said = [(d.code, d.severity.value, *d.span.start_location) for d in imported.diagnostics]
    assert said == [
        ("IM001", "warning", 8, 5),  # regexes without regard to case
        ("IM001", "warning", 9, 5),  # `$1` of a path without captures
        ("IM001", "warning", 11, 5),  # ssl-redirect
        ("IM001", "warning", 25, 13),  # a regex without `$`
        ("IM001", "warning", 41, 7),  # default backend
        ("IM001", "warning", 54, 43),  # a port by name
        ("IM001", "warning", 55, 5),  # the ConfigMap
        ("IM001", "warning", 70, 11),  # a header match
        ("IM001", "warning", 71, 7),  # weighted backends
    ]


INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    {annotation}
spec:
  ingressClassName: {controller}
  rules:
    - http:
        paths:
          - path: /a
            pathType: Prefix
            backend:
              service: {{name: web, port: {{number: 80}}}}
"""
ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  rules:
    - backendRefs: [{name: web, port: 80}]
      filters:
        - type: ExtensionRef
          extensionRef: {group: gateway.envoyproxy.io, kind: SecurityPolicy, name: jwt}
"""
REFUSALS = {
    "ingress-nginx external auth": (
        INGRESS.format(
            annotation="nginx.ingress.kubernetes.io/auth-url: https://auth.internal/check", controller="nginx"
        ),
        "k8s.yaml:6:5: error[IM001] Ingress `web`: annotation `nginx.ingress.kubernetes.io/auth-url` is not "
        "carried",
    ),
    "ingress-nginx allow list": (
        INGRESS.format(
            annotation="nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8", controller="nginx"
        ),
        "k8s.yaml:6:5: error[IM001] Ingress `web`: annotation "
        "`nginx.ingress.kubernetes.io/whitelist-source-range`",
    ),
    "ALB cognito": (
        INGRESS.format(annotation="alb.ingress.kubernetes.io/auth-type: cognito", controller="alb"),
        "k8s.yaml:6:5: error[IM001] Ingress `web`: annotation `alb.ingress.kubernetes.io/auth-type` is not "
        "carried",
    ),
    "a KongPlugin apic cannot say": (
        INGRESS.format(annotation="konghq.com/plugins: staff-only", controller="kong")
        + "---\napiVersion: configuration.konghq.com/v1\nkind: KongPlugin\nmetadata: {name: staff-only}\n"
        "plugin: acl\nconfig: {allow: [staff]}\n",
        "k8s.yaml:20:1: error[IM001] plugin `acl` is not carried",
    ),
    "an ExtensionRef filter": (
        ROUTE,
        "k8s.yaml:8:11: error[IM001] HTTPRoute `web`: ExtensionRef filter `jwt` is the implementation's own",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_what_decides_who_gets_in_stops_the_import(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Left out, each would open what the cluster closes: nothing is written, exit 2."""
    text, message = REFUSALS[name]
    objects = tmp_path / "k8s.yaml"
    objects.write_text(text, encoding="utf-8")
    out = tmp_path / "api.gw"
    assert main(["import", str(objects), "--from", "k8s", "-o", str(out)]) == 2
    assert message in capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    assert not out.exists()


def test_the_import_writes_the_gw_it_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    objects = tmp_path / "k8s.yaml"
    objects.write_text(
        INGRESS.format(annotation="konghq.com/strip-path: 'true'", controller="kong"), encoding="utf-8"
    )
    out = tmp_path / "api.gw"
    assert main(["import", str(objects), "--from", "k8s", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert (
        'route ANY "/a/{proxy+}" {\n    backend       = backend.web\n    upstream_path = "/{proxy+}"\n  }'
        in text
    )
    assert load(out).model is not None


def test_a_file_without_ingresses_or_routes_is_not_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    objects = tmp_path / "k8s.yaml"
    objects.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n", encoding="utf-8")
    assert main(["import", str(objects), "--from", "k8s"]) == 2
    assert (
        "k8s.yaml:1:1: error[SC017] `k8s.yaml` holds no Ingress or HTTPRoute objects"
        in capsys.readouterr().err.replace(str(tmp_path) + "/", "")
    )


def test_a_syntax_error_in_a_later_document_is_placed_in_the_file(tmp_path: Path) -> None:
    objects = tmp_path / "k8s.yaml"
    objects.write_text(
        INGRESS.format(annotation="a: b", controller="kong") + "---\nkind: [\n", encoding="utf-8"
    )
    imported = import_file(objects, "k8s", LoadOptions(project_root=tmp_path))
    assert imported.text is None
    assert [(d.code, d.span.start_location[0]) for d in imported.diagnostics] == [("PA015", 17)]


@pytest.mark.parametrize(
    ("path", "path_type", "controller", "templates", "notes"),
    [
        ("/a/", "Prefix", None, ("/a", "/a/{proxy+}"), 0),  # by path element: `/a/` is `/a`
        ("/", "Prefix", None, ("/", "/{proxy+}"), 0),
        ("/a", "Exact", None, ("/a",), 0),
        ("/a/", "Exact", None, (), 0),
        ("/{a}", "Exact", None, (), 0),
        ("/a", "ImplementationSpecific", None, (), 0),  # a controller apic does not know
        ("/~/a/(?P<id>[^/]+)$", "ImplementationSpecific", "kong", ("/a/{id}",), 0),
        ("/a", "ImplementationSpecific", "kong", ("/a", "/a/{proxy+}"), 1),  # a string prefix
        ("/a/(?P<id>[^/]+)$", "ImplementationSpecific", "nginx", ("/a/{id}",), 0),
        ("/a/?*", "ImplementationSpecific", "alb", ("/a/{proxy+}",), 0),
        ("/a/*/b", "ImplementationSpecific", "alb", ("/a/{p2}/b",), 1),
        ("/a*", "ImplementationSpecific", "alb", (), 0),
        ("/a/b", "ImplementationSpecific", "alb", ("/a/b",), 0),
    ],
)
def test_ingress_paths_as_templates(
    path: str, path_type: str, controller: str | None, templates: tuple[str, ...], notes: int, tmp_path: Path
) -> None:
    annotations = "nginx.ingress.kubernetes.io/use-regex: 'true'" if controller == "nginx" else "a: b"
    text = INGRESS.format(annotation=annotations, controller=controller or "traefik")
    text = text.replace("path: /a\n", f"path: '{path}'\n").replace(
        "pathType: Prefix", f"pathType: {path_type}"
    )
    imported = import_file(Path("/virtual/k8s.yaml"), "k8s", text=text)
    found = load(Path("/virtual/back.gw"), text=imported.text).model if imported.text else None
    paths = tuple(r.path for a in found.apis for r in a.routes) if found is not None else ()
    assert paths == templates
    about_path = [
        d for d in imported.diagnostics if d.span.start_location[0] == 12 and "case" not in d.message
    ]
    assert len(about_path) == notes + (0 if templates else 1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70_000) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
path_entry = st.fixed_dictionaries(
    {},
    optional={
        "path": st.sampled_from(["/", "/a", "/~/a/(?P<x>[^/]+)$", "/a/?*", "a", "/a/(", "/{x}"])
        | json_values,
        "pathType": st.sampled_from(["Exact", "Prefix", "ImplementationSpecific", "Other"]) | json_values,
        "backend": st.fixed_dictionaries(
            {"service": st.fixed_dictionaries({"name": st.sampled_from(["web", ""]), "port": json_values})}
        )
        | json_values,
    },
)
ingress = st.fixed_dictionaries(
    {
        "kind": st.just("Ingress"),
        "metadata": st.fixed_dictionaries(
            {"name": st.sampled_from(["web", "x"])},
            optional={
                "annotations": st.dictionaries(
                    st.sampled_from(
                        [
                            "konghq.com/methods",
                            "konghq.com/plugins",
                            "konghq.com/strip-path",
                            "nginx.ingress.kubernetes.io/use-regex",
                            "nginx.ingress.kubernetes.io/rewrite-target",
                            "alb.ingress.kubernetes.io/conditions.web",
                            "alb.ingress.kubernetes.io/actions.web",
                            "alb.ingress.kubernetes.io/ssl-policy",
                        ]
                    ),
                    st.text(max_size=12),
                    max_size=3,
                ),
                "namespace": json_values,
            },
        ),
        "spec": st.fixed_dictionaries(
            {},
            optional={
                "ingressClassName": st.sampled_from(["kong", "nginx", "alb", "other"]) | json_values,
                "rules": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "host": json_values,
                            "http": st.fixed_dictionaries({"paths": st.lists(path_entry, max_size=2)}),
                        },
                    ),
                    max_size=2,
                )
                | json_values,
                "tls": json_values,
            },
        )
        | json_values,
    },
)
http_route = st.fixed_dictionaries(
    {
        "kind": st.just("HTTPRoute"),
        "metadata": st.just({"name": "r"}),
        "spec": st.fixed_dictionaries(
            {},
            optional={
                "hostnames": json_values,
                "rules": st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "matches": json_values,
                            "backendRefs": st.just([{"name": "web", "port": 80}]) | json_values,
                            "filters": json_values,
                            "timeouts": json_values,
                        },
                    ),
                    max_size=2,
                )
                | json_values,
            },
        )
        | json_values,
    },
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=st.lists(ingress | http_route | json_values, min_size=1, max_size=3))
def test_any_objects_import_or_say_why(objects: list[Any]) -> None:
    """Totality: whatever the objects hold, the import gives `.gw` text that loads back, or
    diagnostics; never an exception."""
    text = "\n---\n".join(json.dumps(o) for o in objects)
    imported = import_file(Path("/virtual/k8s.yaml"), "k8s", text=text)
    assert imported.text is not None or any(d.severity.value == "error" for d in imported.diagnostics)
    if imported.text is not None:
        assert load(Path("/virtual/back.gw"), text=imported.text).model is not None


def test_hosts_are_apis_and_a_host_without_a_certificate_is_any_host(update_goldens: bool) -> None:
    """One path to four Services: on two hosts with TLS (an api each, with its domain), on a
    host without a certificate, and on any host. The host without one is read for any host,
    where the rule without a host takes the path already: said, and left out."""
    imported = import_file(HERE / "hosts.yaml", "k8s", LoadOptions(project_root=HERE))
    assert imported.text is not None
    check_golden(HERE / "hosts.gw", imported.text, update_goldens)
    said = [(d.code, d.severity.value, *d.span.start_location) for d in imported.diagnostics]
    assert said == [("IM001", "warning", 12, 7), ("IM001", "warning", 13, 29)]
    gw = HERE / "hosts.gw"
    ours = compiled_back(gw, "nginx", HERE)
    theirs = [o for o in yaml.safe_load_all((HERE / "hosts.yaml").read_text(encoding="utf-8")) if o]
    hosts = ("a.example.com", "b.example.com", "c.example.com", ELSEWHERE)
    assert [nginx_pick(theirs, h, "/x") for h in hosts] == ["two-hosts"] * 4  # one Ingress, four rules
    assert [picked(ours, "nginx", "GET", h, "/x") for h in hosts] == [
        ("default", "one", 80),
        ("default", "two", 80),
        ("default", "four", 80),  # c.example.com: imported for any host, where `four` answers
        ("default", "four", 80),
    ]
