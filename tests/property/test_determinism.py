"""Same input, same model and same text, whatever the declaration order or hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from apic.api import load
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.parser import parse_text
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.frontends.dsl.transform import to_surface
from apic.compiler.source import SourceFile

ROOT = Path(__file__).resolve().parents[2]
BOOKSTORE = ROOT / "examples" / "bookstore.gw"


def top_level_statements(text: str) -> list[str]:
    tree, comments = parse_text(text)
    surface, _ = to_surface(tree, comments, SourceFile("x.gw", text))
    return [text[i.span.start : i.span.end] for i in surface.imports + surface.items]


def api_body_statements(text: str) -> tuple[str, list[str]]:
    tree, comments = parse_text(text)
    surface, _ = to_surface(tree, comments, SourceFile("x.gw", text))
    api = next(i for i in surface.items if isinstance(i, ast.Block) and i.type == "api")
    return text[api.span.start : api.labels[-1].span.end], [
        text[i.span.start : i.span.end] for i in api.items
    ]


@given(st.randoms(use_true_random=False))
def test_statement_order_does_not_change_the_model(rng) -> None:  # type: ignore[no-untyped-def]
    original = load(BOOKSTORE).model
    header, body = api_body_statements(BOOKSTORE.read_text(encoding="utf-8"))
    rng.shuffle(body)
    imports = [
        s for s in top_level_statements(BOOKSTORE.read_text(encoding="utf-8")) if s.startswith("import")
    ]
    shuffled = "\n".join(imports) + "\n" + header + " {\n" + "\n".join(body) + "\n}\n"
    reordered = load(BOOKSTORE, text=shuffled)
    assert reordered.model == original
    assert print_model(reordered.model) == print_model(original)  # type: ignore[arg-type]


def test_output_is_the_same_under_any_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                "from pathlib import Path; from apic.api import load; "
                "from apic.compiler.frontends.dsl.printer import print_model; "
                "print(print_model(load(Path('examples/payments.gw')).model))",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
