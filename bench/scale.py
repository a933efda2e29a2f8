"""Benchmark (not a test): every apic command on generated gateways of growing size.

For 500, 5,000 and 50,000 routes (`--sizes`), the same synthetic gateway as
bench/lint_scale.py is checked, linted and compiled to every registered target
(`--no-lint`, so each target's own cost shows), each as a whole process; the table shows the
median seconds, the peak memory and, for each size after the first, how many times the
previous size's time it took (10x the routes should cost about 10x).

    python bench/scale.py [--sizes 500,5000,50000] [--runs 1]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from lint_scale import gateway  # the same synthetic gateway as the lint benchmark

from apic.targets.base import discover_targets


def measure(command: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    """(median seconds, peak resident MB) of `command` as a process."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peak = max(peak, int(usage.ru_maxrss) // 1024)
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    apic = [sys.executable, "-m", "apic"]
    commands = {"check": ["check"], "lint": ["lint"]}
    for name in sorted(discover_targets()):
        commands[f"compile {name}"] = ["compile", "--no-lint", "-t", name]
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / ".git").mkdir()
        for size in sizes:
            source = work / f"scale-{size}.gw"
            source.write_text(gateway(size), encoding="utf-8")
            for name, command in commands.items():
                table[name].append(measure([*apic, *command, source.name], work, args.runs))
                print(f"{size} {name}: {table[name][-1][0]:.2f} s", file=sys.stderr, flush=True)
    header = ["command", *(f"{s} routes" for s in sizes), *(f"{b}/{a}" for a, b in itertools.pairwise(sizes))]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, cells in table.items():
        shown = [f"{seconds:.2f} s, {peak} MB" for seconds, peak in cells]
        ratios = [f"{b[0] / a[0]:.1f}x" for a, b in itertools.pairwise(cells)]
        print("| " + " | ".join([name, *shown, *ratios]) + " |")


if __name__ == "__main__":
    main()
