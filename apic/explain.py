"""`apic explain FILE "GET /book/42"`: which route a request reaches, with what settings, from
where each comes, and what every target does with that route.

The request is matched as clients send it (host, base path, path): the domain and base path
pick the API and stage (API Gateway's mapping; targets without base path mappings prefix
the path, `plan.paths`), then the model's route table picks the route. Each effective
setting is shown with the place it was written (a route inherits from `defaults` and
groups; `field_spans` keep that place). Each registered target compiles the file with its
default options, and what it reports on the route (refused, approximated) or on the file as
a whole is listed under its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.model import Api, GatewayModel, Node, Route, Throttle
from apic.compiler.model.routes import RouteTable
from apic.compiler.plan.paths import Placement, placements
from apic.compiler.plan.patterns import path_pattern
from apic.compiler.plan.routes import route_plans
from apic.compiler.plan.upstream import upstream
from apic.compiler.source import Span

SETTINGS = (
    "backend",
    "auth",
    "timeout",
    "upstream_path",
    "upstream_method",
    "healthcheck",
    "validate",
    "cors",
)
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_REQUEST = re.compile(r"(?P<method>[A-Za-z]+)\s+(?:(?P<scheme>https?)://(?P<host>[^/\s]+))?(?P<path>/\S*)")


class ExplainError(ValueError):
    """A request text that is not `METHOD /path` or `METHOD https://host/path`."""


@dataclass(frozen=True)
class Request:
    method: str
    host: str | None
    path: str

    @classmethod
    def parse(cls, text: str, host: str | None) -> Request:
        match = _REQUEST.fullmatch(text.strip())
        if match is None:
            raise ExplainError(
                f"`{text}` is not a request: write `GET /book/42` or `GET https://host/book/42`"
            )
        return cls(match["method"].upper(), match["host"] or host, match["path"].split("?", 1)[0])


@dataclass(frozen=True)
class Reached:
    api: Api
    placement: Placement
    route: Route | None
    own_path: str  # the path below the base path, as the route table sees it


def where(span: Span | None) -> str:
    if span is None:
        return ""
    line, column = span.start_location
    return f"{span.path}:{line}:{column}"


def reach(model: GatewayModel, request: Request) -> list[Reached]:
    """Each API place the request lands on, with the route its table picks there."""
    found = []
    for api in model.apis:
        seen: set[Placement] = set()
        plans = route_plans(api)
        catch_all = next((p.route for p in plans if p.pattern.catch_all), None)
        for plan in plans:
            for place in placements(api, plan.route):
                if place in seen:
                    continue
                seen.add(place)
                if (
                    place.hosts
                    and request.host not in place.hosts
                    and not any(
                        h.startswith("*.") and (request.host or "").endswith(h[1:]) for h in place.hosts
                    )
                ):
                    continue
                prefix = "/" + place.base_path if place.base_path else ""
                if prefix and not (request.path == prefix or request.path.startswith(prefix + "/")):
                    continue
                own = request.path[len(prefix) :] or "/"
                route = RouteTable.build(api).match(request.method, own) or catch_all
                found.append(Reached(api, place, route, own))
    return found


def settings_lines(route: Route) -> list[str]:
    lines = []
    for name in SETTINGS:
        value = getattr(route, name, None)
        if value in (None, (), False) and name != "auth":
            continue
        shown = route.auth_text if name == "auth" else value
        if name == "auth" and not route.auth:
            shown = "(none said: public)"
        if name == "backend":
            shown = f"backend.{value}"
        origin = route.field_spans.get(name)
        inherited = (
            origin is not None
            and route.span is not None
            and not (route.span.start <= origin.start < route.span.end)
        )
        note = f"{where(origin)}{' (inherited)' if inherited else ''}" if origin is not None else "(default)"
        lines.append(f"    {name:<16} {shown!s:<28} {note}")
    return lines


def explain_text(model: GatewayModel, request: Request, outcomes: dict[str, list[Diagnostic]]) -> str:
    """The explanation; `outcomes` maps each target to what compiling the file reported."""
    out = [f"{request.method} {request.host or '(any host)'}{request.path}"]
    reached = reach(model, request)
    if not reached:
        out.append("  reaches no API: no domain and base path of the file serve it (404 or 403)")
        return "\n".join(out) + "\n"
    for item in reached:
        place = item.placement
        via = f"domain {', '.join(place.hosts)}, base path /{place.base_path}" if place.hosts else "any host"
        stage = f", stage {place.stage}" if place.stage else ""
        out.append(f"  api {item.api.name}{stage} ({via})")
        route = item.route
        if route is None:
            out.append(f"  no route takes {request.method} {item.own_path}: 404 (a REST API answers 403)")
            continue
        out.append(f"  route {route.label}  {where(route.span)}")
        values = match_values(route, item.own_path)
        if values:
            out.append("    path values: " + ", ".join(f"{k} = {v}" for k, v in values.items()))
        out.append("  settings:")
        out.extend(settings_lines(route))
        out.extend(limit_lines(item.api, route, place))
        target = upstream(item.api, route)
        filled = match_values(route, item.own_path)
        if target.origin is not None and filled is not None:
            path = _TEMPLATE.sub(lambda m, v=filled: v.get(m.group(1), m.group(0)), target.path_template)
            method = route.upstream_method.value if route.upstream_method else request.method
            out.append(
                f"  upstream: {method} {target.origin.scheme}://{target.origin.host}:{target.origin.port}"
                f"{target.origin.path}{path}"
            )
        out.append("  on each target:")
        for target, diagnostics in sorted(outcomes.items()):
            out.extend(target_lines(target, route, diagnostics))
    return "\n".join(out) + "\n"


def match_values(route: Route, own_path: str) -> dict[str, str] | None:
    """The path variables' values in `own_path` (by variable name), None when it does not match."""
    pattern = path_pattern(route.path)
    if pattern.catch_all:
        return {}
    match = re.fullmatch(pattern.regex[1:-1], own_path)
    if match is None:
        return None
    return {variable: match.group(name) for variable, name in pattern.captures}


