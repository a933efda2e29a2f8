"""`apic explain`: the route a request reaches, its settings and where each was written, its
upstream request, and what every target does with it; the text is held to a golden file
(`pytest --update-goldens` rewrites it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, check_golden

GOLDEN = Path(__file__).parent / "explain"


def explain(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apic", "explain", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_request_on_the_bookstore_domain(update_goldens: bool) -> None:
    done = explain("examples/bookstore.gw", "GET https://api.example.com/api/book/42")
    assert done.returncode == 0, done.stderr
    check_golden(GOLDEN / "bookstore-book.txt", done.stdout, update_goldens)


def test_a_request_no_route_takes_and_one_no_api_serves() -> None:
    missed = explain("examples/bookstore.gw", "DELETE /api/book/42", "--host", "api.example.com")
    assert missed.stdout.splitlines()[-1] == "  no route takes DELETE /book/42: 404 (a REST API answers 403)"
    elsewhere = explain("examples/bookstore.gw", "GET https://other.example.com/api/book/42")
    assert elsewhere.stdout.splitlines() == [
        "GET other.example.com/api/book/42",
        "  reaches no API: no domain and base path of the file serve it (404 or 403)",
    ]


def test_a_request_that_is_not_one_is_a_usage_error() -> None:
    done = explain("examples/bookstore.gw", "fetch the book", "--format", "json")
    assert done.returncode == 2
    (finding,) = json.loads(done.stderr)
    assert (finding["code"], finding["message"]) == (
        "AP011",
        "`fetch the book` is not a request: write `GET /book/42` or `GET https://host/book/42`",
    )
