"""Small questions many rules ask of the model: is a route public, where to point at it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from apic.compiler.model import Api, ApiKind, AuthKind, GatewayModel, Node, ParamSource, Route, SourceKind
from apic.compiler.model.routes import segments
from apic.compiler.model.types import format_number
from apic.compiler.source import Span

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE", "ANY"})
_STRENGTH = {AuthKind.NONE: 0, AuthKind.API_KEY: 1, AuthKind.IAM: 2, AuthKind.AUTHORIZER: 2}


def apis(model: GatewayModel, *kinds: ApiKind) -> Iterator[Api]:
    """The model's APIs, only those of `kinds` when given."""
    for api in model.apis:
        if not kinds or api.kind in kinds:
            yield api


def is_public(route: Route) -> bool:
    """Reachable without credentials: no auth at all, or an alternative of only `none`."""
    if not route.auth:
        return True
    return any(all(r.kind is AuthKind.NONE for r in alternative) for alternative in route.auth)


def auth_strength(route: Route) -> int:
    """0 public, 1 API key only, 2 a real authenticator; the weakest alternative counts."""
    if not route.auth:
        return 0
    return min(max((_STRENGTH[r.kind] for r in alt), default=0) for alt in route.auth)


def own_span(node: Node, field: str) -> Span | None:
    """Where `field` is set on the node itself; None when unset or inherited (from
    `defaults` or a `group`, whose line lies outside the node)."""
    where = node.field_spans.get(field)
    if where is None or node.span is None or not node.span.start <= where.start < node.span.end:
        return None
    return where


def route_anchor(route: Route) -> Span | None:
    """Where a finding about a route as a whole points: `GET "/path"` of a .gw route header,
    the operation key (`get:`) of an OpenAPI route."""
    path = route.field_spans.get("path")
    methods = route.field_spans.get("methods")
    if path is None or methods is None or methods.source is not path.source:
        return methods or path or route.span
    if methods.start_location[0] == path.start_location[0]:
        return methods.cover(path)  # .gw: `GET "/path"` on the route's first line
    return methods  # OpenAPI: the operation key, inside the path item (where x-apic-ignore sits)


def path_params(path: str) -> dict[str, bool]:
    """Parameter names of a path template -> whether the parameter is greedy."""
    return {s.text: s.kind == "greedy" for s in segments(path) if s.kind != "literal"}


def route_sources(route: Route) -> Iterator[tuple[ParamSource, Span | None, str]]:
    """Every mapped value a route reads, with where it is written and what uses it."""
    for mapping in route.forward:
        yield (
            mapping.source,
            mapping.source.span or mapping.span,
            f"forward {mapping.location.value} `{mapping.name}`",
        )
    if route.cache is not None:
        for key in route.cache.keys:
            yield key, key.span or route.cache.span, "cache key"


_TEMPLATE_PARAM = re.compile(
    r"\$input\.params\(\)\.(?P<where>querystring|header|path)\.get\(\s*['\"](?P<name>[^'\"]+)['\"]\s*\)"
)
TEMPLATE_KINDS = {"querystring": SourceKind.QUERY, "header": SourceKind.HEADER, "path": SourceKind.PATH}


def template_params(route: Route) -> Iterator[tuple[SourceKind, str, Span | None]]:
    """Parameters a request template reads explicitly (`$input.params().querystring.get('x')`)."""
    for template in route.request_templates:
        for found in _TEMPLATE_PARAM.finditer(template.text):
            yield TEMPLATE_KINDS[found.group("where")], found.group("name"), template.span


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


MAX_RELATED = 10  # related locations listed with a summarising finding


def speaks_openapi(node: Node) -> bool:
    """Whether `node` was read from an OpenAPI document (its findings should say `security:`,
    not `auth =`)."""
    span = node.span
    return span is not None and not span.path.endswith(".gw")


def percent_hint(value: float) -> str:
    """What a bare number meant as a percentage should be written as; every suggestion is a
    valid value (0-100%): `write 15%`, or for 0.15 also `15%` as a fraction, and for a number
    above 100 a share in range rather than an invalid `150%`."""
    text = format_number(value)
    if not 0 <= value <= 100:
        return f"write a share of 0% to 100% with its unit, such as 10% (`{text}%` would be out of range)"
    hint = f"write {text}% for {text} percent"
    if value <= 1:
        hint += f", or {format_number(value * 100)}% if {text} was a fraction"
    return hint
