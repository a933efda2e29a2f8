"""Position lookups are linear in nesting depth (issue 11): a 300-byte `[[[…]]]` once took
minutes because every level recursed into its first and last child, the same node. Measured
as calls into rapidyaml's tree, never as wall time."""

from __future__ import annotations

from typing import Any

from apic.compiler.frontends.openapi.yamlindex import PositionTree
from apic.compiler.source import SourceFile


class Counting:
    """Forwards to rapidyaml's tree and counts the calls."""

    def __init__(self, tree: Any) -> None:
        self._tree = tree
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._tree, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any) -> Any:
            self.calls += 1
            return attribute(*args)

        return counted


def calls_for_depth(depth: int, flow: bool) -> int:
    text = (
        "[" * depth + "1" + "]" * depth
        if flow
        else "".join(f"{'  ' * i}- \n" for i in range(depth)) + "  " * depth + "- 1\n"
    )
    positions = PositionTree(SourceFile("deep.yaml", text), text.encode())
    counting = Counting(positions.tree)
    positions.tree = counting
    assert positions.value_span(positions.root) is not None
    return counting.calls


def test_the_root_span_of_nested_sequences_costs_linear_work() -> None:
    for flow in (True, False):
        small, large = calls_for_depth(10, flow), calls_for_depth(20, flow)  # exponential: 1,000x
        assert large <= 2 * small + 10, (flow, small, large)
        assert calls_for_depth(400, flow) <= 40 * small + 10
