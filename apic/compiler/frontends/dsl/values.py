"""Typed conversion of surface values: units, references, sources, interpolation.

Each field of the schema names one of these types. A type either returns the model value
or raises `Invalid` carrying one precise diagnostic (wrong type, wrong unit, invalid value)
that names what was written and what is accepted. `var.x` is substituted before any type
looks at a value, so every type works the same on a literal and on a variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl import ast
from apic.compiler.model import (
    AuthKind,
    AuthRequirement,
    DataSize,
    Duration,
    EnvRef,
    HttpMethod,
    ParamSource,
    Percent,
    Rate,
    SourceKind,
)
from apic.compiler.source import Span
from apic.compiler.suggest import closest, did_you_mean, one_of


class Invalid(Exception):
    """A value failed its type; carries the diagnostic to report."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class BindContext:
    """What value conversion needs from outside: variables and a way to read `file()`s."""

    variables: Mapping[str, ast.Value] = field(default_factory=dict)
    read_file: Callable[[ast.Str, Span], str] | None = None
    resolving: tuple[str, ...] = ()

    def resolve(self, value: ast.Value) -> ast.Value:
        """Substitute `var.x` (recursively, with cycle detection); other values pass through."""
        if isinstance(value, ast.Ref) and value.parts[0] == "var":
            if len(value.parts) != 2:
                raise Invalid(
                    codes.WRONG_TYPE(
                        value.span,
                        f"`{value.dotted}` is not a variable reference",
                        help="write var.NAME",
                    )
                )
            name = value.parts[1]
            if name in self.resolving:
                chain = " -> ".join(f"var.{n}" for n in (*self.resolving, name))
                raise Invalid(codes.UNKNOWN_REFERENCE(value.span, f"variable cycle: {chain}"))
            if name not in self.variables:
                raise Invalid(
                    codes.UNKNOWN_REFERENCE(
                        value.span,
                        f"unknown variable `var.{name}`",
                        help=did_you_mean(name, self.variables, fmt="`var.{}`")
                        or "declare it in a top-level `vars { … }` block",
                    )
                )
            target = self.variables[name]
            inner = BindContext(self.variables, self.read_file, (*self.resolving, name))
            return replace(inner.resolve(target), span=value.span)
        return value


def describe(value: ast.Value) -> str:
    """How a value is named in messages: its kind and its text."""
    kind = {
        ast.Str: "string",
        ast.MLStr: "multi-line string",
        ast.Quantity: "number",
        ast.Bool: "boolean",
        ast.Null: "null",
        ast.Ref: "reference",
        ast.Call: "call",
        ast.ListValue: "list",
        ast.ObjectValue: "object",
    }[type(value)]
    text = value.span.text
    if len(text) > 40 or "\n" in text:
        text = text.split("\n")[0][:37] + "…"
    return f"{kind} `{text}`"


class ValueType:
    """Base: `__call__` substitutes variables, then `convert` checks and converts."""

    description = "a value"

    def __call__(self, value: ast.Value, ctx: BindContext) -> Any:
        return self.convert(ctx.resolve(value), ctx)

    def convert(self, value: ast.Value, ctx: BindContext) -> Any:
        raise NotImplementedError

    def wrong(self, value: ast.Value, help: str | None = None) -> Invalid:
        if help is None and isinstance(value, ast.Call):
            if value.name in ("env", "file"):
                where = "`api_key`" if value.name == "env" else "templates"
                help = f"`{value.name}()` is only allowed in {where}"
            else:
                help = unknown_function_help(value.name) or "the functions are env() and file()"
        return Invalid(
            codes.WRONG_TYPE(value.span, f"expected {self.description}, got {describe(value)}", help=help)
        )


# -- scalars -------------------------------------------------------------------------------
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTERPOLATION = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_STAGE_VAR = re.compile(r"stage\.var\.([A-Za-z0-9_]+)")
_VAR = re.compile(r"var\.([A-Za-z_][A-Za-z0-9_\-]*)")


