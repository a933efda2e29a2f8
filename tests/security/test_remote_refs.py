"""`--allow-remote-refs` fetches http(s) only (issue 11): never a local file, neither named by
a `file:` reference nor reached from a fetched document or through a redirect. The remote
documents come from an HTTP server on 127.0.0.1 that the test starts and stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from apic.api import load
from apic.compiler.frontends.base import LoadOptions

SECRET = "TOP-SECRET-CONTENT"

PAGES = {
    # a remote document whose references try to reach this machine's files
    "/params.yaml": (
        200,
        "limit:\n  name: limit\n  in: query\n  schema: {$ref: 'file:///SECRET#/x'}\n"
        "offset:\n  $ref: '/SECRET#/x'\n",
    ),
    "/redirect.yaml": (302, "file:///SECRET"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = PAGES.get(self.path.split("#")[0], (404, "no"))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", body.replace("SECRET", self.server.secret))  # type: ignore[attr-defined]
            body = ""
        self.end_headers()
        self.wfile.write(body.replace("SECRET", self.server.secret.lstrip("/")).encode())  # type: ignore[attr-defined]

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"x: {SECRET}\n", encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.secret = str(secret)  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def document(tmp_path: Path, ref: str) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    path = project / "openapi.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: shop, version: '1'}\npaths:\n  /items:\n    get:\n"
        f"      parameters:\n        - $ref: '{ref}'\n      responses: {{'200': {{description: ok}}}}\n",
        encoding="utf-8",
    )
    return path


def findings(path: Path) -> list[tuple[str, int, int, str]]:
    loaded = load(path, LoadOptions(allow_remote_refs=True))
    assert SECRET not in repr(loaded.model)
    assert all(SECRET not in d.message for d in loaded.diagnostics)
    return [(d.code, *d.span.start_location, d.message) for d in loaded.diagnostics]


def test_a_file_reference_is_never_read_even_when_remote_refs_are_allowed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"limit: {SECRET}\n", encoding="utf-8")
    found = findings(document(tmp_path, f"file://{secret}#/limit"))
    assert [(code, line, column) for code, line, column, _ in found] == [("SC022", 7, 17)]
    assert "`file:` references are never followed" in found[0][3]


def test_a_fetched_documents_references_stay_on_its_origin(tmp_path: Path, server: str) -> None:
    found = findings(document(tmp_path, f"{server}/params.yaml#/limit"))
    # the fetched document's `file:` reference is refused; its `/secret.yaml` is looked up
    # on the server (404), not on this machine
    assert sorted((code, message.split(":")[0]) for code, _, _, message in found) == [
        ("SC020", f"cannot fetch `{server.split(':')[0]}"),
        ("SC022", "`file"),
    ]
    found = findings(document(tmp_path, f"{server}/params.yaml#/offset"))
    (not_found,) = [message for code, _, _, message in found if code == "SC020"]
    assert not_found.startswith(f"cannot fetch `{server}/") and "404" in not_found


def test_a_redirect_to_a_local_file_is_not_followed(tmp_path: Path, server: str) -> None:
    found = findings(document(tmp_path, f"{server}/redirect.yaml#/x"))
    assert [code for code, *_ in found] == ["SC020"]
    assert "redirect" in found[0][3].lower()  # refused by urllib or by apic's opener
