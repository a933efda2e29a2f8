"""Benchmark (not a test): load the large corpus documents with apic, beside PyYAML.

For each document: apic's whole load (parse with positions, $ref closure, validation,
lowering) split into its stages, and PyYAML's plain CSafeLoader load of the root file
for scale. Median of N runs (default 3), in one process.

    python bench/load_openapi.py [--runs N] [--corpus ../shared/corpus/openapi]

Needs PyYAML (not an apic dependency): pip install pyyaml.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from apic.api import load
from apic.compiler.frontends.openapi.documents import DocumentSet
from apic.compiler.frontends.openapi.validate import validate
from apic.compiler.frontends.openapi.yamlindex import load_yaml
from apic.compiler.source import SourceFile

DOCUMENTS = [
    "github-2022-api.github.com.yaml",
    "github-2020-api.github.com.yaml",
    "digitalocean/specification/DigitalOcean-public.v2.yaml",
    "museum-3.1.yaml",
]


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpus/openapi"
    )
    args = parser.parse_args()
    print(
        f"{'document':58} {'size':>8} {'pyyaml':>8} {'parse':>8} {'refs':>8} {'validate':>9} {'apic all':>9}"
    )
    for relative in DOCUMENTS:
        path = args.corpus / relative
        if not path.exists():
            print(f"{relative:58} (missing)")
            continue
        data = path.read_bytes()
        text = data.decode("utf-8")
        pyyaml = median_time(lambda: yaml.load(text, Loader=yaml.CSafeLoader), args.runs)  # noqa: B023
        parse = median_time(lambda: load_yaml(SourceFile(str(path), text), data), args.runs)  # noqa: B023

        def closure(path: Path = path) -> tuple[DocumentSet, object]:
            documents = DocumentSet(root=path.parent.resolve())
            document = documents.load_file(path)
            documents.close(document)  # type: ignore[arg-type]
            return documents, document

        refs = median_time(closure, args.runs)
        documents, document = closure()
        checking = median_time(lambda: validate(documents, document), args.runs)  # type: ignore[arg-type]  # noqa: B023
        everything = median_time(lambda: load(path), args.runs)  # noqa: B023
        print(
            f"{relative:58} {len(data) / 1e6:7.1f}M {pyyaml:7.2f}s {parse:7.2f}s {refs:7.2f}s "
            f"{checking:8.2f}s {everything:8.2f}s"
        )


if __name__ == "__main__":
    main()
