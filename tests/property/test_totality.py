"""Loading never raises: any text, and valid files mutated token by token, give a model or an
error diagnostic, with every span inside its file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from apic.api import load
from apic.compiler.diagnostics import Severity
from apic.compiler.frontends.base import LoadResult
from apic.compiler.frontends.dsl.parser import gw_parser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.gw"))}
VOCABULARY = [
    "{",
    "}",
    "=",
    ":",
    ";",
    ",",
    "[",
    "]",
    "(",
    ")",
    '"',
    '"""',
    "/*",
    "#",
    "\n",
    "route",
    "api",
    "10s",
    "10/sec",
    "true",
    "backend.x",
    "var.y",
    "${",
    "import",
    "GET",
    "-",
    ".",
    "'",
    "\\",
]


def assert_well_formed(result: LoadResult) -> None:
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert (result.model is None) == bool(errors), "a model exactly when there is no error"
    for diagnostic in result.diagnostics:
        for span in (diagnostic.span, *(r.span for r in diagnostic.related)):
            assert 0 <= span.start <= span.end <= len(span.source.text)
        assert diagnostic.message and diagnostic.code and diagnostic.name


def load_text(text: str, directory: Path = EXAMPLES) -> LoadResult:
    return load(directory / "fuzz.gw", text=text)


@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    assert_well_formed(load_text(text))


@given(st.lists(st.sampled_from([*VOCABULARY, "a", " ", "x", "1"]), max_size=60).map("".join))
def test_token_soup(text: str) -> None:
    assert_well_formed(load_text(text))


def tokens(text: str) -> list[tuple[int, int]]:
    return [(t.start_pos, t.end_pos) for t in gw_parser().lex(text)]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    spans = tokens(text)
    for _ in range(draw(st.integers(1, 3))):
        start, end = spans[draw(st.integers(0, len(spans) - 1))]
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if action == "delete":
            text = text[:start] + text[end:]
        elif action == "duplicate":
            text = text[:end] + " " + text[start:end] + text[end:]
        else:
            word = draw(st.sampled_from(VOCABULARY))
            text = text[:start] + word + (text[start:] if action == "insert" else text[end:])
        try:
            spans = tokens(text)
        except Exception:
            break
    return text


@given(mutated())
def test_mutated_examples(text: str) -> None:
    assert_well_formed(load_text(text))
