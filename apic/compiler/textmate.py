"""A TextMate grammar for `.gw` files (VS Code, Sublime Text, GitHub Linguist, Shiki), made
from the language itself: its block and attribute names come from the binder's schema and
its literals from the lark grammar's terminals, so highlighting never lags the language.
Written to editors/gw.tmLanguage.json by `python -m apic.compiler.reference`; a test fails
when the committed file is stale."""

from __future__ import annotations

import re
from typing import Any

from apic.compiler.frontends.dsl.schema import schema_names
from apic.compiler.model import HttpMethod

LITERALS = ("true", "false", "null")
KEYWORDS = ("import", "as")


def words(names: set[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


def grammar() -> dict[str, Any]:
    blocks, attributes = schema_names()
    methods = sorted(m.value for m in HttpMethod)
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "apic gateway",
        "scopeName": "source.gw",
        "fileTypes": ["gw"],
        "patterns": [
            {"include": "#comments"},
            {"include": "#strings"},
            {"name": "keyword.control.import.gw", "match": rf"\b(?:{words(KEYWORDS)})\b"},
            {"name": "constant.language.gw", "match": rf"\b(?:{words(LITERALS)})\b"},
            {"name": "constant.language.method.gw", "match": rf"\b(?:{words(tuple(methods))})\b"},
            {
                "match": rf"^\s*({words(blocks)})\b(?=[^={{\n]*\{{)",
                "captures": {"1": {"name": "storage.type.block.gw"}},
            },
            {
                "match": rf"\b({words(attributes)})\b(?=(?:\s+\"(?:[^\"\\\\]|\\\\.)*\")*\s*=)",
                "captures": {"1": {"name": "variable.other.property.gw"}},
            },
            {
                "match": r"\b(env|file)(?=\()",
                "captures": {"1": {"name": "support.function.gw"}},
            },
            {
                "name": "constant.numeric.quantity.gw",
                "match": r"-?\b\d+(?:\.\d+)?(?:[A-Za-z%]+|/[A-Za-z]+)?",
            },
            {
                "match": r"\b([A-Za-z_][A-Za-z0-9_\-]*)(\.)(?=[A-Za-z_\"])",
                "captures": {
                    "1": {"name": "entity.name.namespace.reference.gw"},
                    "2": {"name": "punctuation.accessor.gw"},
                },
            },
        ],
        "repository": {
            "comments": {
                "patterns": [
                    {"name": "comment.line.number-sign.gw", "match": r"#.*$"},
                    {"name": "comment.line.double-slash.gw", "match": r"//.*$"},
                    {"name": "comment.block.gw", "begin": r"/\*", "end": r"\*/"},
                ]
            },
            "strings": {
                "patterns": [
                    {"name": "string.quoted.triple.gw", "begin": '"""', "end": '"""'},
                    {
                        "name": "string.quoted.double.gw",
                        "begin": '"',
                        "end": '"',
                        "patterns": [
                            {"name": "constant.character.escape.gw", "match": r"\\(?:u[0-9A-Fa-f]{4}|.)"},
                            {"name": "variable.other.interpolation.gw", "match": r"\$\{[^}\n]*\}"},
                        ],
                    },
                ]
            },
        },
    }