def interpolate(value: ast.Str, ctx: BindContext) -> str:
    """`${var.x}` is substituted; `${stage.var.x}` is kept for the targets; `$${` is a literal `${`."""
    text = value.value
    if "${" not in text:
        return text

    def replace_one(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        inner = match.group(1).strip()
        if _STAGE_VAR.fullmatch(inner):
            return "${" + inner + "}"
        var = _VAR.fullmatch(inner)
        if var:
            name = var.group(1)
            ref = ast.Ref(("var", name), (value.span, value.span), value.span)
            resolved = ctx.resolve(ref)
            if isinstance(resolved, ast.Str):
                return interpolate(resolved, ctx)
            if isinstance(resolved, (ast.Quantity, ast.Bool)):
                return resolved.text if isinstance(resolved, ast.Quantity) else str(resolved.value).lower()
            raise Invalid(
                codes.INVALID_INTERPOLATION(
                    value.span,
                    f"`var.{name}` is a {describe(resolved).split(' ')[0]} and cannot be put in a string",
                )
            )
        help = "only ${var.NAME} and ${stage.var.NAME} are allowed in strings; write $${ for a literal ${"
        if inner.startswith("env."):
            help = (
                f'an environment variable is read by a whole `api_key = env("{inner[4:]}")`, never inside a '
                "string; here write the value, or ${var.NAME} from a `vars` block"
            )
        raise Invalid(
            codes.INVALID_INTERPOLATION(value.span, f"unknown interpolation `${{{inner}}}`", help=help)
        )

    return _INTERPOLATION.sub(replace_one, text)


class StringType(ValueType):
    description = "a string"
    plural = "strings"

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        if isinstance(value, ast.Str):
            return interpolate(value, ctx)
        if isinstance(value, ast.MLStr):
            return value.value
        if isinstance(value, ast.Ref) and len(value.parts) == 1:
            raise self.wrong(value, help=f'quote it: "{value.parts[0]}"')
        raise self.wrong(value)


class UrlType(StringType):
    description = "an http:// or https:// URL"

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        text = super().convert(value, ctx)
        if not re.match(r"https?://[^/\s]+", text):
            raise Invalid(
                codes.INVALID_VALUE(
                    value.span,
                    f"`{text}` is not an http:// or https:// URL",
                    help='write "https://host/path"',
                )
            )
        return text


class BoolType(ValueType):
    description = "`true` or `false`"

    def convert(self, value: ast.Value, ctx: BindContext) -> bool:
        if isinstance(value, ast.Bool):
            return value.value
        help = None
        if isinstance(value, ast.Ref) and len(value.parts) == 1:
            help = did_you_mean(value.parts[0], ["true", "false"])
        elif isinstance(value, ast.Str) and value.value in ("true", "false"):
            help = f"remove the quotes: {value.value}"
        raise self.wrong(value, help=help)


class IntType(ValueType):
    description = "a whole number"

    def convert(self, value: ast.Value, ctx: BindContext) -> int:
        if isinstance(value, ast.Quantity):
            if value.unit:
                raise Invalid(
                    codes.WRONG_UNIT(
                        value.span,
                        f"`{value.text}` takes no unit here",
                        help=f"write {value.text[: -len(value.unit)]}",
                    )
                )
            if not value.is_integer:
                raise Invalid(codes.WRONG_TYPE(value.span, f"expected a whole number, got `{value.text}`"))
            return int(value.number)
        raise self.wrong(value)


class CountType(IntType):
    """A whole number of things (a burst, a port, a reservoir, a priority): never negative."""

    description = "a whole number, 0 or more"

    def convert(self, value: ast.Value, ctx: BindContext) -> int:
        number = super().convert(value, ctx)
        if number < 0:
            raise Invalid(
                codes.INVALID_VALUE(value.span, f"`{value.span.text}` is negative: a count is 0 or more")
            )
        return number


def not_negative(value: ast.Quantity, what: str) -> None:
    """Rates, durations and sizes below zero mean nothing to any gateway (and AWS refuses
    them at deploy time)."""
    if value.number < 0:
        raise Invalid(codes.INVALID_VALUE(value.span, f"`{value.text}` is negative: {what} is 0 or more"))


class ScalarType(ValueType):
    description = "a string, number or boolean"
    plural = "strings, numbers or booleans"

    def convert(self, value: ast.Value, ctx: BindContext) -> str | int | float | bool:
        if isinstance(value, ast.Str):
            return interpolate(value, ctx)
        if isinstance(value, ast.Bool):
            return value.value
        if isinstance(value, ast.Quantity) and not value.unit:
            return int(value.number) if value.is_integer else value.number
        raise self.wrong(value)


class EnumType(ValueType):
    """A keyword from a fixed set, written bare (`regional`) or quoted."""

    def __init__(self, values: type[Enum] | tuple[str, ...], what: str = "") -> None:
        self.enum = values if isinstance(values, type) else None
        self.values = tuple(v.value for v in values) if isinstance(values, type) else values
        self.description = f"{what or 'one of'} {one_of(self.values)}".strip()

    def convert(self, value: ast.Value, ctx: BindContext) -> Any:
        if isinstance(value, ast.Ref) and len(value.parts) == 1:
            word = value.parts[0]
        elif isinstance(value, ast.Str):
            word = value.value
        else:
            raise self.wrong(value)
        if word not in self.values:
            raise Invalid(
                codes.INVALID_VALUE(
                    value.span,
                    f"`{word}` is not {self.description}",
                    help=did_you_mean(word, self.values),
                )
            )
        return self.enum(word) if self.enum else word


class MethodType(EnumType):
    def __init__(self) -> None:
        super().__init__(HttpMethod, "an HTTP method:")

    def convert(self, value: ast.Value, ctx: BindContext) -> HttpMethod:
        return super().convert(value, ctx)  # type: ignore[no-any-return]


class TlsPolicyType(ValueType):
    """`TLS_1_0`, `TLS_1_2` or any `SecurityPolicy_*`: AWS adds enhanced policies over time."""

    description = "`TLS_1_0`, `TLS_1_2` or a `SecurityPolicy_…` name"
    pattern = re.compile(r"TLS_1_[02]|SecurityPolicy_[A-Za-z0-9_]+")

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        word = (
            value.parts[0]
            if isinstance(value, ast.Ref) and len(value.parts) == 1
            else (value.value if isinstance(value, ast.Str) else None)
        )
        if word is None:
            raise self.wrong(value)
        if not self.pattern.fullmatch(word):
            raise Invalid(
                codes.INVALID_VALUE(
                    value.span,
                    f"`{word}` is not a TLS security policy",
                    help=did_you_mean(word, ["TLS_1_0", "TLS_1_2"]) or f"use {self.description}",
                )
            )
        return word


# -- quantities ----------------------------------------------------------------------------
DURATION_UNITS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000}
RATE_UNITS = ("s", "min", "hour", "day", "week", "month")
ALL_UNITS = (*DURATION_UNITS, *(f"/{u}" for u in RATE_UNITS), "%", "GB")


