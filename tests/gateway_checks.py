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
        if hostnames and host not in hostnames:
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
