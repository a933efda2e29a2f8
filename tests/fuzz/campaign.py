"""The long fuzzing campaign (issue 11), without hypothesis: `python tests/fuzz/campaign.py
--frontend gw --inputs 100000`. Each input is a seed's mutation; a failure is written to
`--out` with its seed, so `mutate(text, mutators, seed)` reproduces it. Prints how inputs
ended and the slowest ones per kilobyte (the invariant asks for time linear in the input:
an outlier here is a lead, not a measurement, since the machine is shared)."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from fuzz_check import check
from fuzz_mutations import GW_MUTATORS, OPENAPI_MUTATORS, ROOT, gw_seeds, mutate, openapi_seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frontend", choices=("gw", "openapi"), required=True)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="the first seed; inputs use seed, seed+1, …")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    gw = args.frontend == "gw"
    seeds = gw_seeds() if gw else openapi_seeds(include_large=False)
    names = sorted(seeds)
    mutators = GW_MUTATORS if gw else OPENAPI_MUTATORS
    outcomes: Counter[str] = Counter()
    slowest: list[tuple[float, int, str, int]] = []  # seconds, size, seed file, seed
    per_kb: list[tuple[float, int, str, int]] = []  # ms per KB over inputs of 1 KB or more
    started = time.perf_counter()
    for n in range(args.inputs):
        seed = args.seed + n
        name = names[seed % len(names)]
        path = (ROOT / name) if gw else Path(name)
        text = mutate(seeds[name], mutators, seed)
        begin = time.perf_counter()
        try:
            outcomes[check(path.parent, path.name, text)] += 1
        except Exception as error:  # an escaping exception or a broken invariant
            outcomes["FAILED"] += 1
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{args.frontend}-{seed}{path.suffix}").write_text(
                text, encoding="utf-8", errors="replace"
            )
            (args.out / f"{args.frontend}-{seed}.txt").write_text(
                f"seed {seed} of {name}\n" + "".join(traceback.format_exception(error)), encoding="utf-8"
            )
        spent = time.perf_counter() - begin
        slowest = sorted([*slowest, (spent, len(text), name, seed)], reverse=True)[:3]
        if len(text) >= 1024:
            per_kb = sorted(
                [*per_kb, (spent * 1000 / (len(text) / 1024), len(text), name, seed)], reverse=True
            )[:3]
        if (n + 1) % 10_000 == 0:
            print(f"{n + 1:,} inputs, {time.perf_counter() - started:.0f} s: {dict(outcomes)}", flush=True)
    elapsed = time.perf_counter() - started
    rate = args.inputs / elapsed
    print(f"{args.frontend}: {args.inputs:,} inputs in {elapsed:.0f} s ({rate:.0f}/s): {dict(outcomes)}")
    for spent, size, name, seed in slowest:
        print(f"  slowest: {spent * 1000:.0f} ms for {size:,} bytes (seed {seed} of {name})")
    for ms, size, name, seed in per_kb:
        print(f"  most per KB: {ms:.1f} ms/KB for {size:,} bytes (seed {seed} of {name})")
    return 1 if outcomes["FAILED"] else 0


if __name__ == "__main__":
    sys.exit(main())
