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
from conftest import shared_path
from gateway_checks import gateway_pick
from gateway_checks import problems as gateway_problems
from k8s_checks import alb_rule, kong_controller_problems, kong_routes, nginx_pick, problems
from kong_checks import kong_pick
from route_samples import samples

from apic.api import load
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
