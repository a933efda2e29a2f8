"""Hostile values on their way into nginx.conf: each reaches the file as one quoted argument
of the directive apic meant, or is refused with a diagnostic on its span; nothing a value
holds becomes a directive.

Proof by the consumers: crossplane (NGINX's own parser of the format) lists the directives
the file holds, which must all be apic's vocabulary, with each hostile value intact as an
argument; `nginx -t` loads the file; a live nginx lets the hostile key in and hands the
hostile header value to the backend unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import crossplane
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nginx_checks import echo_backends, free_port, nginx_test, prepare, running, send

from apic.api import load
from apic.compiler.backends import with_backends
from apic.compiler.diagnostics import Severity
from apic.targets.nginx import NginxTarget

# every directive apic writes (a `map` block's lines are entries, not directives)
VOCABULARY = {
    "access_log", "add_header", "client_body_temp_path", "default_type", "error_log", "error_page",
    "events", "fastcgi_temp_path", "http", "if", "keepalive", "limit_req", "limit_req_status",
    "limit_req_zone", "listen", "location", "map", "pid", "proxy_connect_timeout",
    "proxy_http_version", "proxy_pass", "proxy_read_timeout", "proxy_send_timeout",
    "proxy_set_header", "proxy_ssl_name", "proxy_ssl_server_name", "proxy_ssl_trusted_certificate",
    "proxy_ssl_verify", "proxy_temp_path", "recursive_error_pages", "resolver", "return", "rewrite",
    "scgi_temp_path", "server", "server_name", "server_tokens", "set", "ssl_certificate",
    "ssl_certificate_key", "ssl_protocols", "upstream", "uwsgi_temp_path", "worker_connections",
    "worker_processes", "default", "include",
}  # fmt: skip

KEY = 'k"; } server { listen 1; #0123456789 \\ $x'
HEADER_VALUE = 'v"; return 200 "pwned"; } location / { return 418; #'
ORIGIN = 'https://a.example.com"; } return 200 x; #'
PATH = '/a";b'


def as_parsed(value: str) -> str:
    """How crossplane hands back a value apic quoted: `\\"` read as `"`, `\\\\` kept as two
    characters (nginx itself reads it as one)."""
    return value.replace("\\", "\\\\")


def gw(key: str = KEY, header_value: str = HEADER_VALUE, origin: str = ORIGIN, path: str = PATH) -> str:
    """An API that carries each value where a user could put it: a consumer's key, a header
    value, a CORS origin, a route path."""
    return (
        'api "h" {\n'
        '  backend "b" { url = "http://127.0.0.1:9000" }\n'
        "  defaults { backend = backend.b, auth = api_key }\n"
        f"  cors {{ allow_origins = [{json.dumps(origin)}], allow_methods = [GET] }}\n"
        f"  route GET {json.dumps(path)} {{\n"
        f'    forward {{ header "X-Note" = {json.dumps(chr(39) + header_value + chr(39))} }}\n'
        "  }\n"
        '  stage "prod" {}\n'
        '  usage_plan "p" { stages = [stage.prod] }\n'
        f'  consumer "c" {{ plan = usage_plan.p, api_key = {json.dumps(key)} }}\n'
        "}\n"
    )


def directives(parsed: list[dict[str, Any]], inside_map: bool = False) -> tuple[set[str], list[str]]:
    """(directive names, every argument) of a crossplane tree; a map's lines count as
    arguments (key and value), not directives."""
    names: set[str] = set()
    arguments: list[str] = []
    for item in parsed:
        if inside_map:
            arguments += [item["directive"], *item["args"]]
            continue
        names.add(item["directive"])
        arguments += item["args"]
        inner_names, inner_arguments = directives(item.get("block") or [], item["directive"] == "map")
        names |= inner_names
        arguments += inner_arguments
    return names, arguments


def parse(tmp_path: Path, text: str) -> tuple[set[str], list[str]]:
    path = tmp_path / "parsed.conf"
    path.write_text(text, encoding="utf-8")
    result = crossplane.parse(str(path), comments=False, single=True)
    assert result["status"] == "ok", result["errors"]
    return directives(result["config"][0]["parsed"])


def compiled(tmp_path: Path, source: str) -> tuple[Any, Any]:
    (tmp_path / "api.gw").write_text(source, encoding="utf-8")
    loaded = load(tmp_path / "api.gw")
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model, NginxTarget().compile(loaded.model)


def test_hostile_values_stay_arguments_and_the_gateway_still_works(tmp_path: Path) -> None:
    model, result = compiled(tmp_path, gw())
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    names, arguments = parse(tmp_path, result.artifacts[0].text)
    assert names <= VOCABULARY
    assert as_parsed(HEADER_VALUE) in arguments
    assert as_parsed(PATH) in arguments  # the exact location
    assert as_parsed(ORIGIN) in arguments  # a key of the origin map
    assert as_parsed("~^" + re.escape(KEY) + "$") in arguments  # a key of the key map
    port = free_port()
    with echo_backends(["b"]) as urls:
        local = with_backends(model, urls)
        text = NginxTarget().compile(local, options={"listen": port}).artifacts[0].text
        prefix = prepare(tmp_path / "live", text)
        assert nginx_test(prefix) == ""
        with running(prefix, [port]):
            answer = send(port, "GET", "any.example", "/a%22;b", {"X-Api-Key": KEY})
            refused = send(port, "GET", "any.example", "/a%22;b", {"X-Api-Key": KEY.upper()})
    assert answer.status == 200, answer.body
    assert answer.json()["headers"]["x-note"] == HEADER_VALUE
    assert answer.json()["headers"]["x-apic-consumer"] == "c"
    assert refused.status == 403  # keys compare with case


@pytest.mark.parametrize(
    ("changes", "line", "column", "message"),
    [
        (
            {"header_value": "$host"},
            6,
            15,
            'GET /a";b forwarding: `$host` holds `$`, which nginx reads as a variable in any string',
        ),
        (
            {"header_value": "a\u2028b"},
            6,
            15,
            'GET /a";b forwarding: `a\\x2028b` holds a control character or line break',
        ),
        (
            {"origin": "https://$host"},
            4,
            10,
            "CORS origin: `https://$host` holds `$`, which nginx reads as a variable in any string",
        ),
    ],
)
def test_a_value_nginx_cannot_hold_is_refused_where_it_is_written(
    tmp_path: Path, changes: dict[str, str], line: int, column: int, message: str
) -> None:
    _, result = compiled(tmp_path, gw(**changes))
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert [(d.code, *d.span.start_location, d.message) for d in errors] == [("TG001", line, column, message)]
    assert result.artifacts == ()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.text(st.characters(exclude_categories=("Cs",)), min_size=20, max_size=40),
    header_value=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
def test_any_key_or_header_value_is_quoted_or_refused(tmp_path: Path, key: str, header_value: str) -> None:
    """Totality over arbitrary text: the file parses to apic's directives with both values
    intact, or the compile is refused with a TG001 (and writes nothing)."""
    loaded = load(
        tmp_path / "api.gw", text=gw(key=key, header_value=header_value, origin="https://a.example.com")
    )
    if loaded.model is None or any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return  # the language refused the value itself (a string it cannot hold)
    result = NginxTarget().compile(loaded.model)
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        assert result.artifacts == ()
        assert {d.code for d in result.diagnostics if d.severity is Severity.ERROR} == {"TG001"}
        return
    names, arguments = parse(tmp_path, result.artifacts[0].text)
    assert names <= VOCABULARY
    route = loaded.model.apis[0].routes[0]
    written = route.forward[0].source.name  # the value as the language read it
    assert as_parsed(written) in arguments
