"""The contract of a lint rule: explicit metadata plus one pure `check` generator.

A rule reads the model and yields diagnostics; it does no I/O and keeps no state, so the
runner can stamp severities, apply suppressions and contain crashes in one place. The
docstring is the rule's documentation, in ruff's headings (What it does / Why is this bad? /
Example / Use instead); the examples in it are run as tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from apic.compiler.diagnostics import Diagnostic, Related, Severity
from apic.compiler.model import ApiKind, GatewayModel
from apic.compiler.source import Span

ALL_KINDS = frozenset(ApiKind)


class RuleOptions(BaseModel):
    """Base for a rule's typed options; unknown keys are rejected. In apic.toml options are
    written in kebab-case (`max-ms`), the spelling of every other key there."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=lambda name: name.replace("_", "-"),
        populate_by_name=True,
    )


@dataclass(frozen=True)
class RuleContext:
    options: Any  # the rule's own Options subclass, validated from the configuration
    config: Any = None


class Rule:
    """Subclass, set the class attributes, implement `check`. Rules do no I/O and keep no state.

    `default_severity` is what the catalogue lists first; a rule whose severity depends on
    the finding (route-no-auth is an error for writes) passes `severity=` per diagnostic.
    A configured severity replaces both.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_severity: ClassVar[Severity]
    kinds: ClassVar[frozenset[ApiKind]] = ALL_KINDS
    severity_note: ClassVar[str | None] = None  # e.g. "error for POST/PUT/PATCH/DELETE"
    Options: ClassVar[type[RuleOptions]] = RuleOptions

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def family(cls) -> str:
        """The code's letters (`RT` of `RT001`): `select = ["RT"]` picks the whole family."""
        return cls.code.rstrip("0123456789")

    def diagnostic(
        self,
        span: Span | None,
        message: str,
        *,
        help: str | None = None,
        related: Iterable[tuple[Span | None, str]] = (),
        severity: Severity | None = None,
    ) -> Diagnostic:
        if span is None:
            raise ValueError(f"{self.code}: a finding needs a span (the model node has none)")
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=severity or self.default_severity,
            message=message,
            span=span,
            related=tuple(Related(s, m) for s, m in related if s is not None),
            help=help,
        )
