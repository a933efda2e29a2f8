"""Benchmark (not a test): `apic lint` beside Redocly and Spectral on every document of
../shared/corpus/openapi, in one run, interleaved, with peak memory and ratios.

For each document and each of --runs rounds, apic, Redocly (`recommended`) and Spectral
(`spectral:oas`) run one after another as whole processes, so machine noise falls on all
three alike; the table shows medians, peak resident memory (the largest of the rounds, from
the kernel's accounting of the finished child) and apic's time as a fraction of each peer's.
The peers are installed at pinned versions into bench/.npm with npm on first use. `--json`
writes the figures as JSON too.

    python bench/peers.py [--runs 3] [--only museum,github-2022] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "openapi"
PEERS = {"spectral": "@stoplight/spectral-cli@6.16.3", "redocly": "@redocly/cli@2.77.0"}


def documents(only: list[str]) -> dict[str, Path]:
    """Each corpus document that is a root (a multi-file description by its root file)."""
    found = {}
    for path in sorted(CORPUS.iterdir()):
        if path.is_dir():
            roots = sorted(
                p for p in path.rglob("*.yaml") if "public" in p.name or p.parent.name == path.name
            )
            candidates = roots or sorted(path.rglob("*.yaml"))
            if path.name == "oai":
                for each in sorted(path.glob("*.yaml")):
                    found[f"oai/{each.stem}"] = each
                continue
            if candidates:
                found[path.name] = candidates[0]
        elif path.suffix in (".yaml", ".yml", ".json"):
            found[path.stem] = path
    if only:
        found = {k: v for k, v in found.items() if any(o in k for o in only)}
    return found


def install_peers() -> dict[str, list[str]]:
    prefix = HERE / ".npm"
    binaries = {
        "spectral": prefix / "node_modules" / ".bin" / "spectral",
        "redocly": prefix / "node_modules" / ".bin" / "redocly",
    }
    if not all(b.exists() for b in binaries.values()):
        npm = shutil.which("npm")
        if npm is None:
            print("npm is not installed: the peers are skipped", file=sys.stderr)
            return {}
        print("installing Spectral and Redocly into bench/.npm ...", file=sys.stderr, flush=True)
        subprocess.run([npm, "install", "--silent", "--prefix", str(prefix), *PEERS.values()], check=True)
    return {name: [str(path)] for name, path in binaries.items()}


def run(command: list[str], cwd: Path, timeout: float) -> tuple[float | None, int]:
    """(seconds, peak resident KB) of one process; seconds is None past `timeout`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + timeout
    while True:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return time.perf_counter() - start, int(usage.ru_maxrss)
        if time.perf_counter() > deadline:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
            return None, int(usage.ru_maxrss)
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated parts of document names")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"the corpus is missing: {CORPUS}")
    peers = {} if args.no_peers else install_peers()
    tools = {"apic": [sys.executable, "-m", "apic", "lint", "--format", "json"], **peers}
    results = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ruleset = work / ".spectral.yaml"
        ruleset.write_text("extends: ['spectral:oas']\n", encoding="utf-8")
        extra = {"spectral": ["lint", "--ruleset", str(ruleset)], "redocly": ["lint"], "apic": []}
        for name, path in documents([o for o in args.only.split(",") if o]).items():
            times: dict[str, list[float | None]] = {tool: [] for tool in tools}
            memory: dict[str, int] = dict.fromkeys(tools, 0)
            for _ in range(args.runs):
                for tool, command in tools.items():
                    seconds, kb = run([*command, *extra[tool], str(path)], path.parent, args.timeout)
                    times[tool].append(seconds)
                    memory[tool] = max(memory[tool], kb)
            row = {"document": name, "size_kb": round(path.stat().st_size / 1024)}
            for tool in tools:
                done = [t for t in times[tool] if t is not None]
                row[f"{tool}_s"] = (
                    round(statistics.median(done), 2) if len(done) == len(times[tool]) else None
                )
                row[f"{tool}_peak_mb"] = round(memory[tool] / 1024)
            for peer in peers:
                apic_s, peer_s = row["apic_s"], row[f"{peer}_s"]
                row[f"apic/{peer}"] = round(apic_s / peer_s, 2) if apic_s and peer_s else None
            results.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    columns = ["document", "size_kb", *(f"{t}_s" for t in tools), *(f"apic/{p}" for p in peers)]
    columns += [f"{t}_peak_mb" for t in tools]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in results:
        print("| " + " | ".join("timeout" if row.get(c) is None else str(row[c]) for c in columns) + " |")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
