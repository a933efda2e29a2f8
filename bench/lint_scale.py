"""Benchmark (not a test): `apic lint` at 500, 5,000 and 50,000 routes, beside Spectral and Redocly.

For each size the script writes one synthetic gateway twice, as `.gw` and as the OpenAPI
document apic's printer makes of the same model, then times whole processes (median of
--runs): `apic lint` on both, Spectral (`spectral:oas`) and Redocly (`recommended`) on the
OpenAPI document. Peers are installed from npm into bench/.npm on first use. A peer that
exceeds --peer-timeout is shown as a timeout. The last columns show apic's cost per route,
which stays flat when the rules scale linearly (the route rules walk a trie, not all pairs).

    python bench/lint_scale.py [--sizes 500,5000,50000] [--runs 3] [--no-peers]

The routes mix what real APIs have: collections and items per resource, nested
sub-resources, a literal beside a `{param}` now and then (so route-literal-param-overlap
has work), declared query parameters and upstream paths: what apic's OpenAPI printer can
carry, so both inputs describe the same gateway.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from apic.api import load
from apic.targets.openapi.document import print_openapi

HERE = Path(__file__).resolve().parent
PEERS = {"spectral": "@stoplight/spectral-cli@6", "redocly": "@redocly/cli@2"}


def gateway(routes: int) -> str:
    """A REST API with `routes` routes, five per resource."""
    lines = [
        'api "scale" {',
        "  defaults { auth = iam, timeout = 10s }",
        '  backend "app" { url = "https://app.example.com" }',
        '  stage "prod" {}',
    ]
    count = 0
    resource = 0
    while count < routes:
        name = f"r{resource}"
        lines.append(f'  group "/{name}" {{')
        lines.append("    backend = backend.app")
        batch = [
            ('GET "/"', '      query "page" { type = integer }'),
            ('POST "/"', ""),
            ('GET "/{id}"', f'      upstream_path = "/v1/{name}/{{id}}"'),
            ('DELETE "/{id}"', ""),
            ('GET "/{id}/items/{item}"' if resource % 10 else 'GET "/search"', ""),
        ]
        for head, body in batch[: routes - count]:
            lines.append(f"    route {head} {{" + (f"\n{body}\n    " if body else "") + "}")
            count += 1
        lines.append("  }")
        resource += 1
    lines.append("}")
    return "\n".join(lines) + "\n"


def timed(command: list[str], runs: int, timeout: float) -> float | None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def install_peers() -> dict[str, list[str]]:
    prefix = HERE / ".npm"
    binaries = {
        "spectral": prefix / "node_modules/.bin/spectral",
        "redocly": prefix / "node_modules/.bin/redocly",
    }
    if not all(b.exists() for b in binaries.values()):
        if shutil.which("npm") is None:
            print("npm is not installed: peers skipped")
            return {}
        print("installing Spectral and Redocly into bench/.npm ...", flush=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", str(prefix), *PEERS.values()], check=True)
    return {name: [str(path)] for name, path in binaries.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-timeout", type=float, default=600.0)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    peers = {} if args.no_peers else install_peers()
    apic = [sys.executable, "-m", "apic", "lint", "--format", "json"]
    header = f"{'routes':>7} {'apic .gw':>9} {'apic oas':>9} {'spectral':>9} {'redocly':>9} "
    header += f"{'spectral/apic':>14} {'redocly/apic':>13} {'µs/route .gw':>13}"
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / ".spectral.yaml").write_text("extends: ['spectral:oas']\n", encoding="utf-8")
        for size in (int(s) for s in args.sizes.split(",")):
            gw = work / f"scale-{size}.gw"
            gw.write_text(gateway(size), encoding="utf-8")
            loaded = load(gw)
            assert loaded.model is not None, [d.message for d in loaded.diagnostics[:3]]
            assert len(loaded.model.apis[0].routes) == size
            document = print_openapi(loaded.model)
            oas = work / f"scale-{size}.yaml"
            oas.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
            t_gw = timed([*apic, str(gw)], args.runs, 3600)
            t_oas = timed([*apic, str(oas)], args.runs, 3600)
            results = {}
            for name, command in peers.items():
                extra = (
                    ["lint", "--ruleset", str(work / ".spectral.yaml")] if name == "spectral" else ["lint"]
                )
                results[name] = timed([*command, *extra, str(oas)], args.runs, args.peer_timeout)

            def show(value: float | None) -> str:
                return "timeout" if value is None else f"{value:.2f}s"

            def ratio(peer: float | None, t_oas: float | None = t_oas) -> str:
                if peer is None or t_oas is None:
                    return (
                        "-"
                        if peer is None and not peers
                        else ">" + f"{args.peer_timeout / (t_oas or 1):.0f}x"
                    )
                return f"{peer / t_oas:.1f}x"

            print(
                f"{size:>7} {show(t_gw):>9} {show(t_oas):>9} "
                f"{show(results.get('spectral')) if peers else '-':>9} "
                f"{show(results.get('redocly')) if peers else '-':>9} {ratio(results.get('spectral')):>14} "
                f"{ratio(results.get('redocly')):>13} {1e6 * (t_gw or 0) / size:>13.0f}",
                flush=True,
            )
    print(json.dumps({"note": "ratios are peer time / apic time on the same OpenAPI document"}))


if __name__ == "__main__":
    main()
