"""The examples: every one passes `apic check`, and together they use every construct."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, shared_path

from apic.cli import main
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.parser import parse_text
from apic.compiler.frontends.dsl.schema import FILE, BlockSpec
from apic.compiler.frontends.dsl.transform import to_surface
from apic.compiler.source import SourceFile

EXAMPLES = ROOT / "examples"
ENTRY_POINTS = [*sorted(EXAMPLES.glob("*.gw")), EXAMPLES / "sidecar" / "orders.gw"]
ALL_GW = sorted(EXAMPLES.rglob("*.gw"))


@pytest.mark.parametrize("example", ENTRY_POINTS, ids=[p.name for p in ENTRY_POINTS])
def test_example_checks_clean(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert main(["check", str(example.relative_to(EXAMPLES))]) == 0
    assert capsys.readouterr().out == "No problems found in 1 file.\n"


def language_md_blocks() -> list[str]:
    text = shared_path("docs/language.md").read_text(encoding="utf-8")
    return re.findall(r"```hcl\n(.*?)```", text, re.S)


# The one line where examples/bookstore.gw departs from the shared language reference: its
# healthcheck inherited `auth = api_key`, which healthcheck-requires-auth (AU004) reports,
# since load balancers and uptime monitors send no key (issue 10; docs/design.md).
LANGUAGE_MD_HEALTHCHECK = (
    "      healthcheck   = true           # emits a rate=0, fixed_target=0 X-Ray rule ahead of all others\n",
    "      healthcheck   = true, auth = none  # never trace-sampled; probes send no API key\n",
)


def test_language_md_examples_are_the_bundled_ones() -> None:
    """The bookstore in language.md is examples/bookstore.gw (but for the healthcheck's auth),
    and its import is common/errors.gw."""
    bookstore, errors = language_md_blocks()
    assert LANGUAGE_MD_HEALTHCHECK[0] in bookstore
    expected = bookstore.replace(*LANGUAGE_MD_HEALTHCHECK)
    assert (EXAMPLES / "bookstore.gw").read_text(encoding="utf-8") == expected
    assert (EXAMPLES / "common" / "errors.gw").read_text(encoding="utf-8") == errors


def test_language_md_examples_check_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked from the text of language.md itself, laid out as its import expects."""
    bookstore, errors = language_md_blocks()
    (tmp_path / "common").mkdir()
    (tmp_path / "bookstore.gw").write_text(bookstore, encoding="utf-8")
    (tmp_path / "common" / "errors.gw").write_text(errors, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "bookstore.gw", "common/errors.gw"]) == 0


def schema_constructs() -> set[str]:
    """Every `parent.block` and `parent.attribute` pair the schema accepts."""
    wanted: set[str] = set()
    seen: set[int] = set()

    def walk(spec: BlockSpec) -> None:
        if id(spec) in seen:
            return
        seen.add(id(spec))
        wanted.update(f"{spec.type}.{a}" for a in spec.attrs)
        for child in spec.blocks.values():
            wanted.add(f"{spec.type}.{child.type}")
            walk(child)

    walk(FILE)
    return wanted


def used_constructs() -> set[str]:
    used: set[str] = set()

    def walk(parent: str, items: tuple[ast.Item, ...]) -> None:
        for item in items:
            if isinstance(item, ast.Attribute):
                used.add(f"{parent}.{item.name}")
            elif isinstance(item, ast.Block):
                used.add(f"{parent}.{item.type}")
                walk(item.type, item.items)

    for path in ALL_GW:
        text = path.read_text(encoding="utf-8")
        tree, comments = parse_text(text)
        surface, _ = to_surface(tree, comments, SourceFile(str(path), text))
        walk("file", surface.items)
    return used


def test_examples_use_every_construct_of_the_schema() -> None:
    missing = schema_constructs() - used_constructs()
    assert not missing, f"no example uses: {sorted(missing)}"


def test_examples_use_every_syntax_feature() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in ALL_GW)
    features = {
        "glob import": r'import "[^"]*\*',
        "name list label": r"route \[",
        "multi-line string": '"""',
        "file()": r"file\(",
        "env()": r"env\(",
        "var reference": r"= var\.",
        "interpolation": r"\$\{var\.",
        "stage variable in a string": r"\$\{stage\.var\.",
        "quoted reference part": r'\."',
        "block comment": r"/\*",
        "line comment //": r"(^|\s)//",
        "suppression (statement)": r"apic: disable=",
        "suppression (next line)": r"apic: disable-next-line=",
        "suppression (file)": r"apic: disable-file=",
        "one-line items with commas": r"\{ [a-z_]+ = [^\n]+, [a-z_]+ = ",
        "greedy path": r"\{proxy\+\}",
        "websocket route key": r'route "\$connect"',
    }
    missing = [name for name, pattern in features.items() if not re.search(pattern, text, re.M)]
    assert not missing


@pytest.mark.parametrize("example", ENTRY_POINTS, ids=[p.name for p in ENTRY_POINTS])
def test_inspect_output_matches_the_ir_schema(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import jsonschema

    monkeypatch.chdir(EXAMPLES)
    assert main(["inspect", str(example.relative_to(EXAMPLES))]) == 0
    dumped = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "apic" / "schemas" / "apic-ir.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(dumped)
    assert [api["name"] for api in dumped["apis"]]


def test_readme_snippets_are_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's .gw snippet checks clean, and its sample error is what apic prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```hcl\n(.*?)```", readme, re.S)
    (sample,) = re.findall(r"```\n(bookstore\.gw:.*?)```", readme, re.S)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "snippet.gw").write_text(snippet, encoding="utf-8")
    assert main(["check", "snippet.gw"]) == 0
    shutil.copytree(EXAMPLES, tmp_path, dirs_exist_ok=True)
    lines = (tmp_path / "bookstore.gw").read_text(encoding="utf-8").split("\n")
    lines[18] = lines[18].replace("timeout = 10s", "timeout 10s")
    (tmp_path / "bookstore.gw").write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "bookstore.gw"]) == 2
    assert capsys.readouterr().out.startswith(sample)
