"""What the suite holds every Kong file to: decK's JSON Schema, each plugin's Kong 3 schema
with unknown keys rejected, the cross-entity facts no schema checks, and Kong's router.

The router emulation follows `kong/router/compat.lua` (Kong 3's default
`router_flavor = traditional_compatible`): a route's priority is, from the most significant
part, how many of methods/hosts/paths/headers/snis it sets, whether its hosts are all plain,
its header count, whether a path is a regex, its `regex_priority` (regex routes only), and
its longest plain path; regex paths are anchored at the start (`^` is prepended) and plain
paths are prefixes. The highest-priority route whose fields all match wins.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from conftest import shared_path
from route_samples import host_matches, samples, table_text

from apic.compiler.model import GatewayModel
from apic.targets.kong.names import entity_id

PLUGIN_SCHEMAS = {
    "acl": "ACL",
    "aws-lambda": "AwsLambda",
    "basic-auth": "BasicAuth",
    "correlation-id": "CorrelationId",
    "cors": "Cors",
    "key-auth": "KeyAuth",
    "openid-connect": "OpenidConnect",
    "opentelemetry": "Opentelemetry",
    "proxy-cache": "ProxyCache",
    "rate-limiting": "RateLimiting",
    "request-termination": "RequestTermination",
    "request-transformer": "RequestTransformer",
}
NAME = re.compile(r"^[A-Za-z0-9._~-]+$")
SAMPLES_PER_ROUTE = 12


def closed(schema: Any) -> Any:
    """The schema with `additionalProperties: false` wherever it lists properties: Kong
    rejects unknown fields, the published schemas do not say so."""
    if isinstance(schema, dict):
        result = {k: closed(v) for k, v in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            result["additionalProperties"] = False
        return result
    if isinstance(schema, list):
        return [closed(v) for v in schema]
    return schema


@cache
def deck_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(shared_path("schemas/kong/kong_json_schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


@cache
def plugin_validator(name: str) -> jsonschema.Draft7Validator:
    path: Path = shared_path(f"schemas/kong/plugins-3.15/{PLUGIN_SCHEMAS[name]}.json")
    schema = closed(json.loads(path.read_text(encoding="utf-8"))["properties"]["config"])
    return jsonschema.Draft7Validator(schema)


def all_routes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for s in doc.get("services", []) for r in s.get("routes", [])] + doc.get("routes", [])


def all_plugins(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(doc.get("plugins", []))
    for holder in [*doc.get("services", []), *all_routes(doc), *doc.get("consumers", [])]:
        found.extend(holder.get("plugins", []))
    return found


def problems(doc: dict[str, Any]) -> list[str]:
    """Every way `doc` is not a file decK and Kong 3 accept (empty when it is)."""
    found = [
        f"decK schema: {e.message} at {list(e.absolute_path)}" for e in deck_validator().iter_errors(doc)
    ]
    if doc.get("_format_version") != "3.0":
        found.append("_format_version is not 3.0")
    for plugin in all_plugins(doc):
        name = plugin["name"]
        if name not in PLUGIN_SCHEMAS:
            found.append(f"plugin {name} has no schema in the suite")
            continue
        for error in plugin_validator(name).iter_errors(copy.deepcopy(plugin.get("config", {}))):
            found.append(f"{name} config: {error.message} at {list(error.absolute_path)}")
    found.extend(cross_entity_problems(doc))
    return found


def cross_entity_problems(doc: dict[str, Any]) -> list[str]:
    found = []
    ids: list[str] = []
    for kind, entities in (
        ("service", doc.get("services", [])),
        ("route", all_routes(doc)),
        ("upstream", doc.get("upstreams", [])),
    ):
        names = [e["name"] for e in entities]
        found.extend(f"{kind} name {n} twice" for n in sorted({n for n in names if names.count(n) > 1}))
        found.extend(f"{kind} name {n} has characters Kong refuses" for n in names if not NAME.match(n))
        ids.extend(e["id"] for e in entities)
    usernames = [c["username"] for c in doc.get("consumers", [])]
    found.extend(f"consumer {n} twice" for n in sorted({n for n in usernames if usernames.count(n) > 1}))
    ids.extend(c["id"] for c in doc.get("consumers", []))
    found.extend(f"id {i} twice" for i in sorted({i for i in ids if ids.count(i) > 1}))
    route_names = {r["name"] for r in all_routes(doc)}
    upstreams = {u["name"] for u in doc.get("upstreams", [])}
    for plugin in doc.get("plugins", []):
        if plugin.get("route") not in route_names:
            found.append(f"plugin {plugin['name']} names a missing route {plugin.get('route')}")
        if "consumer" in plugin and plugin["consumer"] not in usernames:
            found.append(f"plugin {plugin['name']} names a missing consumer {plugin['consumer']}")
    for service in doc.get("services", []):
        if service["host"].endswith(".upstream") and service["host"] not in upstreams:
            found.append(f"service {service['name']} points at a missing upstream {service['host']}")
    for route in all_routes(doc):
        for path in route.get("paths", []):
            if path.startswith("~"):
                try:
                    re.compile(path[1:].replace("(?<", "(?P<"))
                except re.error as error:
                    found.append(f"route {route['name']}: regex {path} does not compile: {error}")
    return found


@dataclass(frozen=True)
class KongRoute:
    entity: dict[str, Any]

    @property
    def priority(self) -> tuple[int, ...]:
        route = self.entity
        hosts, paths = route.get("hosts") or [], route.get("paths") or []
        weight = sum(bool(route.get(f)) for f in ("methods", "hosts", "paths", "headers", "snis"))
        plain_hosts = bool(hosts) and not any("*" in h for h in hosts)
        regex = any(p.startswith("~") for p in paths)
        longest = max((len(p) for p in paths if not p.startswith("~")), default=0)
        return (
            weight,
            int(plain_hosts),
            len(route.get("headers") or {}),
            int(regex),
            route.get("regex_priority", 0) if regex else 0,
            longest,
        )

    def matches(self, method: str, host: str, path: str) -> bool:
        route = self.entity
        if route.get("methods") and method not in route["methods"]:
            return False
        if route.get("hosts") and not any(host_matches(h, host) for h in route["hosts"]):
            return False
        for pattern in route.get("paths") or ["/"]:
            if pattern.startswith("~"):
                # compat.lua rewrites `(?<name>` to `(?P<name>` for Rust's regex; so does Python's
                if re.match("^" + pattern[1:].replace("(?<", "(?P<"), path):
                    return True
            elif path.startswith(pattern):
                return True
        return False


def kong_pick(doc: dict[str, Any], method: str, host: str, path: str) -> tuple[dict[str, Any] | None, bool]:
    """The route Kong routes the request to, and whether another matching route ties with it
    (Kong would then choose by id: a tie is a defect of the file)."""
    candidates = sorted(
        (KongRoute(r) for r in all_routes(doc) if KongRoute(r).matches(method, host, path)),
        key=lambda r: r.priority,
        reverse=True,
    )
    if not candidates:
        return None, False
    tie = len(candidates) > 1 and candidates[0].priority == candidates[1].priority
    return candidates[0].entity, tie


def service_of(doc: dict[str, Any], route: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in doc.get("services", []) if route in s.get("routes", [])), None)


def join(service_path: str | None, request_path: str) -> str:
    """Kong's `path_handling: v0` join of the service path and the request path for a route
    with `strip_path: false` (`get_upstream_uri_v0` in kong/router/utils.lua)."""
    base = service_path or "/"
    if base.endswith("/"):
        return base[:-1] + request_path if request_path.startswith("/") else base + request_path
    return base if request_path == "/" else base + request_path


def upstream_request(doc: dict[str, Any], route: dict[str, Any], path: str) -> tuple[str, str]:
    """(host, path) Kong sends a request for `path` to, after request-transformer's
    `replace.uri` (its `$(uri_captures["x"])` filled from the route's regex)."""
    service = service_of(doc, route)
    host = service["host"] if service else "(aws-lambda)"
    upstreams = {u["name"]: u for u in doc.get("upstreams", [])}
    if host in upstreams:
        host = upstreams[host].get("host_header") or upstreams[host]["targets"][0]["target"].rsplit(":", 1)[0]
    for plugin in route.get("plugins", []):
        uri = plugin["name"] == "request-transformer" and plugin["config"].get("replace", {}).get("uri")
        if uri:
            pattern = next(p for p in route["paths"] if p.startswith("~"))
            match = re.match("^" + pattern[1:].replace("(?<", "(?P<"), path)
            assert match is not None
            filled = re.sub(r'\$\(uri_captures\["([^"]+)"\]\)', r"\\g<\1>", uri)
            return host, match.expand(filled)
    return host, join(service.get("path") if service else None, path)


def request_table(model: GatewayModel, doc: dict) -> tuple[str, list[str]]:
    """(the table as text, the requests where Kong and the model disagree)."""
    wrong = []
    found = samples(model)
    for sample in found:
        place = sample.placement
        want = None
        if sample.expected is not None:
            key = f"{sample.api.name}:{sample.expected.label}:{place.base_path}:{place.stage or ''}"
            want = entity_id("route", key)
        picked, tie = kong_pick(doc, sample.method, sample.host, sample.path)
        if (picked["id"] if picked is not None else None) != want or tie:
            name = picked["name"] if picked else None
            wrong.append(f"{sample}: Kong {name} (tie: {tie})")
    return table_text(found), wrong
