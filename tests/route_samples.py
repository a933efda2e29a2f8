"""The request table of the routing-equivalence tests (apic.compiler.plan.samples, which
`apic probe` sends too), and how routers compare hosts."""

from __future__ import annotations

from apic.compiler.plan.samples import Sample, concrete_paths, sample_host, samples

__all__ = ["Sample", "concrete_paths", "host_matches", "sample_host", "samples", "table_text"]


def table_text(found: list[Sample]) -> str:
    return "".join(line + "\n" for line in sorted(str(s) for s in found))


def host_matches(pattern: str, host: str) -> bool:
    """Whether a router's host `pattern` takes `host`: equal, or a leading `*.` wildcard that
    stands for one or more labels (Kong, ingress-nginx, ALB and Gateway API agree on it)."""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host
