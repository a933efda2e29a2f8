"""Mutation operators for fuzzing apic's two frontends, shared by the suite's hypothesis
tests (`test_fuzz.py`) and the long campaign (`campaign.py`).

Every operator is a pure function of the text and a `random.Random`, so an input is
reproduced from its seed. Byte-level operators (flips, line deletion, duplication and swaps)
find what tokenizers and parsers miss; structure-aware ones replace values and keys inside a
document that still parses, which is where lowering, binding and the targets meet values
nobody wrote on purpose.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

AWKWARD_TEXT = [
    "",
    " ",
    "\x00",
    "\x85",
    "\u2028",
    "\x1b[2J",
    "é",
    "${AWS::AccountId}",
    "$${x}",
    "Fn::Sub",
    "Ref",
    "../../etc/passwd",
    "file:///etc/passwd",
    "http://]",
    "http://user:pw@h.example.com",
    "a" * 300,
    "%00",
    "{proxy+}",
    "{a}{b}",
    "/",
    "//",
    "\n",
    '"',
    "'",
    "\\",
    "*",
    "-1",
    "9" * 40,
]
AWKWARD_VALUES: list[Any] = [
    *AWKWARD_TEXT,
    None,
    True,
    0,
    -1,
    2**53 + 1,
    10**400,
    1.5,
    float("inf"),
    float("nan"),
    [],
    {},
    [[[[]]]],
    {"$ref": "#/"},
    {"$ref": "#/paths"},
    {"$ref": "./missing.yaml"},
    {"a": {"b": {"c": {}}}},
]
GW_TOKENS = [
    "{", "}", "[", "]", "(", ")", "=", ",", ":", '"', '"""', "#", "//", "/*", "\n",
    "api", "route", "group", "stage", "backend", "GET", "ANY", "true", "null", "10s", "-5/s",
    "1" * 320, "0.5GB", "5%", "env(\"\")", "file(\"../x\")", "backend.x", "var.y", "${", "import",
]  # fmt: skip
PRINTABLE = [*"{}[]():=,\"'#/*\\\n\t -.${}%", "\x00", "\x85", "é", "\u202e", "a", "1"]


def flip(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(PRINTABLE)
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(PRINTABLE) + text[at + 1 :]


def insert(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice([*PRINTABLE, *AWKWARD_TEXT]) + text[at:]


def _lines(text: str, rng: random.Random, change: Callable[[list[str], int], None]) -> str:
    lines = text.split("\n")
    if lines:
        change(lines, rng.randrange(len(lines)))
    return "\n".join(lines)


def delete_line(text: str, rng: random.Random) -> str:
    return _lines(text, rng, lambda lines, at: lines.pop(at))


def duplicate_line(text: str, rng: random.Random) -> str:
    return _lines(text, rng, lambda lines, at: lines.insert(at, lines[at]))


def swap_lines(text: str, rng: random.Random) -> str:
    def swap(lines: list[str], at: int) -> None:
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]

    return _lines(text, rng, swap)


_GW_TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?[A-Za-z%/]*|[A-Za-z_][\w.\-]*|\S')


def gw_token(text: str, rng: random.Random) -> str:
    """Replace one token (a string, number, name or punctuation) with another or a value."""
    tokens = list(_GW_TOKEN.finditer(text))
    if not tokens:
        return insert(text, rng)
    token = rng.choice(tokens)
    if token.group().startswith('"'):
        replacement = json.dumps(rng.choice(AWKWARD_TEXT), ensure_ascii=False)
    elif rng.random() < 0.3:
        replacement = rng.choice(tokens).group()  # a token from elsewhere: a swap
    else:
        replacement = rng.choice(GW_TOKENS)
    return text[: token.start()] + replacement + text[token.end() :]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


def yaml_structure(text: str, rng: random.Random) -> str:
    """Parse, replace one value (or rename one key) with something awkward, print again as
    YAML or JSON. Falls back to a byte flip when the text does not parse."""
    try:
        document = yaml_rs.loads(text)
    except Exception:
        return flip(text, rng)
    if not isinstance(document, dict):
        return flip(text, rng)
    path = rng.choice(_paths(document)[1:] or [()])
    if not path:
        return flip(text, rng)
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if isinstance(parent, dict) and rng.random() < 0.3:
        key = (
            rng.choice([k for k in AWKWARD_TEXT if k])
            if rng.random() < 0.8
            else rng.choice(["$ref", "x-apic-" + "z"])
        )
        parent[key] = parent.pop(last)
    else:
        parent[last] = rng.choice(AWKWARD_VALUES)
    try:
        if rng.random() < 0.5:
            return json.dumps(document, ensure_ascii=False, default=str)
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10**6)
    except (TypeError, ValueError, OverflowError, yaml.YAMLError):  # keys yaml-rs made tuples
        return flip(text, rng)


GW_MUTATORS = [flip, insert, delete_line, duplicate_line, swap_lines, gw_token, gw_token]
OPENAPI_MUTATORS = [flip, insert, delete_line, duplicate_line, swap_lines, yaml_structure, yaml_structure]


def mutate(text: str, mutators: list[Callable[[str, random.Random], str]], seed: int) -> str:
    """One to four mutations of `text`, chosen by `seed`."""
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(mutators)(text, rng)
    return text


def gw_seeds() -> dict[str, str]:
    """Every .gw file of the repository's examples and test cases (as a name -> text map)."""
    paths = [*(ROOT / "examples").rglob("*.gw"), *(ROOT / "tests").rglob("*.gw")]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8", errors="replace") for p in sorted(paths)}


def openapi_seeds(include_large: bool = False) -> dict[str, str]:
    """The repository's OpenAPI test inputs, and the small corpus documents when ../shared is
    there (the large ones only for the long campaign)."""
    paths = [
        p for p in (ROOT / "tests").rglob("*.yaml") if "openapi" in p.name or p.parent.name in ("errors",)
    ]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        paths += sorted((corpus / "openapi" / "oai").glob("*.yaml"))
        paths += [corpus / "openapi" / "museum-3.1.yaml"]
        paths += sorted(
            p for p in (corpus / "openapi-2-kong").rglob("*.yaml") if not p.name.endswith(".expected.yaml")
        )
        if include_large:
            paths += sorted((corpus / "openapi").glob("github-*.yaml"))
    return {
        str(p): p.read_text(encoding="utf-8", errors="replace") for p in sorted(set(paths)) if p.is_file()
    }
