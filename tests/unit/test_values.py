"""Value conversion and the printer's quoting: the two halves of the round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic.api import load
from apic.compiler.frontends.dsl.printer import quote, template
from apic.compiler.model import Duration, Percent, Rate


def api_value(tmp_path: Path, attribute: str) -> object:
    loaded = load(
        tmp_path / "v.gw", text=f'vars {{ host = "h.example.com", n = 3 }}\napi "a" {{\n  {attribute}\n}}\n'
    )
    assert loaded.model is not None, [d.message for d in loaded.diagnostics]
    return loaded.model.apis[0]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('"https://${var.host}/x"', "https://h.example.com/x"),
        ('"https://${stage.var.host}/x"', "https://${stage.var.host}/x"),
        ('"literal $${not.a.var}"', "literal ${not.a.var}"),
        ('"n=${var.n}"', "n=3"),
    ],
)
def test_interpolation(tmp_path: Path, written: str, expected: str) -> None:
    assert api_value(tmp_path, f"description = {written}").description == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500ms", Duration(milliseconds=500)),
        ("2min", Duration(milliseconds=120_000)),
        ("1.5s", Duration(milliseconds=1500)),
    ],
)
def test_durations_normalise(tmp_path: Path, text: str, value: Duration) -> None:
    api = api_value(tmp_path, f'route GET "/x" {{ timeout = {text} }}')
    assert api.routes[0].timeout == value  # type: ignore[attr-defined]


def test_quantity_text_round_trips() -> None:
    assert str(Duration(milliseconds=1500)) == "1500ms"
    assert str(Duration(milliseconds=120_000)) == "120s"
    assert str(Rate(amount=10000, per="day")) == "10000/day"
    assert str(Percent(value=0.0000001)) == "0.0000001%"
    assert str(Percent(value=5, unit=None)) == "5"


@pytest.mark.parametrize(
    "text",
    ["plain", 'quo"te', "back\\slash", "new\nline", "${stage.var.x}", "${x}", "$${x}", "tab\tbell\x07"],
)
def test_quote_reads_back(tmp_path: Path, text: str) -> None:
    assert api_value(tmp_path, f"description = {quote(text)}").description == text  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ['{"a": "b"}', 'ends with "', 'has """ inside', "multi\nline"])
def test_template_reads_back(tmp_path: Path, text: str) -> None:
    loaded = load(
        tmp_path / "t.gw",
        text=f'gateway_response DEFAULT_4XX {{\n  template "a/b" = {template(text)}\n}}\napi "a" {{}}\n',
    )
    assert loaded.model is not None
    assert loaded.model.apis[0].gateway_responses[0].templates[0].text == text
