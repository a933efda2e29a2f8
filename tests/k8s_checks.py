"""What the suite holds every Ingress to, and how the AWS Load Balancer Controller routes.

Validity: kubernetes-validate in strict mode against the oldest and the newest Kubernetes
versions it ships (1.25 and 1.37), plus what it does not check: DNS-1123 names, pathType
values, the controller's annotations (JSON where JSON is expected, an action and its
conditions for every `use-annotation` backend, one value of each ALB attribute per group).

Routing (AWS Load Balancer Controller 2.4.3 and later, "Ingress specification"): Ingresses of
one group by `group.order`, each's rules in order, each rule's paths Exact first, then
Prefix by length (longest first), then ImplementationSpecific as listed; the first listener
rule whose host, path (an ALB pattern: `*` any run of characters, `?` one) and conditions
match wins. A Prefix `/a` is the patterns `/a` and `/a/*`.
"""

from __future__ import annotations

import fnmatch
import json
import re
from functools import cache
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from conftest import shared_path
from kong_checks import closed, plugin_validator
from route_samples import host_matches

PREFIX = "alb.ingress.kubernetes.io/"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
VERSIONS = ("1.25.0", "1.37.0")
PATH_ORDER = {"Exact": 0, "Prefix": 1, "ImplementationSpecific": 2}


