"""The request table of the routing-equivalence tests (apic.compiler.plan.samples, which
`apic probe` sends too), and how routers compare hosts."""

from __future__ import annotations

import re

from apic.compiler.plan.patterns import path_pattern
from apic.compiler.plan.samples import Sample, concrete_paths, sample_host, samples
from apic.compiler.plan.upstream import upstream_template

__all__ = [
    "Sample",
    "concrete_paths",
    "expected_path",
    "host_matches",
    "sample_host",
    "samples",
    "table_text",
]

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def table_text(found: list[Sample]) -> str:
    return "".join(line + "\n" for line in sorted(str(s) for s in found))


def host_matches(pattern: str, host: str) -> bool:
    """Whether a router's host `pattern` takes `host`: equal, or a leading `*.` wildcard that
    stands for one or more labels (Kong, ingress-nginx, ALB and Gateway API agree on it)."""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host


def expected_path(sample: Sample) -> str:
    """The path the model says the backend gets: the route's upstream path with the values the
    sample's path gives its variables (API Gateway strips the base path first)."""
    route = sample.expected
    assert route is not None
    base = "/" + sample.placement.base_path if sample.placement.base_path else ""
    own = sample.path[len(base) :] or "/"
    pattern = path_pattern(route.path)
    if pattern.catch_all:
        return own
    match = re.fullmatch(pattern.regex[1:-1], own)
    assert match is not None, (route.path, own)
    captures = dict(pattern.captures)
    return _VARIABLE.sub(lambda m: match.group(captures[m.group(1)]), upstream_template(route))
