"""The syntax and binding error suite: exact codes and positions, and the rendered output.

Each case states its expected diagnostics on its first line (`# expect: CODE [file:]line:col`,
`;`-separated); the test asserts exactly that list, then compares the human rendering with
the case's golden file (refreshed by --update-goldens).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import check_golden

from apic.api import load
from apic.compiler.emit.render import render
from apic.compiler.frontends.base import LoadOptions

CASES = Path(__file__).parent / "errors"
EXPECT = re.compile(r"#\s*expect:\s*(.+)")


def discover() -> list[tuple[str, Path, Path]]:
    cases = []
    for item in sorted(CASES.iterdir()):
        if item.is_file() and item.suffix in (".gw", ".yaml"):
            cases.append((item.stem, item, item.with_suffix(".expected")))
        elif item.is_dir():
            entry = next(p for p in sorted(item.rglob("main.*")) if p.suffix in (".gw", ".yaml"))
            cases.append((item.name, entry, item / "expected.txt"))
    return cases


def expectations(entry: Path) -> list[tuple[str, str, int, int]]:
    header = entry.read_bytes().split(b"\n", 1)[0].decode()
    match = EXPECT.match(header)
    assert match, f"{entry} must start with '# expect: CODE [file:]line:col'"
    result = []
    for item in match.group(1).split(";"):
        code, where = item.split()
        parts = where.split(":")
        file = parts[0] if len(parts) == 3 else entry.name
        result.append((code, file, int(parts[-2]), int(parts[-1])))
    return result


OPTIONS = re.compile(r"#\s*options:\s*(.+)")


def case_options(entry: Path) -> LoadOptions:
    """A second header line `# options: max_input_bytes=200` sets load options for a case."""
    lines = entry.read_bytes().split(b"\n", 2)
    match = OPTIONS.match(lines[1].decode()) if len(lines) > 1 else None
    if match is None:
        return LoadOptions()
    settings = dict(item.strip().split("=") for item in match.group(1).split(","))
    return LoadOptions(**{name: int(value) for name, value in settings.items()})


@pytest.mark.parametrize(("name", "entry", "golden"), discover(), ids=[c[0] for c in discover()])
def test_error_case(
    name: str, entry: Path, golden: Path, monkeypatch: pytest.MonkeyPatch, update_goldens: bool
) -> None:
    monkeypatch.chdir(entry.parent)
    result = load(Path(entry.name), case_options(entry))
    has_error = any(d.severity.value == "error" for d in result.diagnostics)
    assert (result.model is None) == has_error, "a model exists exactly when no error was reported"
    found = [(d.code, d.span.path, *d.span.start_location) for d in result.diagnostics]
    assert found == expectations(entry)
    check_golden(golden, "\n\n".join(render(d) for d in result.diagnostics) + "\n", update_goldens)


def test_suite_covers_every_syntax_and_binding_code() -> None:
    """Every PA and SC code that an input (.gw or OpenAPI) can produce has at least one case."""
    from apic.compiler import codes

    seen = {code for _, entry, _ in discover() for code, *_ in expectations(entry)}
    wanted = {c.code for c in codes.ALL_CODES if c.code[:2] in ("PA", "SC")}
    assert wanted - seen == set()
    assert len(discover()) >= 40
