"""`apic graph`: the route map as Mermaid and DOT; DOT drawn by Graphviz itself, labels that
hold quotes and markup quoted in both, the README's map the real output."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT

from apic.api import load
from apic.graph import dot, mermaid, route_map

DOT = Path("/usr/bin/dot")
SOURCE = """\
api "shop" {
  authorizer "a\\"b<c>#d" { type = jwt, issuer = "https://login.example.com/" }
  backend "app" { url = "https://app.example.com" }
  defaults { backend = backend.app, auth = authorizer."a\\"b<c>#d" }
  route GET "/orders/{id}" { throttle { rate = 10/s, burst = 20 } }
  route GET "/health" { auth = none, healthcheck = true }
  stage "prod" {}
  domain "shop.example.com" {
    certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    base_path "v1" = stage.prod
  }
}
"""


def graph_of(tmp_path: Path, text: str = SOURCE):  # type: ignore[no-untyped-def]
    loaded = load(tmp_path / "api.gw", text=text)
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return route_map(loaded.model)


def test_the_map_marks_auth_throttles_and_healthchecks(tmp_path: Path) -> None:
    text = mermaid(graph_of(tmp_path))
    labels = re.findall(r'"([^"]*)"', text)
    assert "GET /orders/{id} · authorizer.a#quot;b#lt;c#gt;#35;d · throttle 10/s" in labels
    assert "GET /health · public · healthcheck" in labels
    assert "shop.example.com" in labels and "stage prod" in labels
    assert "backend app https://app.example.com" in labels
    assert '-->|"/v1"|' in text  # the domain's base path leads to the stage
    # nothing of the hostile name escapes its quotes: every line is a node, edge or group
    node = r'\w+(\[\[|\[/|\(\[|\[\(|\[)".*"(\]\]|/\]|\]\)|\)\]|\])'
    edge = r'\w+ -->(\|".*"\|)? \w+'
    group = r'subgraph g\d+\[".*"\]|end'
    for line in text.splitlines()[1:]:
        assert re.fullmatch(rf"\s+({node}|{edge}|{group})", line), line


def test_graphviz_draws_the_dot_output(tmp_path: Path) -> None:
    program = DOT  # Debian's Graphviz, which the README's test command installs; never PATH
    if not program.exists():
        if __import__("os").environ.get("CI") == "true":
            pytest.fail("Graphviz is missing (apt-get install graphviz): CI draws the route map")
        pytest.skip("Graphviz is not installed")
    drawn = subprocess.run(
        [program, "-Tsvg"], input=dot(graph_of(tmp_path)), capture_output=True, text=True, check=True
    )
    svg = ET.fromstring(drawn.stdout)
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert 'GET /orders/{id} · authorizer.a"b<c>#d · throttle 10/s' in texts
    assert "GET /health · public · healthcheck" in texts


def test_the_readme_shows_the_bookstore_map_apic_draws() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```mermaid\n(.*?)```", readme, re.S)
    done = subprocess.run(
        [sys.executable, "-m", "apic", "graph", "examples/bookstore.gw"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert block == done.stdout
