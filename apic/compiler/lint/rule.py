"""The contract of a lint rule: explicit metadata plus one pure `check` generator."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from apic.compiler.diagnostics import Diagnostic, Related, Severity
from apic.compiler.model import GatewayModel
from apic.compiler.source import Span


class RuleOptions(BaseModel):
    """Base for a rule's typed options; unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class RuleContext:
    options: RuleOptions
    config: Any = None


class Rule:
    """Subclass, set the class attributes, implement `check`. Rules do no I/O and keep no state."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_severity: ClassVar[Severity]
    Options: ClassVar[type[RuleOptions]] = RuleOptions

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def diagnostic(
        self,
        span: Span | None,
        message: str,
        *,
        help: str | None = None,
        related: Iterable[tuple[Span | None, str]] = (),
    ) -> Diagnostic:
        if span is None:
            raise ValueError(f"{self.code}: a finding needs a span (the model node has none)")
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=self.default_severity,
            message=message,
            span=span,
            related=tuple(Related(s, m) for s, m in related if s is not None),
            help=help,
        )