def limit_lines(api: Api, route: Route, place: Placement) -> list[str]:
    """The throttle that applies (the route's, else its stage's) and the route's cache."""
    lines = []
    stage = api.stage(place.stage) if place.stage else None
    if route.throttle is not None:
        lines.append(f"    {'throttle':<16} {throttle_text(route.throttle):<28} {where(route.throttle.span)}")
    elif stage is not None and stage.throttle is not None:
        text = throttle_text(stage.throttle)
        lines.append(f"    {'throttle':<16} {text:<28} {where(stage.throttle.span)} (stage {stage.name})")
    if route.cache is not None:
        ttl = f"{route.cache.ttl.seconds:g}s" if route.cache.ttl is not None else "the stage's"
        lines.append(f"    {'cache':<16} {'ttl ' + ttl:<28} {where(route.cache.span)}")
    return lines


def throttle_text(throttle: Throttle) -> str:
    parts = [str(throttle.rate)] if throttle.rate is not None else []
    if throttle.burst is not None:
        parts.append(f"burst {throttle.burst}")
    return ", ".join(parts) or "set"


def target_lines(target: str, route: Route, diagnostics: list[Diagnostic]) -> list[str]:
    def about(d: Diagnostic) -> bool:
        return (
            route.span is not None
            and d.span.path == route.span.path
            and (route.span.start <= d.span.start < route.span.end or _on_field(route, d.span))
        )

    own = [d for d in diagnostics if about(d) and d.code.startswith("TG")]
    inside = {
        id(d) for d in own if route.span is not None and route.span.start <= d.span.start < route.span.end
    }
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if any(d.severity is Severity.ERROR for d in own):
        head = "refused"
    elif errors:
        head = f"written for this route, but the file is refused ({len(errors)} error(s) elsewhere)"
    else:
        head = "written"
    lines = [f"    {target:<12} {head}"]
    for d in own:
        via = "" if id(d) in inside else f"(through its inherited setting at {where(d.span)}) "
        lines.append(f"      {d.severity.value}[{d.code}] {via}{d.message}")
    return lines


def _on_field(node: Node, span: Span) -> bool:
    return any(s.path == span.path and s.start == span.start for s in node.field_spans.values())
