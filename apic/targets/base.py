"""The contract of a target and its discovery.

A target turns a GatewayModel into artifacts; what it cannot express it reports as a
diagnostic on the construct's span (never by dropping it silently).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib.metadata import entry_points
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler import codes
from apic.compiler.capabilities import Platform, explain, unsupported_uses
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import GatewayModel, Node
from apic.compiler.source import Span


@dataclass(frozen=True)
class Artifact:
    path: PurePosixPath
    text: str
    media_type: str


OptionValue = bool | int | str
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
# a file path a configuration may name: no white space, quotes, `$`, `;` or braces to quote
PATH_FORM = re.compile(r"[A-Za-z0-9_./@+-]{1,1024}")
# an IP address or host name, with an optional port
ADDRESS_FORM = re.compile(r"\[?[A-Za-z0-9.:-]{1,253}\]?(:[0-9]{1,5})?")


@dataclass(frozen=True)
class TargetOption:
    """A setting about the deployment, not the API (`apic compile --option NAME=VALUE`):
    what the account already has, which quotas it was granted."""

    kind: type[bool] | type[int] | type[str]
    default: OptionValue
    help: str
    choices: tuple[str, ...] = ()  # for text options: the only values allowed
    # for text options that are not object names: the characters allowed, and how to say them
    form: re.Pattern[str] | None = None
    form_text: str = ""

    def parse(self, text: str) -> OptionValue:
        """The value of `text`; ValueError with the expected form when it is not one. Text
        options name Kubernetes objects, so they are DNS labels, unless a `form` says
        otherwise (a path, an address)."""
        if self.kind is str:
            if self.choices and text not in self.choices:
                raise ValueError("one of " + ", ".join(self.choices))
            if self.form is not None:
                if not self.form.fullmatch(text):
                    raise ValueError(self.form_text)
                return text
            if not DNS_LABEL.fullmatch(text):
                raise ValueError("a DNS label (lower-case letters, digits and `-`, at most 63)")
            return text
        if self.kind is bool:
            if text.lower() in ("true", "yes", "1"):
                return True
            if text.lower() in ("false", "no", "0"):
                return False
            raise ValueError("true or false")
        if not text.isdigit() or int(text) < 1:
            raise ValueError("a whole number above 0")
        return int(text)


class Reporter:
    """What a target's builders report on: findings on constructs, each on the field's span
    when one is named, else the node's; related places the model does not know are left
    out. With `once_per_place`, a code is said once per place: routes that inherit one
    setting share its span, and one finding there is enough."""

    diagnostics: list[Diagnostic]
    once_per_place: ClassVar[bool] = False

    def report(
        self,
        code: codes.Code,
        node: Node,
        field_name: str | None,
        message: str,
        *,
        help: str | None = None,
        severity: Severity | None = None,
        related: Iterable[tuple[Span | None, str]] = (),
    ) -> None:
        span: Span | None = node.span_of(field_name) if field_name else node.span
        if span is None:
            raise ValueError(f"no source position for {type(node).__name__}.{field_name}")
        known = [(s, m) for s, m in related if s is not None]
        self.record(code(span, message, help=help, severity=severity, related=known))

    def record(self, diagnostic: Diagnostic) -> None:
        if self.once_per_place:
            # a set of places said, not a scan of every finding so far (10,000 routes without a
            # service were 12.5 million comparisons)
            said: set[tuple[str, str, int, int]] = self.__dict__.setdefault("_said_places", set())
            place = (diagnostic.code, diagnostic.span.path, diagnostic.span.start, diagnostic.span.end)
            if place in said and any(
                d.code == diagnostic.code and d.span == diagnostic.span for d in self.diagnostics
            ):
                return
            said.add(place)
        self.diagnostics.append(diagnostic)


@dataclass(frozen=True)
class CompileResult:
    artifacts: tuple[Artifact, ...]
    diagnostics: tuple[Diagnostic, ...]


class Target:
    """`output_formats` lists what `--output-format` may choose; the first is the default.

    `capabilities` is the target's row of the capability table: every construct it cannot
    write for an API's kind is refused (TG001) before anything is emitted. Subclasses write
    `emit`; `compile` adds the refusals and stamps every diagnostic with the target's name.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    output_formats: ClassVar[tuple[str, ...]] = ("text",)
    capabilities: ClassVar[Platform | None] = None
    options: ClassVar[dict[str, TargetOption]] = {}

    def compile(
        self,
        model: GatewayModel,
        output_format: str | None = None,
        options: Mapping[str, OptionValue] | None = None,
    ) -> CompileResult:
        """An error (a refused construct or one the emitter finds) means no artifact at all; the
        emitter still runs after a refusal so that one compile reports every problem. `options` are parsed
        values of `self.options` (see `parse_options`); unset ones take their defaults."""
        unknown = sorted(set(options or {}) - set(self.options))
        if unknown:
            raise ValueError(f"target {self.name} has no option {', '.join(unknown)}")
        settings = {name: option.default for name, option in self.options.items()} | dict(options or {})
        refused = self.refusals(model, self.platform(settings))
        result = self.emit(model, output_format, settings)
        diagnostics = [*refused, *result.diagnostics]
        failed = any(d.severity is Severity.ERROR for d in diagnostics)
        artifacts = () if failed else result.artifacts  # an error means nothing is written
        return CompileResult(artifacts, tuple(replace(d, target=self.name) for d in diagnostics))

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        """The capability row that applies: `capabilities`, unless an option picks another
        platform (k8s's `controller`)."""
        return self.capabilities

    def refusals(self, model: GatewayModel, platform: Platform | None) -> list[Diagnostic]:
        if platform is None:
            return []
        found = []
        for api in model.apis:
            for use in unsupported_uses(api, platform):
                span = use.node.span_of(use.field) if use.field else use.node.span
                if span is None:
                    raise ValueError(f"no source position for {type(use.node).__name__}")
                found.append(codes.TARGET_UNSUPPORTED(span, explain(use, api, platform)))
        return found

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        raise NotImplementedError


def no_api(model: GatewayModel, what: str) -> list[Diagnostic]:
    """For a target that writes one file per api: a TG003 when the model has none (a file of
    shared blocks only), so that no compile ends without output and without saying why."""
    if model.apis or model.span is None:
        return []
    return [codes.TARGET_MISSING_FIELD(model.span, f"no api to write: {what} takes one file per api")]


def discover_targets() -> dict[str, type[Target]]:
    """Registered targets by name; the entry-point name must equal `Target.name`."""
    found: dict[str, type[Target]] = {}
    for ep in sorted(entry_points(group="apic.targets"), key=lambda e: e.name):
        target = ep.load()
        if getattr(target, "name", None) != ep.name:
            raise RuntimeError(f"target entry point {ep.name!r} loads {target!r} whose name differs")
        found[ep.name] = target
    return found
