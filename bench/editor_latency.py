"""Benchmark (not a test): what a pre-commit hook and an editor wait for.

- `apic --version` and `apic lint small.gw` as whole processes (median of --runs): what a
  hook pays per commit.
- The language server's re-lint of a 300-route file after warm-up (median of --runs, in
  one process): what an editor waits for after the debounce, the work `apic lsp` does on
  each change (`apic.lsp.diagnostics_for`).

    python bench/editor_latency.py [--runs 15] [--installed]

`--installed` measures the two processes on apic as a user installs it (`pip install .` into
a temporary virtual environment, byte-compiled, without the test extras), not on this
checkout's development environment (an editable install, whose modules are compiled on
every start when PYTHONDONTWRITEBYTECODE is set, and whose test extras lark picks up).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lint_scale import gateway  # the same synthetic gateway as the lint benchmark

SMALL = (
    'api "a" {\n  backend "b" { url = "https://b.example.com" }\n'
    '  defaults { backend = backend.b, auth = iam }\n  route GET "/x" {}\n}\n'
)


def process_median(command: list[str], runs: int, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def relint_median(text: str, folder: Path, runs: int) -> float:
    from lsprotocol import types
    from pygls.workspace import TextDocument

    from apic.lsp import diagnostics_for

    path = folder / "big.gw"
    path.write_text(text, encoding="utf-8")
    document = TextDocument(path.as_uri(), text, version=1)
    diagnostics_for(document)  # warm-up: imports, grammar, rules
    times = []
    for version in range(runs):
        edited = text.replace("timeout", "timeout", 1) + f"# edit {version}\n"
        document = TextDocument(path.as_uri(), edited, version=version + 2)
        start = time.perf_counter()
        diagnostics_for(document)
        times.append(time.perf_counter() - start)
    del types
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--installed", action="store_true", help="measure a fresh `pip install .`")
    args = parser.parse_args()
    apic = str(Path(sys.executable).parent / "apic")
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        if args.installed:
            venv = where / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            repository = Path(__file__).resolve().parent.parent
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(repository)], check=True)
            apic = str(venv / "bin" / "apic")
        (where / ".git").mkdir()  # a repository: configuration and roots stop here
        (where / "small.gw").write_text(SMALL, encoding="utf-8")
        version = process_median([apic, "--version"], args.runs, where)
        small = process_median([apic, "lint", "small.gw"], args.runs, where)
        relint = relint_median(gateway(300), where, args.runs)
    print(f"{'measure':<44} {'median':>10}   ({'a fresh install' if args.installed else 'this environment'})")
    print(f"{'apic --version (process)':<44} {version * 1000:>8.0f} ms")
    print(f"{'apic lint small.gw (process)':<44} {small * 1000:>8.0f} ms")
    print(f"{'apic lsp re-lint, 300 routes (after warm-up)':<44} {relint * 1000:>8.0f} ms")


if __name__ == "__main__":
    main()