def _unit_error(value: ast.Quantity, accepted: tuple[str, ...], field: str, usual: str) -> Invalid:
    known = value.unit in ALL_UNITS
    if not value.unit:
        message = f"`{value.text}` needs a unit: {field} takes {one_of(accepted)}"
        help = f"for example {value.text}{usual}"
    elif known:
        message = f"`{value.text}` has unit `{value.unit}`, but {field} takes {one_of(accepted)}"
        help = None
    else:
        message = f"unknown unit `{value.unit}` in `{value.text}`; {field} takes {one_of(accepted)}"
        help = did_you_mean(value.unit, accepted)
    return Invalid(codes.WRONG_UNIT(value.span, message, help=help))


class DurationType(ValueType):
    description = "a duration such as `10s` or `500ms`"

    def convert(self, value: ast.Value, ctx: BindContext) -> Duration:
        if not isinstance(value, ast.Quantity):
            raise self.wrong(value)
        if value.unit not in DURATION_UNITS:
            raise _unit_error(value, tuple(DURATION_UNITS), "a duration", "s")
        not_negative(value, "a duration")
        return Duration(milliseconds=value.number * DURATION_UNITS[value.unit])


class RateType(ValueType):
    """`10/s`, `10000/day`. Which periods make sense for a field is a lint rule's business;
    `usual` is the unit a hint offers for a bare number, one the field takes (a quota counts
    per day, week or month, so its hint is `/day`, never `/s`)."""

    description = "a rate such as `10/s` or `10000/day`"

    def __init__(self, usual: str = "/s") -> None:
        self.usual = usual

    def convert(self, value: ast.Value, ctx: BindContext) -> Rate:
        if not isinstance(value, ast.Quantity):
            raise self.wrong(value)
        accepted = tuple(f"/{u}" for u in RATE_UNITS)
        if value.unit not in accepted:
            raise _unit_error(value, accepted, "a rate", self.usual)
        not_negative(value, "a rate")
        return Rate(amount=value.number, per=value.unit[1:])  # type: ignore[arg-type]


