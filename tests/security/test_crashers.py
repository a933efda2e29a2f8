"""Inputs found by fuzzing that once ended in AP000 (issue 11): each now gives a coded
diagnostic at its position, and native code writes nothing to standard error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apic.api import load

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
OPERATION = "  /x:\n    get:\n      responses: {'200': {description: ok}}\n"

CASES = {
    "collection-as-key.yaml": (HEAD + "paths: {}\nx-a: {{a: {}}: 1}\n", [("PA015", 4, 7)]),
    "empty-keys.yaml": (HEAD + "paths: {}\nx-a:\n  : 1\n  : 2\n", [("PA016", 6, 5)]),
    "server-url-python-refuses.yaml": (
        HEAD + "servers: [{url: 'http://]'}]\npaths:\n" + OPERATION,
        [("SC025", 3, 17)],
    ),
    "integration-url-python-refuses.yaml": (
        HEAD
        + "paths:\n  /x:\n    get:\n      x-amazon-apigateway-integration: "
        + "{type: http_proxy, uri: 'http://]', httpMethod: GET}\n"
        + "      responses: {'200': {description: ok}}\n",
        [("SC024", 6, 64)],
    ),
    "nullable-type-3.1.yaml": (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n"
        "        - {name: q, in: query, schema: {type: [string, 'null']}}\n"
        "      responses: {'200': {description: ok}}\n",
        [],
    ),
    "ref-name-too-long.yaml": (
        HEAD + "paths:\n  /x:\n    $ref: './" + "a" * 300 + ".yaml'\n",
        [("SC020", 5, 11)],
    ),
    "ref-with-nul.yaml": (HEAD + "paths:\n  /x:\n    $ref: './a%00b.yaml'\n", [("SC020", 5, 11)]),
    "import-name-too-long.gw": ('import "./' + "a" * 300 + '.gw"\napi "x" {}\n', [("SC009", 1, 8)]),
    "file-with-nul.gw": (
        'api "x" {\n  gateway_response "DEFAULT_4XX" { template "a/b" = file("./a\\u0000b") }\n}\n',
        [("SC014", 2, 58)],
    ),
    "number-of-310-digits.gw": (
        'api "x" {\n  stage "s" { throttle { rate = 1/s, burst = ' + "9" * 310 + " } }\n}\n",
        [("SC011", 2, 46)],
    ),
    "burst-of-5000-digits.yaml": (
        HEAD + "paths: {}\nx-apic-stages:\n  s:\n    throttle: {rate: 1/s, burst: " + "9" * 5000 + "}\n",
        [("SC024", 6, 34)],
    ),
    "cors-header-list-a-number.yaml": (  # found by the long campaign, seed 2029329
        HEAD + "paths: {}\nx-amazon-apigateway-cors: {allowOrigins: ['*'], allowHeaders: 1.5}\n",
        [("SC024", 4, 63)],
    ),
    "cr-only-line-endings.yaml": (
        (
            HEAD
            + "paths:\n  /x:\n    get:\n      x-apic-timeout: 10\n"
            + "      responses: {'200': {description: ok}}\n"
        ).replace("\n", "\r"),
        [("SC024", 6, 23)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_crash_and_a_positioned_diagnostic(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    found = [(d.code, *d.span.start_location) for d in load(path).diagnostics]
    assert found == expected


def test_rapidyaml_writes_nothing_to_standard_error(tmp_path: Path) -> None:
    """Its parse errors once went straight to fd 2, into `compile --format json` output."""
    path = tmp_path / "collection-as-key.yaml"
    path.write_text(CASES["collection-as-key.yaml"][0], encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "apic", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr == ""
    assert '"code": "PA015"' in run.stdout
