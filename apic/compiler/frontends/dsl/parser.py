"""The lark parser for `.gw`, built once, and the comment scanner.

Comments are `%ignore`d by the grammar. lark's documented way to keep them, a lexer
callback, made parsing twice as slow (measured: 2.56 s against 1.36 s on a 5,000-route
file), so comments are found by one regular-expression pass instead. It matches strings
as well as comments, so a `#` or `//` inside a string is skipped exactly as the lexer skips
it; no other token can contain `#` or `//`.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from functools import lru_cache

import lark
from lark import Lark, Tree

_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|(?P<comment>#[^\n]*|//[^\n]*|/\*[\s\S]*?\*/)'
)


@dataclass(frozen=True, slots=True)
class CommentToken:
    text: str
    start_pos: int
    end_pos: int

    def __str__(self) -> str:
        return self.text


def private_cache_file() -> str | None:
    """Where the parser tables may be cached: a file in `$XDG_CACHE_HOME/apic` (default
    `~/.cache/apic`), a directory this user owns that nobody else can write. None (no cache)
    wherever that cannot be ensured.

    lark's own `cache=True` unpickles a predictably named file in the shared temporary
    directory on every run: anyone who can write there could plant a pickle that runs code
    as the user. A cache only the user can write closes that; building the tables costs
    about 0.4 s per process where no such directory can be had.
    """
    if not hasattr(os, "getuid"):
        return None  # no owner to check: do not cache
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    directory = os.path.join(base, "apic")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _private(os.lstat(directory), directory=True):
            return None
        path = os.path.join(
            directory, f"gw-lark{lark.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.cache"
        )
        if os.path.lexists(path) and not _private(os.lstat(path), directory=False):
            return None
    except OSError:
        return None
    return path


def _private(status: os.stat_result, *, directory: bool) -> bool:
    """Owned by this user, of the right kind (never a symlink), writable by nobody else."""
    kind = stat.S_ISDIR if directory else stat.S_ISREG
    forbidden = 0o077 if directory else 0o022
    return kind(status.st_mode) and status.st_uid == os.getuid() and not status.st_mode & forbidden


def build_parser(*, strict: bool = False) -> Lark:
    """A fresh parser; `strict=True` (tests) also fails on grammar conflicts and regex clashes."""
    cache: str | bool = False if strict else (private_cache_file() or False)
    return Lark.open_from_package(
        "apic.grammar",
        "gw.lark",
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
        cache=cache,
    )


@lru_cache(maxsize=1)
def gw_parser() -> Lark:
    return build_parser()


def comments_in(text: str) -> list[CommentToken]:
    return [
        CommentToken(m.group("comment"), m.start(), m.end())
        for m in _STRINGS_AND_COMMENTS.finditer(text)
        if m.group("comment") is not None
    ]


MAX_NESTING = 100
_OPENERS = re.compile(
    r'"""[\s\S]*?"""|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|#[^\n]*|//[^\n]*|/\*[\s\S]*?\*/|[{}\[\]()]'
)


def too_deep(text: str) -> int | None:
    """The offset of the first bracket that opens level `MAX_NESTING + 1`, or None.

    lark's tree and the transformer recurse once per level (several frames each): a few
    hundred nested blocks or lists ended in RecursionError. One linear pass over the
    brackets outside strings and comments finds such input before the parser sees it.
    """
    depth = 0
    for match in _OPENERS.finditer(text):
        token = match.group()
        if token in "{[(":
            depth += 1
            if depth > MAX_NESTING:
                return match.start()
        elif token in "}])":
            depth = max(0, depth - 1)
    return None


def parse_text(text: str) -> tuple[Tree, list[CommentToken]]:
    """Parse `.gw` text; returns the tree and the comments. Raises lark's UnexpectedInput."""
    tree = gw_parser().parse(text)
    return tree, comments_in(text)
