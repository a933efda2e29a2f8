"""The built-in rule pack, exported through the `apic.rules` entry point like any other.

One file per rule, named <CODE>_<name>.py; the list below is explicit so it is greppable.
The catalogue (docs: rules.md) is implemented under issue 5.
"""

from __future__ import annotations

from apic.compiler.lint.rule import Rule

RULES: list[type[Rule]] = []
