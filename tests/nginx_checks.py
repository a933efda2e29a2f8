"""The real nginx, for the suite: `nginx -t` on a prefix, and a live nginx on 127.0.0.1 with
echo backends, started and stopped by PID (validators.md's recipes).

Debian's nginx is at /usr/sbin/nginx (README's test command installs it); it is found there,
never on PATH. Missing, it fails the suite under CI and skips the tests elsewhere.
"""

from __future__ import annotations

import grp
import http.client
import json
import os
import pwd
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

NGINX = Path("/usr/sbin/nginx")
INCLUDE = re.compile(r'^\s*include "([^"]+)";', re.M)
SERVER_NAME = re.compile(r'^\s*server_name "([^"]+)";', re.M)


def nginx_binary() -> Path:
    if not NGINX.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (apt-get install nginx): CI runs every nginx test")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    return NGINX


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Prefix:
    """A folder nginx runs from: nginx.conf, logs, temp, the keys files it includes and the
    certificates of its domains (tls/<host>.crt and .key, signed by `ca`)."""

    path: Path
    ca: trustme.CA

    @property
    def conf(self) -> Path:
        return self.path / "nginx.conf"


def prepare(path: Path, text: str, keys: dict[str, str] | None = None) -> Prefix:
    """Lay out a prefix for `text`; `keys` gives the lines of each included keys file."""
    path.mkdir(parents=True, exist_ok=True)
    for folder in ("logs", "temp", "tls"):
        (path / folder).mkdir(exist_ok=True)
    (path / "nginx.conf").write_text(text, encoding="utf-8")
    for included in INCLUDE.findall(text):
        target = path / included
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((keys or {}).get(included, ""), encoding="utf-8")
    ca = trustme.CA()
    for host in SERVER_NAME.findall(text):
        certificate = ca.issue_cert(host)
        stem = "_wildcard" + host[1:] if host.startswith("*.") else host
        certificate.private_key_pem.write_to_path(str(path / "tls" / f"{stem}.key"))
        certificate.cert_chain_pems[0].write_to_path(str(path / "tls" / f"{stem}.crt"))
    return Prefix(path, ca)


def arguments(prefix: Prefix) -> list[str]:
    return [
        str(nginx_binary()),
        "-p",
        f"{prefix.path}/",
        "-c",
        str(prefix.conf),
        "-e",
        str(prefix.path / "logs" / "error.log"),
    ]


def nginx_test(prefix: Prefix) -> str:
    """`nginx -t`: "" when the configuration loads, else what nginx said."""
    done = subprocess.run([*arguments(prefix), "-t", "-q"], capture_output=True, text=True, timeout=60)
    return "" if done.returncode == 0 else (done.stderr or done.stdout)


@contextmanager
def running(prefix: Prefix, ports: list[int], user: str | None = None) -> Iterator[int]:
    """nginx in the foreground of its own process (as `user` when given); its PID, once every
    port in `ports` answers. Stopped (and waited for) by PID whatever happens."""
    as_root = os.geteuid() == 0 and user is None
    globals_ = "daemon off; master_process on;" + (" user root;" if as_root else "")
    process = subprocess.Popen(
        [*arguments(prefix), "-g", globals_],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # the user's own group only: root's group would keep root's group permissions
        **(
            {"user": user, "group": grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name, "extra_groups": []}
            if user
            else {}
        ),
    )
    try:
        deadline = time.monotonic() + 15
        for port in ports:
            while True:
                if process.poll() is not None:
                    raise AssertionError(
                        f"nginx stopped: {process.stderr.read().decode() if process.stderr else ''}"
                    )
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"nginx does not answer on port {port}") from None
                    time.sleep(0.05)
        yield process.pid
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


class Echo(BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON, naming the backend it is."""

    backend = ""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = json.dumps(
            {
                "backend": self.backend,
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = answer

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def echo_backends(names: list[str]) -> Iterator[dict[str, str]]:
    """One echo server per backend name on 127.0.0.1, in threads of this process; each
    name's URL. Shut down on the way out."""
    servers = []
    try:
        urls = {}
        for name in names:
            handler = type(f"Echo_{len(servers)}", (Echo,), {"backend": name})
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    port: int,
    method: str,
    host: str,
    path: str,
    headers: dict[str, str] | None = None,
    tls: Prefix | None = None,
) -> Answer:
    """One request to nginx on 127.0.0.1:`port` for `host` (SNI too, with `tls`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if tls is not None:
        context = ssl.create_default_context()
        tls.ca.configure_trust(context)
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        # SNI and the certificate check are the domain's (a wildcard's: one name under it)
        connection.sock = context.wrap_socket(sock, server_hostname=host)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()