class PercentType(ValueType):
    """`5%`. A bare number is kept (unit None) so the range rules can say what it meant."""

    description = "a percentage such as `5%`"

    def convert(self, value: ast.Value, ctx: BindContext) -> Percent:
        if not isinstance(value, ast.Quantity):
            raise self.wrong(value)
        if value.unit not in ("%", ""):
            raise _unit_error(value, ("%",), "a percentage", "%")
        return Percent(value=value.number, unit="%" if value.unit else None)


class SizeType(ValueType):
    description = "a size such as `0.5GB`"

    def convert(self, value: ast.Value, ctx: BindContext) -> DataSize:
        if not isinstance(value, ast.Quantity):
            raise self.wrong(value)
        if value.unit != "GB":
            raise _unit_error(value, ("GB",), "a cache size", "GB")
        not_negative(value, "a size")
        return DataSize(gigabytes=value.number)


# -- references and sources ----------------------------------------------------------------
@dataclass(frozen=True)
class NamedRef:
    """A reference checked for shape here and resolved against definitions in lowering."""

    kind: str
    name: str
    span: Span


class RefType(ValueType):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.description = f"a reference `{kind}.NAME`"
        self.plural = f"`{kind}.NAME` references"

    def convert(self, value: ast.Value, ctx: BindContext) -> NamedRef:
        if isinstance(value, ast.Ref) and len(value.parts) == 2 and value.parts[0] == self.kind:
            return NamedRef(self.kind, value.parts[1], value.span)
        help = None
        if isinstance(value, ast.Str):
            help = f"write {self.kind}.{value.value} (no quotes)"
        elif isinstance(value, ast.Ref) and len(value.parts) == 1:
            help = f"write {self.kind}.{value.parts[0]}"
        raise self.wrong(value, help=help)


SOURCE_PREFIXES = {
    ("path",): SourceKind.PATH,
    ("query",): SourceKind.QUERY,
    ("header",): SourceKind.HEADER,
    ("context",): SourceKind.CONTEXT,
    ("stage", "var"): SourceKind.STAGE_VARIABLE,
    ("integration", "header"): SourceKind.INTEGRATION_HEADER,
}


class SourceType(ValueType):
    description = "a source: path.x, query.x, header.x, context.x, stage.var.x or \"'static'\""
    plural = "sources"

    def convert(self, value: ast.Value, ctx: BindContext) -> ParamSource:
        if isinstance(value, ast.Str):
            text = interpolate(value, ctx)
            if len(text) >= 2 and text[0] == text[-1] == "'":
                text = text[1:-1]
            return ParamSource(kind=SourceKind.STATIC, name=text, span=value.span)
        if isinstance(value, ast.Ref):
            for prefix, kind in SOURCE_PREFIXES.items():
                n = len(prefix)
                if value.parts[:n] == prefix and len(value.parts) > n:
                    rest = value.parts[n:]
                    if len(rest) > 1 and kind is not SourceKind.CONTEXT:
                        break
                    return ParamSource(kind=kind, name=".".join(rest), span=value.span)
            prefixes = [".".join(p) for p in SOURCE_PREFIXES]
            raise Invalid(
                codes.WRONG_TYPE(
                    value.span,
                    f"`{value.dotted}` is not a request source",
                    help=did_you_mean(value.parts[0], prefixes, fmt="`{}.NAME`")
                    or f"use {one_of(p + '.NAME' for p in prefixes)}, or a quoted \"'static'\" value",
                )
            )
        raise self.wrong(value)


