"""Rule discovery through the `apic.rules` entry-point group (built-ins use it too).

Each entry point names a list of Rule classes. A pack that fails to import, or that
repeats a code or name, is reported as a diagnostic and the run goes on with the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.lint.rule import Rule
from apic.compiler.source import SourceFile

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]+$")
CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{3}$")


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[type[Rule], ...]
    diagnostics: tuple[Diagnostic, ...]


def _origin(name: str, value: str) -> SourceFile:
    return SourceFile(f"<entry point apic.rules:{name}>", value)


def build_rule_set(packs: Iterable[tuple[str, str, object]]) -> RuleSet:
    """`packs`: (entry point name, its value text, the loaded object or the exception)."""
    rules: list[type[Rule]] = []
    problems: list[Diagnostic] = []
    codes_seen: dict[str, str] = {}
    names_seen: dict[str, str] = {}
    for pack_name, value, loaded in packs:
        origin = _origin(pack_name, value)
        if isinstance(loaded, BaseException):
            problems.append(
                codes.RULE_PACK_FAILED(
                    origin.span(0, len(value)),
                    f"rule pack `{pack_name}` failed to load: {type(loaded).__name__}: {loaded}",
                )
            )
            continue
        if not isinstance(loaded, (list, tuple)):
            problems.append(
                codes.RULE_PACK_FAILED(
                    origin.span(0, len(value)),
                    f"rule pack `{pack_name}` is not a list of Rule classes",
                )
            )
            continue
        for rule in loaded:
            problem = None
            if not (isinstance(rule, type) and issubclass(rule, Rule)):
                problem = f"`{rule!r}` is not a Rule class"
            elif not CODE_PATTERN.match(getattr(rule, "code", "")) or not NAME_PATTERN.match(
                getattr(rule, "name", "")
            ):
                problem = f"rule {rule.__name__} needs a code like AB123 and a kebab-case name"
            elif rule.code in codes_seen or rule.name in names_seen:
                owner = codes_seen.get(rule.code) or names_seen.get(rule.name)
                problem = f"rule {rule.code} {rule.name} repeats a code or name of pack `{owner}`"
            if problem:
                problems.append(
                    codes.RULE_PACK_FAILED(origin.span(0, len(value)), f"rule pack `{pack_name}`: {problem}")
                )
                continue
            codes_seen[rule.code] = pack_name
            names_seen[rule.name] = pack_name
            rules.append(rule)
    return RuleSet(tuple(sorted(rules, key=lambda r: r.code)), tuple(problems))


def discover_rules() -> RuleSet:
    packs: list[tuple[str, str, object]] = []
    for ep in sorted(entry_points(group="apic.rules"), key=lambda e: e.name):
        try:
            loaded: object = ep.load()
        except Exception as error:  # a broken third-party pack must not stop the run
            loaded = error
        packs.append((ep.name, ep.value, loaded))
    return build_rule_set(packs)
