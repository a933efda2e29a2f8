"""The transcripts the README and docs show are what apic prints.

A transcript is a fenced block whose lines start with `$ apic …`; each command is run from
the project root. Lines under a command that are diagnostics (`file:line:col: error[…]`) must
each be a line apic prints on stderr (the trailing ` (rule-name)` may be left out); the other
lines must be the first lines of stdout, up to a `...` line that stands for the rest.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from apic.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "docs/targets.md"]
FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.S)
DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (error|warning|info)\[")


def transcripts() -> list[tuple[str, str, list[str]]]:
    """(document, command, lines shown under it) for every `$ apic` command in a fence."""
    found = []
    for document in DOCUMENTS:
        for block in FENCE.findall((ROOT / document).read_text(encoding="utf-8")):
            command: str | None = None
            shown: list[str] = []
            for line in block.splitlines():
                if line.startswith("$ apic "):
                    if command is not None:
                        found.append((document, command, shown))
                    command, shown = line[2:], []
                elif command is not None:
                    shown.append(line)
            if command is not None:
                found.append((document, command, shown))
    return found


TRANSCRIPTS = transcripts()


def test_the_documents_show_transcripts() -> None:
    assert {document for document, _, _ in TRANSCRIPTS} == set(DOCUMENTS)


@pytest.mark.parametrize(
    ("document", "command", "shown"), TRANSCRIPTS, ids=[f"{d}:{c}" for d, c, _ in TRANSCRIPTS]
)
def test_a_transcript_is_what_apic_prints(
    document: str,
    command: str,
    shown: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    main(shlex.split(command)[1:])
    captured = capsysbinary.readouterr()
    out = captured.out.decode("utf-8").splitlines()
    err = captured.err.decode("utf-8").splitlines()
    printed = {line for line in err} | {re.sub(r" \([a-z0-9-]+\)$", "", line) for line in err}
    diagnostics = [line for line in shown if DIAGNOSTIC.match(line)]
    assert [line for line in diagnostics if line not in printed] == []
    artifact = [line for line in shown if not DIAGNOSTIC.match(line)]
    if "..." in artifact:
        artifact = artifact[: artifact.index("...")]
    assert out[: len(artifact)] == artifact
