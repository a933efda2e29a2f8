"""What the suite holds every HTTPRoute to, and how a Gateway API implementation routes.

Validity: the HTTPRoute CRD's schema from ../shared/schemas/k8s (`additionalProperties:
false` already added there), plus what the schema leaves to CEL rules or to apic: DNS-1123
names, the v1 limits (rules, hostnames, matches), regexes that compile.

Routing (gateway.networking.k8s.io/v1 HTTPRouteRule): of the rules whose hostnames, path and
method match, an Exact path match wins, then a RegularExpression match, then the longest
PathPrefix (the spec ranks Exact and PathPrefix; Envoy Gateway and Kong's controller put
RegularExpression between them, `sort.go` in both), then a method match; remaining ties go
to the route first by namespace/name (all of one apply share a creation time) and then to
the first rule in list order, which is what the spec says for ties within a route.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
from conftest import shared_path
from route_samples import host_matches

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
RANK = {"Exact": 2, "RegularExpression": 1, "PathPrefix": 0}


@cache
def httproute_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(shared_path("schemas/k8s/httproute-v1.strict.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def problems(objects: list[dict[str, Any]]) -> list[str]:
    found = []
    names = [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objects]
    found.extend(f"{n} twice" for n in sorted({n for n in names if names.count(n) > 1}))
    for obj in objects:
        name = obj["metadata"]["name"]
        found.extend(
            f"{name}: {e.message} at {list(e.absolute_path)}" for e in httproute_validator().iter_errors(obj)
        )
        if not DNS_LABEL.match(name) or len(name) > 63:
            found.append(f"{name}: not a DNS-1123 label")
        spec = obj["spec"]
        if len(spec["rules"]) > 16 or len(spec.get("hostnames", [])) > 16:
            found.append(f"{name}: over the v1 limits of 16 rules / 16 hostnames")
        if sum(len(r.get("matches", [])) for r in spec["rules"]) > 128:
            found.append(f"{name}: over 128 matches")
        for rule in spec["rules"]:
            for match in rule.get("matches", []):
                if match["path"]["type"] == "RegularExpression":
                    try:
                        re.compile(match["path"]["value"])
                    except re.error as error:
                        found.append(f"{name}: {match['path']['value']} does not compile: {error}")
    return found


def path_matches(path_match: dict[str, str], path: str) -> bool:
    kind, value = path_match["type"], path_match["value"]
    if kind == "Exact":
        return path == value
    if kind == "PathPrefix":
        prefix = value.rstrip("/")
        return path == prefix or path.startswith(prefix + "/") or prefix == ""
    return re.fullmatch(value, path) is not None


def gateway_pick(objects: list[dict[str, Any]], method: str, host: str, path: str) -> tuple[Any, bool]:
    """(the rule's backend and route: `(namespace/name, rule index)`, whether it tied)."""
    candidates = []
    for obj in objects:
        hostnames = obj["spec"].get("hostnames")
        if hostnames and not any(host_matches(h, host) for h in hostnames):
            continue
        key = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
        for index, rule in enumerate(obj["spec"]["rules"]):
            for match in rule["matches"]:
                if "method" in match and match["method"] != method:
                    continue
                if not path_matches(match["path"], path):
                    continue
                p = match["path"]
                length = len(p["value"]) if p["type"] == "PathPrefix" else 0
                score = (RANK[p["type"]], length, int("method" in match))
                candidates.append((score, key, index, rule))
    if not candidates:
        return None, False
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    best = candidates[0]
    return (best[1], best[2], best[3]), False


# What gateway.networking.k8s.io/v1 GatewaySpec holds a Gateway to (the Gateway CRD is not
# among ../shared/schemas, so these are its documented rules, written out): the fields a
# listener may have, 1-64 listeners with unique names (DNS-1123 subdomains), ports 1-65535,
# hostnames that are DNS names or `*.` wildcards, HTTPS listeners that terminate TLS with at
# least one certificateRef, HTTP listeners without tls, a unique (port, protocol, hostname)
# per listener, and a namespace selector whenever routes are admitted `from: Selector`.
SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LISTENER_FIELDS = {"name", "hostname", "port", "protocol", "tls", "allowedRoutes"}
FROM = {"All", "Same", "Selector", "None"}


def gateway_problems(gateway: dict[str, Any]) -> list[str]:
    found = []
    if set(gateway) != {"apiVersion", "kind", "metadata", "spec"} or gateway["kind"] != "Gateway":
        found.append(f"not a Gateway object: {sorted(gateway)}")
    name = gateway["metadata"]["name"]
    if not SUBDOMAIN.match(name) or len(name) > 253:
        found.append(f"{name}: not a DNS-1123 subdomain")
    spec = gateway["spec"]
    if set(spec) - {"gatewayClassName", "listeners", "addresses", "infrastructure"}:
        found.append(f"{name}: unknown spec fields {sorted(set(spec))}")
    if not 1 <= len(spec.get("gatewayClassName", "")) <= 253:
        found.append(f"{name}: gatewayClassName must be 1-253 characters")
    listeners = spec.get("listeners", [])
    if not 1 <= len(listeners) <= 64:
        found.append(f"{name}: {len(listeners)} listeners, v1 allows 1-64")
    names = [item["name"] for item in listeners]
    found.extend(f"listener {n} twice" for n in sorted({n for n in names if names.count(n) > 1}))
    triples = [(item["port"], item["protocol"], item.get("hostname")) for item in listeners]
    found.extend(
        f"listeners share {t}" for t in sorted({t for t in triples if triples.count(t) > 1}, key=str)
    )
    for item in listeners:
        label = f"{name}/{item.get('name')}"
        if set(item) - LISTENER_FIELDS:
            found.append(f"{label}: unknown fields {sorted(set(item) - LISTENER_FIELDS)}")
        if not SUBDOMAIN.match(item["name"]) or len(item["name"]) > 253:
            found.append(f"{label}: name is not a DNS-1123 subdomain")
        if not 1 <= item["port"] <= 65535:
            found.append(f"{label}: port {item['port']}")
        host = item.get("hostname")
        if host is not None and (not HOSTNAME.match(host) or len(host) > 253):
            found.append(f"{label}: hostname {host!r}")
        tls = item.get("tls")
        if item["protocol"] == "HTTPS":
            refs = (tls or {}).get("certificateRefs", [])
            if (tls or {}).get("mode", "Terminate") != "Terminate" or not 1 <= len(refs) <= 64:
                found.append(f"{label}: HTTPS needs tls.mode Terminate with 1-64 certificateRefs")
            for ref in refs:
                if ref.get("kind", "Secret") != "Secret" or not SUBDOMAIN.match(ref["name"]):
                    found.append(f"{label}: certificateRef {ref}")
        elif item["protocol"] == "HTTP":
            if tls is not None:
                found.append(f"{label}: tls must not be set for HTTP")
        else:
            found.append(f"{label}: protocol {item['protocol']}")
        namespaces = item.get("allowedRoutes", {}).get("namespaces", {})
        if namespaces.get("from", "Same") not in FROM:
            found.append(f"{label}: allowedRoutes.namespaces.from {namespaces.get('from')}")
        if namespaces.get("from") == "Selector" and not namespaces.get("selector"):
            found.append(f"{label}: from Selector without a selector")
    return found


def attachment_problems(gateway: dict[str, Any], routes: list[dict[str, Any]]) -> list[str]:
    """Each route's parentRefs name the Gateway and listeners that admit the route's namespace
    and share a hostname with it (what the Gateway checks before it accepts a route)."""
    found = []
    listeners = {item["name"]: item for item in gateway["spec"]["listeners"]}
    where = (gateway["metadata"]["namespace"], gateway["metadata"]["name"])
    for route in routes:
        label = route["metadata"]["name"]
        namespace = route["metadata"]["namespace"]
        for parent in route["spec"]["parentRefs"]:
            if (parent.get("namespace", namespace), parent["name"]) != where:
                found.append(f"{label}: parentRef {parent} is not the Gateway {where}")
                continue
            listener = listeners.get(parent.get("sectionName", ""))
            if listener is None:
                found.append(f"{label}: no listener {parent.get('sectionName')}")
                continue
            selector = listener["allowedRoutes"]["namespaces"]["selector"]["matchExpressions"][0]
            if namespace not in selector["values"]:
                found.append(f"{label}: listener {listener['name']} does not admit namespace {namespace}")
            host = listener.get("hostname")
            if host is not None and host not in route["spec"].get("hostnames", [host]):
                found.append(f"{label}: listener {listener['name']} serves {host}, not the route's hosts")
            if host is None and route["spec"].get("hostnames"):
                found.append(f"{label}: a route on a domain attached to the plain HTTP listener")
    return found
