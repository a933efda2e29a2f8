"""What a live nginx does with apic's configuration beyond routing: limits, errors, keys,
CORS, methods that fall through to a later route, the include layout, `apic probe` (the
same bytes under any hash seed: tests/targets/test_cfn.py)."""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

from nginx_checks import echo_backends, free_port, nginx_test, prepare, running, send

from apic.api import load
from apic.compiler.backends import with_backends
from apic.compiler.diagnostics import Severity
from apic.targets.nginx import NginxTarget

SOURCE = """
api "shop" {
  backend "books" { url = "http://books.internal.example.com" }
  backend "rest" { url = "http://rest.internal.example.com/base" }
  defaults { backend = backend.books, auth = api_key }
  cors { allow_origins = ["https://shop.example.com"], allow_methods = [GET], max_age = 10min }
  route GET "/books/{id}" {}
  route ANY "/{proxy+}" { backend = backend.rest, auth = none }
  route GET "/health" { auth = none, healthcheck = true }
  stage "prod" {
    throttle { rate = 600/min, burst = 50 }
  }
  usage_plan "small" {
    stages   = [stage.prod]
    throttle { rate = 10/min, burst = 5 }
  }
  usage_plan "big" { stages = [stage.prod] }
  consumer "acme" { plan = usage_plan.small, api_key = "acme-key-0123456789" }
  consumer "globex" { plan = usage_plan.big, api_key = "globex-key-0123456789" }
}
"""


def shop(tmp_path: Path, source: str = SOURCE):  # type: ignore[no-untyped-def]
    (tmp_path / "api.gw").write_text(source, encoding="utf-8")
    loaded = load(tmp_path / "api.gw")
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model


def test_the_gateway_behaves_as_the_model_says(tmp_path: Path) -> None:
    model = shop(tmp_path)
    port = free_port()
    with echo_backends(["books", "rest"]) as urls:
        urls["rest"] += "/base"  # a backend URL with a path: the upstream path goes under it
        result = NginxTarget().compile(with_backends(model, urls), options={"listen": port})
        assert [d.message for d in result.diagnostics if d.severity is Severity.ERROR] == []
        prefix = prepare(tmp_path / "live", result.artifacts[0].text)
        with running(prefix, [port]):

            def get(path: str, key: str | None = None, method: str = "GET", **headers: str):  # type: ignore[no-untyped-def]
                sent = {**headers, **({"X-Api-Key": key} if key else {})}
                return send(port, method, "any.example", path, sent)

            # the small plan: 10/min with burst 5 lets exactly 6 through, then a JSON 429
            statuses = [get("/books/1", "acme-key-0123456789").status for _ in range(8)]
            throttled = get("/books/1", "acme-key-0123456789")
            # another consumer is counted on its own
            other = get("/books/1", "globex-key-0123456789")
            health = get("/health")
            missing, unknown = get("/books/1"), get("/books/1", "nope")
            # POST /books/1: GET /books/{id} does not take it, ANY /{proxy+} does
            fallen = get("/books/1", method="POST")
            preflight = get("/books/1", method="OPTIONS", Origin="https://shop.example.com")
            stranger = get("/books/1", "globex-key-0123456789", Origin="https://evil.example.com")
            friend = get("/books/1", "globex-key-0123456789", Origin="https://shop.example.com")
            unmatched = get("/")
    assert statuses == [200] * 6 + [429] * 2
    assert (throttled.status, throttled.headers["content-type"], throttled.json()) == (
        429,
        "application/json",
        {"message": "Too Many Requests"},
    )
    assert throttled.headers["retry-after"] == "6"  # one request's share of a minute at 10/min
    assert (other.status, other.json()["headers"]["x-apic-consumer"]) == (200, "globex")
    assert (health.status, health.json()["path"]) == (200, "/health")
    assert [(r.status, r.json()) for r in (missing, unknown)] == [
        (401, {"message": "Unauthorized"}),
        (403, {"message": "Forbidden"}),
    ]
    assert (fallen.status, fallen.json()["backend"], fallen.json()["path"]) == (200, "rest", "/base/books/1")
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert preflight.headers["access-control-max-age"] == "600"
    assert "access-control-allow-origin" not in stranger.headers
    assert friend.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert (unmatched.status, unmatched.json()) == (404, {"message": "Not Found"})


