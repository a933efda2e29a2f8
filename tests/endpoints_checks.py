"""What the suite holds every Cloud Endpoints document to: the OpenAPI 2.0 schema
(openapi-spec-validator), the limits Google documents for Endpoints ("OpenAPI feature
limitations", "OpenAPI extensions", "Configuring quotas"), and a reading of ESP's routing.

The routing emulation matches a request path against each operation's path template (a
parameter takes one segment, `{name=**}` the rest) and, when several match, takes the one
whose segments are most specific from the left (literal, then parameter, then `**`), as
ESP's path matcher prefers literal segments; then it forms the backend URL as
`path_translation` says: APPEND_PATH_TO_ADDRESS appends the request path to the address,
CONSTANT_ADDRESS sends the address itself.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

HOST = re.compile(r"[a-z0-9-]+\.endpoints\.[a-z][a-z0-9-]{4,28}[a-z0-9]\.cloud\.goog")
OPERATION_ID = re.compile(r"[A-Za-z0-9_]+")
SEGMENT = re.compile(r"\{[A-Za-z0-9._-]+(=\*\*)?\}|[^{}]*")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    ]


def problems(document: dict[str, Any]) -> list[str]:
    from openapi_spec_validator import OpenAPIV2SpecValidator

    # `{name=**}` is Endpoints' own path template syntax (ESPv2): the OpenAPI 2.0 check sees `{name}`
    plain = {**document, "paths": {p.replace("=**}", "}"): v for p, v in document.get("paths", {}).items()}}
    found = [f"schema: {e.message}" for e in OpenAPIV2SpecValidator(plain).iter_errors()]
    if document.get("swagger") != "2.0":
        found.append("Endpoints reads OpenAPI 2.0 documents only")
    if not HOST.fullmatch(str(document.get("host", ""))):
        found.append(f"host `{document.get('host')}` is not <api>.endpoints.<project>.cloud.goog")
    ids = [op.get("operationId") for _, _, op in operations(document)]
    found.extend(
        f"operationId `{i}` is missing, malformed or not unique"
        for i in ids
        if not isinstance(i, str) or not OPERATION_ID.fullmatch(i) or ids.count(i) > 1
    )
    schemes = document.get("securityDefinitions", {})
    metrics = {m["name"] for m in document.get("x-google-management", {}).get("metrics", [])}
    for limit in document.get("x-google-management", {}).get("quota", {}).get("limits", []):
        if limit.get("unit") != "1/min/{project}" or limit.get("metric") not in metrics:
            found.append(
                f"quota limit {limit.get('name')}: unit must be 1/min/{{project}} and the metric defined"
            )
    for name, scheme in schemes.items():
        if scheme.get("type") == "oauth2" and not scheme.get("x-google-issuer"):
            found.append(f"security scheme `{name}` has no x-google-issuer")
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        segments = path.split("/")[1:]
        for n, segment in enumerate(segments):
            if not SEGMENT.fullmatch(segment):
                found.append(f"{where}: a parameter must be a whole segment (`{segment}`)")
            if segment.endswith("=**}") and n != len(segments) - 1:
                found.append(f"{where}: `**` only as the last segment")
        backend = operation.get("x-google-backend")
        if not isinstance(backend, dict):
            found.append(f"{where}: no x-google-backend")
            continue
        address = urllib.parse.urlsplit(str(backend.get("address", "")))
        if address.scheme not in ("http", "https") or not address.hostname:
            found.append(
                f"{where}: backend address `{backend.get('address')}` is not an absolute http(s) URL"
            )
        if backend.get("path_translation") not in ("APPEND_PATH_TO_ADDRESS", "CONSTANT_ADDRESS"):
            found.append(f"{where}: path_translation `{backend.get('path_translation')}`")
        if "deadline" in backend and not (isinstance(backend["deadline"], float) and backend["deadline"] > 0):
            found.append(f"{where}: deadline `{backend['deadline']}` is not a positive number of seconds")
        requirements = operation.get("security", [])
        if len(requirements) > 1 and any(
            schemes.get(s, {}).get("type") == "apiKey" for r in requirements for s in r
        ):
            found.append(f"{where}: ESP takes no alternatives that include an API key")
        for requirement in requirements:
            for scheme in requirement:
                if scheme not in schemes:
                    found.append(f"{where}: security scheme `{scheme}` is not defined")
        for metric in operation.get("x-google-quota", {}).get("metricCosts", {}):
            if metric not in metrics:
                found.append(f"{where}: metric `{metric}` is not defined")
    return found


def _rank(template: str) -> tuple[int, ...]:
    return tuple(2 if s.endswith("=**}") else 1 if s.startswith("{") else 0 for s in template.split("/")[1:])


def _regex(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.split("/")[1:]:
        if segment.endswith("=**}"):
            parts.append("/.+")
        elif segment.startswith("{"):
            parts.append("/[^/]+")
        else:
            parts.append("/" + re.escape(segment))
    return re.compile("".join(parts) or "/")


def esp_route(document: dict[str, Any], method: str, path: str) -> tuple[str, str] | None:
    """(backend URL host, path) ESP sends `method path` to, or None (404 or 405)."""
    candidates = [
        (template, operation)
        for template, verb, operation in operations(document)
        if verb == method.lower() and _regex(template).fullmatch(path)
    ]
    if not candidates:
        return None
    _, operation = min(candidates, key=lambda c: _rank(c[0]))
    backend = operation["x-google-backend"]
    address = urllib.parse.urlsplit(backend["address"])
    if backend["path_translation"] == "CONSTANT_ADDRESS":
        return address.netloc, address.path or "/"
    return address.netloc, (address.path.rstrip("/") + path) if address.path else path