class AuthType(ValueType):
    """`none`, `api_key`, `iam`, `authorizer.NAME`; a list: all must pass; a list of lists:
    alternatives, any one of which suffices (OpenAPI's security semantics)."""

    description = "`none`, `api_key`, `iam` or `authorizer.NAME`"
    keywords = ("none", "api_key", "iam")

    def convert(
        self, value: ast.Value, ctx: BindContext
    ) -> tuple[tuple[tuple[AuthRequirement, NamedRef | None], ...], ...]:
        if isinstance(value, ast.ListValue) and value.items:
            resolved = [ctx.resolve(item) for item in value.items]
            nested = [isinstance(item, ast.ListValue) for item in resolved]
            if all(nested):
                return tuple(self.requirements(item.items, item, ctx) for item in resolved)  # type: ignore[union-attr]
            if any(nested):
                raise Invalid(
                    codes.WRONG_TYPE(
                        value.span,
                        "mix of requirements and lists of requirements",
                        help="write [a, b] for 'all of', or [[a], [b, c]] for alternatives",
                    )
                )
            return (self.requirements(value.items, value, ctx),)
        return (self.requirements((value,), value, ctx),)

    def requirements(
        self, items: tuple[ast.Value, ...], where: ast.Value, ctx: BindContext
    ) -> tuple[tuple[AuthRequirement, NamedRef | None], ...]:
        result = []
        for raw in items:
            item = ctx.resolve(raw)
            if isinstance(item, ast.Ref) and len(item.parts) == 1 and item.parts[0] in self.keywords:
                result.append((AuthRequirement(kind=AuthKind(item.parts[0]), span=item.span), None))
            elif isinstance(item, ast.Ref) and len(item.parts) == 2 and item.parts[0] == "authorizer":
                ref = NamedRef("authorizer", item.parts[1], item.span)
                requirement = AuthRequirement(kind=AuthKind.AUTHORIZER, authorizer=ref.name, span=item.span)
                result.append((requirement, ref))
            elif isinstance(item, ast.Ref) and len(item.parts) == 1:
                raise Invalid(
                    codes.INVALID_VALUE(
                        item.span,
                        f"`{item.parts[0]}` is not an auth kind",
                        help=did_you_mean(item.parts[0], self.keywords)
                        or f"use {self.description}; write authorizer.{item.parts[0]} for a named authorizer",
                    )
                )
            else:
                raise self.wrong(item)
        if not result:
            raise Invalid(
                codes.INVALID_VALUE(
                    where.span, "an empty auth list", help="write `auth = none` for a public route"
                )
            )
        return tuple(result)


class SecretType(ValueType):
    description = 'a string or `env("NAME")`'

    def convert(self, value: ast.Value, ctx: BindContext) -> str | EnvRef:
        if isinstance(value, ast.Call) and value.name == "env":
            if len(value.args) != 1 or not isinstance(value.args[0], ast.Str):
                raise Invalid(
                    codes.WRONG_TYPE(
                        value.span,
                        "`env()` takes one quoted variable name",
                        help='write env("ACME_API_KEY")',
                    )
                )
            name = value.args[0].value
            if not ENV_NAME.fullmatch(name):
                raise Invalid(
                    codes.INVALID_VALUE(
                        value.args[0].span,
                        f"`{name}` is not an environment variable name: letters, digits and `_`, "
                        "not starting with a digit",
                        help='write env("ACME_API_KEY")',
                    )
                )
            return EnvRef(name=value.args[0].value, span=value.span)
        if isinstance(value, ast.Str):
            return interpolate(value, ctx)
        # never quote what sits where a secret goes: say what is wrong with its form only
        kind = describe(value).split(" `")[0]
        raise Invalid(
            replace(
                codes.WRONG_TYPE(
                    value.span,
                    f'an API key is written as a quoted string or env("NAME"), not as a {kind}',
                    help='quote it, or better, read it from the environment: env("ACME_API_KEY")',
                ),
                secret=True,
            )
        )


class TemplateType(ValueType):
    description = 'a template: """…""" or file("path")'

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        if isinstance(value, ast.MLStr):
            return value.value
        if isinstance(value, ast.Str):
            return value.value
        if isinstance(value, ast.Call) and value.name == "file":
            if len(value.args) != 1 or not isinstance(value.args[0], ast.Str):
                raise Invalid(
                    codes.WRONG_TYPE(
                        value.span,
                        "`file()` takes one quoted path",
                        help='write file("templates/book.vtl")',
                    )
                )
            assert ctx.read_file is not None
            return ctx.read_file(value.args[0], value.span)
        raise self.wrong(value)


class CorsSettingType(ValueType):
    description = "`cors.NAME` or `false`"

    def convert(self, value: ast.Value, ctx: BindContext) -> NamedRef | bool:
        if isinstance(value, ast.Bool) and not value.value:
            return False
        return RefType("cors").convert(value, ctx)


class AccessLogFormatType(ValueType):
    description = "`json`, `clf` or a custom format string"

    def convert(self, value: ast.Value, ctx: BindContext) -> tuple[str, bool]:
        if isinstance(value, ast.Str):
            return value.value, True
        return EnumType(("json", "clf"), "a log format:").convert(value, ctx), False


