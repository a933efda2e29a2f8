"""`apic lsp` in a real conversation over stdio: initialize, didOpen, publishDiagnostics,
didChange (debounced), hover, definition, completion and a code action, with positions in
UTF-16 (the default) past a non-BMP character."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

SOURCE = """\
api "shop" {
  description = "🛒 shop"
  backend "app" { url = "https://app.example.com" }
  defaults { backend = backend.app, auth = iam }
  route GET "/orders" { tags = { t = "🛒" }, timout = 5s }
}
"""


class Client:
    """A JSON-RPC client speaking LSP framing to a child process."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apic", "lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")
            if "method" in message:
                if "id" in message:  # a request from the server (registration): answer it
                    self.send({"id": message["id"], "result": None})
                else:
                    self.notifications.append(message)

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def diagnostics(self, uri: str, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.notifications:
                if message["method"] == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                    self.notifications.remove(message)
                    return message["params"]["diagnostics"]  # type: ignore[no-any-return]
            message = self.receive()
            if "method" in message and "id" not in message:
                self.notifications.append(message)
        raise AssertionError("no diagnostics published")

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    started = Client(tmp_path)
    try:
        result = started.request(
            "initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}
        )
        assert result["serverInfo"]["name"] == "apic"
        started.notify("initialized", {})
        yield started
    finally:
        started.close()


def test_a_conversation(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "shop.gw"
    path.write_text(SOURCE, encoding="utf-8")
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "gw", "version": 1, "text": SOURCE}},
    )
    found = client.diagnostics(uri)
    unknown = next(d for d in found if d["code"] == "SC002")
    # line 5 (0-based 4): `timout` is code points 44-50, but 🛒 before it is two UTF-16 units
    line = SOURCE.splitlines()[4]
    assert line.index("timout") == 44
    assert unknown["range"] == {"start": {"line": 4, "character": 45}, "end": {"line": 4, "character": 51}}

    # a change fixes the name: the (debounced) lint publishes again, without it
    fixed = SOURCE.replace("timout", "timeout")
    client.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]},
    )
    assert all(d["code"] != "SC002" for d in client.diagnostics(uri))

    hovered = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 26}}
    )
    assert hovered["contents"]["value"] == '`backend.app`: `backend "app"`, line 3'
    where = client.request(
        "textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 26}}
    )
    assert where == {
        "uri": uri,
        "range": {"start": {"line": 2, "character": 2}, "end": {"line": 2, "character": 15}},
    }
    route = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 30}}
    )
    assert route["contents"]["value"].startswith("**GET /orders**")
    assert "timeout          5s" in route["contents"]["value"]

    listed = client.request(
        "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 23}}
    )
    names = {item["label"] for item in listed["items"]}
    assert {"timeout", "upstream_path", "cache", "forward"} <= names and "certificate" not in names

    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": unknown["range"],
            "context": {"diagnostics": [unknown]},
        },
    )
    assert [a["title"] for a in actions] == ["Replace with `timeout`"]
    assert actions[0]["edit"]["changes"][uri][0]["newText"] == "timeout"


def test_the_readme_shows_the_hover_the_server_gives() -> None:
    """The README's hover over the bookstore's `GET /{bookId}` is what `route_hover` answers."""
    import re

    from pygls.workspace import TextDocument

    from apic.lsp import route_hover, surface

    root = Path(__file__).resolve().parent.parent
    path = root / "examples" / "bookstore.gw"
    document = TextDocument(path.as_uri(), path.read_text(encoding="utf-8"), version=1)
    parsed = surface(document)
    assert parsed is not None
    from apic.lsp import walk

    block = next(
        item
        for item, _ in walk(parsed.items)
        if getattr(item, "type", None) == "route" and item.header == 'route GET "/{bookId}"'
    )
    hovered = route_hover(document, block)
    assert hovered is not None
    shown = (
        hovered.contents.value.replace("**", "")
        .replace("```\n", "")
        .replace("\n```", "")
        .replace("\n\n", "\n")
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    (block_text,) = re.findall(r"Hovering over .*?```\n(.*?)```", readme, re.S)
    cwd_relative = shown.replace(str(root) + "/", "")
    assert block_text == cwd_relative + "\n"
