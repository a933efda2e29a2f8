from __future__ import annotations

import pytest

from apic.compiler.source import SourceFile


def test_locations_are_one_based_code_points() -> None:
    src = SourceFile("x.gw", "ab\ncdé\n\nf")
    assert src.location(0) == (1, 1)
    assert src.location(2) == (1, 3)
    assert src.location(3) == (2, 1)
    assert src.location(6) == (2, 4)
    assert src.location(8) == (4, 1)
    assert src.location(len(src.text)) == (4, 2)


def test_lsp_positions_count_utf16_units() -> None:
    src = SourceFile("x.gw", 'a = "😀b"')
    offset = src.text.index("b")
    assert src.location(offset) == (1, 7)
    assert src.lsp_position(offset) == (0, 7)  # the emoji is two UTF-16 units


def test_span_outside_its_source_is_refused() -> None:
    src = SourceFile("x.gw", "abc")
    with pytest.raises(ValueError, match=r"outside x\.gw"):
        src.span(2, 4)


def test_line_text_strips_newline_and_carriage_return() -> None:
    src = SourceFile("x.gw", "one\r\ntwo")
    assert src.line_text(1) == "one"
    assert src.line_text(2) == "two"
