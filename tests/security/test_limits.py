"""Inputs have a size limit with a clear diagnostic, and lexing a long string costs memory in
proportion to the string, not hundreds of bytes per character (issue 11)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from apic.api import load
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.frontends.dsl.parser import gw_parser, parse_text

SMALL = LoadOptions(max_input_bytes=200)


def found(path: Path, options: LoadOptions = SMALL) -> list[tuple[str, str, int, int]]:
    loaded = load(path, options)
    return [(d.code, Path(d.span.path).name, *d.span.start_location) for d in loaded.diagnostics]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    (tmp_path / "big.gw").write_text('api "x" {\n' + "  # padding\n" * 50 + "}\n", encoding="utf-8")
    (tmp_path / "big.yaml").write_text("openapi: 3.0.3\n" + "# padding\n" * 50, encoding="utf-8")
    (tmp_path / "big.txt").write_text("x" * 500, encoding="utf-8")
    assert found(tmp_path / "big.gw") == [("PA018", "big.gw", 1, 1)]
    assert found(tmp_path / "big.yaml") == [("PA018", "big.yaml", 1, 1)]
    assert found(tmp_path / "big.txt") == [("PA018", "big.txt", 1, 1)]
    assert load(tmp_path / "big.gw", LoadOptions(max_input_bytes=10_000)).model is not None


def test_imports_and_templates_share_the_limit(tmp_path: Path) -> None:
    (tmp_path / "main.gw").write_text(
        'import "./part.gw"\napi "x" {\n  gateway_response "DEFAULT_4XX" {\n'
        '    template "application/json" = file("./big.vtl")\n  }\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "part.gw").write_text('api "x" {\n' + "  # padding\n" * 50 + "}\n", encoding="utf-8")
    (tmp_path / "big.vtl").write_text("$input.json('$')" * 50, encoding="utf-8")
    assert found(tmp_path / "main.gw", LoadOptions(max_input_bytes=250)) == [("PA018", "part.gw", 1, 1)]
    (tmp_path / "part.gw").write_text('api "x" {}\n', encoding="utf-8")
    assert found(tmp_path / "main.gw", LoadOptions(max_input_bytes=250)) == [("PA018", "main.gw", 4, 40)]


def test_lexing_long_strings_takes_memory_in_proportion(tmp_path: Path) -> None:
    """Measured as allocated bytes per character of input (the lexer's regular expression
    once took about 400 per character: a 5 MB string needed 2 GB)."""
    gw_parser()
    for length in (100_000, 1_000_000):
        text = f'api "x" {{\n  description = "{"a" * length}"\n  tags = {{ a = """{"b" * length}""" }}\n}}\n'
        tracemalloc.start()
        try:
            parse_text(text)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 8 * len(text), (length, peak / len(text))
