"""The `apic` command's entry point: answers `--version` before importing anything else.

A pre-commit hook or an editor asks for the version often; importing the compiler (pydantic
models, the grammar, the OpenAPI validator) costs most of a second-scale start, and the
version needs none of it. Every other command goes to `apic.cli.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from apic import __version__


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments in (["--version"], ["-V"]):
        sys.stdout.write(f"apic {__version__}\n")
        return 0
    from apic.cli import main as run

    return run(arguments)
