"""The lark parser for `.gw`, built once, and the comment collector.

Comments are `%ignore`d by the grammar, so they are collected through a lexer callback
(lark's documented recipe). The callback belongs to the shared Lark instance, so it writes
into a ContextVar sink that each `parse_text` call sets: concurrent or re-entrant parses
(the language server) never see each other's comments.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache

from lark import Lark, Token, Tree

_comment_sink: ContextVar[list[Token] | None] = ContextVar("apic_comment_sink", default=None)


def _collect_comment(token: Token) -> Token:
    sink = _comment_sink.get()
    if sink is not None:
        sink.append(token)
    return token


def build_parser(*, strict: bool = False) -> Lark:
    """A fresh parser; `strict=True` (tests) also fails on grammar conflicts and regex clashes."""
    return Lark.open_from_package(
        "apic.grammar",
        "gw.lark",
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
        lexer_callbacks={"COMMENT": _collect_comment, "BLOCK_COMMENT": _collect_comment},
    )


@lru_cache(maxsize=1)
def gw_parser() -> Lark:
    return build_parser()


def parse_text(text: str) -> tuple[Tree, list[Token]]:
    """Parse `.gw` text; returns the tree and the comment tokens. Raises lark's UnexpectedInput."""
    sink: list[Token] = []
    reset = _comment_sink.set(sink)
    try:
        tree = gw_parser().parse(text)
    finally:
        _comment_sink.reset(reset)
    return tree, sink