def test_errors_of_the_backend_and_of_methods_are_json(tmp_path: Path) -> None:
    # without the greedy route, which would take DELETE /health
    model = shop(tmp_path, "\n".join(line for line in SOURCE.splitlines() if "proxy+" not in line))
    port, dead = free_port(), free_port()
    local = with_backends(model, {"books": f"http://127.0.0.1:{dead}", "rest": f"http://127.0.0.1:{dead}"})
    prefix = prepare(
        tmp_path / "live", NginxTarget().compile(local, options={"listen": port}).artifacts[0].text
    )
    with running(prefix, [port]):
        gone = send(port, "GET", "any.example", "/health")
        wrong = send(port, "DELETE", "any.example", "/health")
    assert (gone.status, gone.headers["content-type"], gone.json()) == (
        502,
        "application/json",
        {"message": "Bad Gateway"},
    )
    assert (wrong.status, wrong.json()) == (405, {"message": "Method Not Allowed"})


def test_the_include_layout_loads_inside_an_http_block(tmp_path: Path) -> None:
    model = shop(tmp_path)
    port = free_port()
    result = NginxTarget().compile(model, options={"listen": port, "layout": "include"})
    assert str(result.artifacts[0].path) == "apic.conf"
    text = result.artifacts[0].text
    assert "events" not in text and "pid " not in text
    wrapper = (
        "pid logs/nginx.pid;\nevents {}\nhttp {\n"
        "  client_body_temp_path temp/b; proxy_temp_path temp/p; fastcgi_temp_path temp/f;\n"
        "  uwsgi_temp_path temp/u; scgi_temp_path temp/s;\n"
        '  include "apic.conf";\n}\n'
    )
    prefix = prepare(tmp_path / "live", wrapper)
    (prefix.path / "apic.conf").write_text(text, encoding="utf-8")
    assert nginx_test(prefix) == ""


def probe(*arguments: str) -> tuple[int, list[dict[str, object]]]:
    import json

    from apic.cli import main

    buffer = __import__("io").StringIO()
    real = sys.stdout
    sys.stdout = buffer
    try:
        status = main(["probe", *arguments, "--format", "json"])
    finally:
        sys.stdout = real
    return status, json.loads(buffer.getvalue() or "[]")


def test_probe_finds_nothing_on_the_gateway_the_model_compiled_to(tmp_path: Path) -> None:
    model = shop(tmp_path)
    port = free_port()
    with echo_backends(["books", "rest"]) as urls:
        result = NginxTarget().compile(with_backends(model, urls), options={"listen": port})
        prefix = prepare(tmp_path / "live", result.artifacts[0].text)
        with running(prefix, [port]):
            clean = probe(
                f"http://127.0.0.1:{port}", str(tmp_path / "api.gw"), "--key", "globex=globex-key-0123456789"
            )
            # the same gateway against a model in which GET /books/{id} is public: it is not
            (tmp_path / "public.gw").write_text(
                SOURCE.replace('route GET "/books/{id}" {}', 'route GET "/books/{id}" { auth = none }'),
                encoding="utf-8",
            )
            broken = probe(
                f"http://127.0.0.1:{port}",
                str(tmp_path / "public.gw"),
                "--key",
                "globex=globex-key-0123456789",
            )
    assert clean == (0, [])
    status, findings = broken
    assert status == 1
    assert {(f["code"], f["line"], f["column"]) for f in findings} == {("PR001", 7, 3)}
    assert all("answered 401; the model says routed and let in" in str(f["message"]) for f in findings)