def problems(objects: list[dict[str, Any]]) -> list[str]:
    found = []
    shared: dict[tuple[str, str], set[str]] = {}
    for obj in objects:
        name = obj["metadata"]["name"]
        for version in VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                found.append(f"{name} on {version}: {error.message}")
        if not DNS_LABEL.match(name) or len(name) > 63:
            found.append(f"{name}: not a DNS-1123 label")
        annotations = obj["metadata"].get("annotations", {})
        group = annotations.get(PREFIX + "group.name", "")
        for key in ("scheme", "load-balancer-attributes", "listen-ports", "certificate-arn", "ssl-policy"):
            shared.setdefault((group, key), set()).add(annotations.get(PREFIX + key, ""))
        for key, value in annotations.items():
            if key.startswith((PREFIX + "actions.", PREFIX + "conditions.")) or key.endswith("listen-ports"):
                try:
                    json.loads(value)
                except json.JSONDecodeError as error:
                    found.append(f"{name}: {key} is not JSON: {error}")
        for rule in obj["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                if path["pathType"] not in PATH_ORDER:
                    found.append(f"{name}: pathType {path['pathType']}")
                service = path["backend"]["service"]
                if service["port"].get("name") == "use-annotation":
                    for kind in ("actions.", "conditions."):
                        if PREFIX + kind + service["name"] not in annotations:
                            found.append(f"{name}: no {kind}{service['name']} annotation")
    found.extend(
        f"group {g}: {k} differs between Ingresses" for (g, k), v in sorted(shared.items()) if len(v) > 1
    )
    return found


def alb_rules(objects: list[dict[str, Any]]) -> list[tuple[str | None, dict[str, Any], dict[str, Any]]]:
    """(host, path, the Ingress's annotations) in the listener's order."""
    ordered = []
    by_order = sorted(
        objects, key=lambda o: int(o["metadata"]["annotations"].get(PREFIX + "group.order", "0"))
    )
    for obj in by_order:
        annotations = obj["metadata"]["annotations"]
        for rule in obj["spec"]["rules"]:
            paths = rule["http"]["paths"]
            exact = [p for p in paths if p["pathType"] == "Exact"]
            prefix = sorted((p for p in paths if p["pathType"] == "Prefix"), key=lambda p: -len(p["path"]))
            specific = [p for p in paths if p["pathType"] == "ImplementationSpecific"]
            ordered.extend((rule.get("host"), p, annotations) for p in [*exact, *prefix, *specific])
    return ordered


def alb_path_matches(path_rule: dict[str, Any], path: str) -> bool:
    value = path_rule["path"]
    if path_rule["pathType"] == "Exact":
        return path == value
    if path_rule["pathType"] == "Prefix":
        return path == value or fnmatch.fnmatchcase(path, value.rstrip("/") + "/*")
    return fnmatch.fnmatchcase(path, value.replace("[", "[[]"))


def alb_pick(objects: list[dict[str, Any]], method: str, host: str, path: str) -> str | None:
    """The backend (service or action name) the ALB forwards the request to."""
    found = alb_rule(objects, method, host, path)
    return found[0] if found is not None else None


def alb_rule(objects: list[dict[str, Any]], method: str, host: str, path: str) -> tuple[str, str] | None:
    """(backend name, path pattern) of the listener rule that takes the request."""
    for rule_host, path_rule, notes in alb_rules(objects):
        if rule_host is not None and not host_matches(rule_host, host):
            continue
        if not alb_path_matches(path_rule, path):
            continue
        name = path_rule["backend"]["service"]["name"]
        conditions = notes.get(PREFIX + "conditions." + name)
        if conditions:
            methods = [c["httpRequestMethodConfig"]["Values"] for c in json.loads(conditions)]
            if not all(method in values for values in methods):
                continue
        return name, path_rule["path"]
    return None


@cache
def crd_validator(kind: str) -> jsonschema.Draft7Validator:
    files = {"KongPlugin": "kongplugins", "KongConsumer": "kongconsumers"}
    path = shared_path(f"schemas/k8s/configuration.konghq.com_{files[kind]}.yaml")
    crd = next(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    return jsonschema.Draft7Validator(closed(version["schema"]["openAPIV3Schema"]))


def kong_controller_problems(objects: list[dict[str, Any]]) -> list[str]:
    """Ingresses and Secrets by kubernetes-validate; KongPlugins and KongConsumers by their
    CRDs (unknown fields refused) and each plugin's config by its Kong schema; every plugin
    and credential an object names exists in its namespace."""
    found = []
    present = {(o["kind"], o["metadata"]["namespace"], o["metadata"]["name"]) for o in objects}
    for obj in objects:
        kind, name, namespace = obj["kind"], obj["metadata"]["name"], obj["metadata"]["namespace"]
        if not DNS_LABEL.match(name) or len(name) > 63:
            found.append(f"{kind} {name}: not a DNS-1123 label")
        if kind in ("Ingress", "Secret"):
            for version in VERSIONS:
                try:
                    kubernetes_validate.validate(obj, version, strict=True)
                except kubernetes_validate.ValidationError as error:
                    found.append(f"{kind} {name} on {version}: {error.message}")
            continue
        found.extend(f"{kind} {name}: {e.message}" for e in crd_validator(kind).iter_errors(obj))
        if kind == "KongPlugin":
            found.extend(
                f"{name} config: {e.message}"
                for e in plugin_validator(obj["plugin"]).iter_errors(obj["config"])
            )
        for credential in obj.get("credentials", []) if kind == "KongConsumer" else []:
            if ("Secret", namespace, credential) not in present:
                found.append(f"{name}: credential Secret {credential} is not written (said by a TG002)")
        for plugin in obj["metadata"].get("annotations", {}).get("konghq.com/plugins", "").split(","):
            if plugin and ("KongPlugin", namespace, plugin) not in present:
                found.append(f"{kind} {name}: KongPlugin {plugin} missing")
    return found


def kong_routes(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The Kong routes the controller makes of the Ingresses, as a decK-shaped document."""
    routes = []
    for obj in objects:
        if obj["kind"] != "Ingress":
            continue
        notes = obj["metadata"]["annotations"]
        for rule in obj["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                value = path["path"]
                route = {
                    "name": obj["metadata"]["name"],
                    "id": obj["metadata"]["name"],
                    "paths": ["~" + value[2:] if value.startswith("/~") else value],
                    "methods": notes["konghq.com/methods"].split(","),
                    "regex_priority": int(notes["konghq.com/regex-priority"]),
                }
                if rule.get("host"):
                    route["hosts"] = [rule["host"]]
                routes.append(route)
    return {"routes": routes}


def nginx_pick(objects: list[dict[str, Any]], host: str, path: str) -> str | None:
    """The Ingress whose location ingress-nginx serves the request with: the host's server
    (or the default one when no rule names the host), an exact location first, then the
    regex locations (`~* "^<path>"`, case-insensitive: every non-Exact path once use-regex is
    on) longest path first, the first that matches."""
    entries = []
    for obj in objects:
        if obj["kind"] != "Ingress":
            continue
        for rule in obj["spec"]["rules"]:
            for entry in rule["http"]["paths"]:
                entries.append((rule.get("host"), entry, obj["metadata"]["name"]))
    # nginx's server_name order: the exact name, then a wildcard name, then the default server
    named = [e for e in entries if e[0] == host] or [
        e for e in entries if e[0] is not None and host_matches(e[0], host)
    ]
    server = named if named else [e for e in entries if e[0] is None]
    for _, entry, name in server:
        if entry["pathType"] == "Exact" and entry["path"] == path:
            return name
    regexes = sorted((e for e in server if e[1]["pathType"] != "Exact"), key=lambda e: -len(e[1]["path"]))
    for _, entry, name in regexes:
        if re.match("^" + entry["path"], path, re.IGNORECASE):
            return name
    return None
