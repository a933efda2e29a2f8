"""The grammar builds under lark's strict mode, and every error class maps its examples."""

from __future__ import annotations

import pytest
from lark.exceptions import UnexpectedInput

from apic.compiler.frontends.dsl.errors import ERROR_EXAMPLES, syntax_diagnostic
from apic.compiler.frontends.dsl.parser import build_parser, parse_text
from apic.compiler.source import SourceFile


def test_grammar_is_conflict_free_in_strict_mode() -> None:
    build_parser(strict=True)  # raises on shift/reduce conflicts and regex collisions


@pytest.mark.parametrize(
    ("code", "text"), [(code, text) for code, texts in ERROR_EXAMPLES.items() for text in texts]
)
def test_error_example_maps_to_its_code(code: str, text: str) -> None:
    with pytest.raises(UnexpectedInput) as caught:
        parse_text(text)
    assert syntax_diagnostic(caught.value, SourceFile("t.gw", text)).code == code


def test_comments_are_collected_per_parse() -> None:
    _, first = parse_text('# one\napi "a" {} // two\n')
    _, second = parse_text("/* three */")
    assert [str(c) for c in first] == ["# one", "// two"]
    assert [str(c) for c in second] == ["/* three */"]


def test_hash_inside_strings_is_not_a_comment() -> None:
    _, comments = parse_text('x = "a # b"\ny = """# c"""\n')
    assert comments == []