def test_probe_keeps_to_its_budget_and_says_when_no_one_answers(tmp_path: Path) -> None:
    shop(tmp_path)
    dead = free_port()
    status, findings = probe(f"http://127.0.0.1:{dead}", str(tmp_path / "api.gw"), "--timeout", "1")
    assert status == 1
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [
        ("PR002", 1, 12)
    ]  # the base URL, after `apic probe `
    port = free_port()
    with echo_backends(["books", "rest"]) as urls:
        result = NginxTarget().compile(with_backends(shop(tmp_path), urls), options={"listen": port})
        prefix = prepare(tmp_path / "live", result.artifacts[0].text)
        with running(prefix, [port]):
            status, findings = probe(
                f"http://127.0.0.1:{port}", str(tmp_path / "api.gw"), "--max-requests", "3"
            )
    assert status == 0
    codes = [f["code"] for f in findings]
    assert codes[0] == "PR003" and set(codes[1:]) <= {"PR004"}
    assert "the budget of 3 requests is spent" in str(findings[0]["message"])


def test_forwarded_query_values_are_escaped_and_cannot_add_parameters(tmp_path: Path) -> None:
    source = (
        'api "q" {\n'
        '  backend "b" { url = "http://b.internal.example.com/v1" }\n'
        "  defaults { backend = backend.b, auth = none }\n"
        '  route GET "/items/{id}" {\n'
        "    forward {\n"
        '      query "item" = path.id\n'
        '      query "source" = "\'a gateway & more\'"\n'
        '      query "trace" = context.requestId\n'
        "    }\n"
        "  }\n"
        "}\n"
    )
    model = shop(tmp_path, source)
    port = free_port()
    with echo_backends(["b"]) as urls:
        result = NginxTarget().compile(with_backends(model, urls), options={"listen": port})
        assert [d.message for d in result.diagnostics if d.severity is Severity.ERROR] == []
        prefix = prepare(tmp_path / "live", result.artifacts[0].text)
        with running(prefix, [port]):
            answer = send(port, "GET", "any.example", "/items/a%26admin=1%20x?page=2")
    assert answer.status == 200, answer.body
    path, _, query = answer.json()["path"].partition("?")
    parameters = query.split("&")
    assert urllib.parse.unquote(path) == "/items/a&admin=1 x"  # `&` needs no escape in a path
    assert parameters[0] == "item=a%26admin=1%20x"
    assert parameters[1] == "source=a%20gateway%20%26%20more"
    assert parameters[2].startswith("trace=") and len(parameters[2]) == len("trace=") + 32
    assert parameters[3:] == ["page=2"]


def test_it_runs_as_an_unprivileged_user_and_keeps_healthchecks_out_of_the_log(tmp_path: Path) -> None:
    """Everything nginx writes is inside its prefix, so a user who owns only the prefix runs
    it (as root, the test drops to `nobody`); with healthcheck-access-log=false the probe
    route leaves no line in the access log, other routes do."""
    import pwd

    model = shop(tmp_path)
    port = free_port()
    with echo_backends(["books", "rest"]) as urls:
        options = {"listen": port, "healthcheck-access-log": False}
        text = NginxTarget().compile(with_backends(model, urls), options=options).artifacts[0].text
        prefix = prepare(tmp_path / "live", text)
        user = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for folder in (tmp_path, *tmp_path.parents):
                if folder == Path("/"):
                    break
                os.chmod(folder, os.stat(folder).st_mode | 0o001)  # let nobody pass through
            for path in [prefix.path, *prefix.path.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            user = "nobody"
        with running(prefix, [port], user=user):
            assert send(port, "GET", "any.example", "/health").status == 200
            assert (
                send(port, "GET", "any.example", "/books/1", {"X-Api-Key": "globex-key-0123456789"}).status
                == 200
            )
    log = (prefix.path / "logs" / "access.log").read_text(encoding="utf-8")
    assert "GET /books/1 " in log
    assert "/health" not in log