# -- containers ----------------------------------------------------------------------------
class ListType(ValueType):
    def __init__(self, item: ValueType) -> None:
        self.item = item
        plural = getattr(item, "plural", None) or item.description.removeprefix("a ").removeprefix("an ")
        self.description = f"a list of {plural}"

    def convert(self, value: ast.Value, ctx: BindContext) -> tuple[Any, ...]:
        if not isinstance(value, ast.ListValue):
            item_ok = True
            try:
                self.item(value, ctx)
            except Invalid:
                item_ok = False
            raise self.wrong(value, help=f"write [{value.span.text}]" if item_ok else None)
        return tuple(self.item(v, ctx) for v in value.items)


class MapType(ValueType):
    """An object literal `{ key = value }` with typed values; keys are kept as written."""

    def __init__(self, item: ValueType) -> None:
        self.item = item
        self.description = "an object `{ key = value }`"

    def convert(self, value: ast.Value, ctx: BindContext) -> dict[str, Any]:
        if not isinstance(value, ast.ObjectValue):
            raise self.wrong(value)
        result: dict[str, Any] = {}
        first: dict[str, Span] = {}
        for pair in value.pairs:
            if pair.key in first:
                raise Invalid(
                    codes.REDEFINED_ATTRIBUTE(
                        pair.key_span,
                        f"key `{pair.key}` is set twice",
                        related=[(first[pair.key], "first set here")],
                    )
                )
            first[pair.key] = pair.key_span
            result[pair.key] = self.item(pair.value, ctx)
        return result


class ScalarStringType(ValueType):
    """Tag and variable values: strings, with numbers and booleans taken as their text."""

    description = "a string"

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        if isinstance(value, ast.Str):
            return interpolate(value, ctx)
        if isinstance(value, ast.Quantity):
            return value.text
        if isinstance(value, ast.Bool):
            return "true" if value.value else "false"
        raise self.wrong(value)


class OneOrMany(ValueType):
    """A single value or a list of them: `identity_source = header.Authorization`."""

    def __init__(self, item: ValueType) -> None:
        self.item = item
        self.description = f"{item.description} or a list of them"

    def convert(self, value: ast.Value, ctx: BindContext) -> tuple[Any, ...]:
        if isinstance(value, ast.ListValue):
            return tuple(self.item(v, ctx) for v in value.items)
        return (self.item.convert(value, ctx),)


class WordType(ValueType):
    """A bare word or a string, kept as text: `allow_methods = [GET, "POST"]`."""

    description = "a word or a string"
    plural = "words or strings"

    def convert(self, value: ast.Value, ctx: BindContext) -> str:
        if isinstance(value, ast.Ref) and len(value.parts) == 1:
            return value.parts[0]
        if isinstance(value, ast.Str):
            return interpolate(value, ctx)
        raise self.wrong(value)


class AnyLiteral(ValueType):
    """`vars` values: anything but references to other namespaces (checked where used)."""

    description = "a value"

    def __call__(self, value: ast.Value, ctx: BindContext) -> ast.Value:
        return value

    def convert(self, value: ast.Value, ctx: BindContext) -> ast.Value:
        return value


STRING = StringType()
URL = UrlType()
BOOL = BoolType()
INT = IntType()
COUNT = CountType()
SCALAR = ScalarType()
DURATION = DurationType()
RATE = RateType()
QUOTA = RateType(usual="/day")
PERCENT = PercentType()
SIZE = SizeType()
METHOD = MethodType()
SOURCE = SourceType()
AUTH = AuthType()
SECRET = SecretType()
TEMPLATE = TemplateType()
TLS_POLICY = TlsPolicyType()
CORS_SETTING = CorsSettingType()
ACCESS_LOG_FORMAT = AccessLogFormatType()
STRING_MAP = MapType(ScalarStringType())
SOURCE_MAP = MapType(SOURCE)
STRINGS = ListType(STRING)
WORDS = ListType(WordType())
SOURCES = OneOrMany(SOURCE)
ANY = AnyLiteral()


def unknown_function_help(name: str) -> str | None:
    return did_you_mean(name, ["env", "file"])


__all__ = ["BindContext", "Invalid", "NamedRef", "ValueType", "closest", "interpolate"]
