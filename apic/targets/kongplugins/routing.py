"""The paths Kong matches and the path it sends upstream, for every Kong-speaking target.

Every route becomes `~` regex paths (anchored at both ends) with explicit methods, so that
under Kong's `traditional_compatible` router (Kong 3's default) all of an API's routes weigh
the same and `regex_priority` alone orders them: the plan's `priority` is that number. A
plain path would be a *prefix* match in Kong and lose to every regex route whatever its
priority (`kong/router/compat.lua` puts the regex bit above the priority); a route without
`methods` would weigh less than one with methods and lose to it. An `ANY` route therefore
lists every method.

The upstream path is Kong's own join of the service path and the request path when that
gives what the source asks for; otherwise (a base path in front, an `upstream_path`) the
request-transformer's `replace.uri` writes it, with `$(uri_captures["name"])` for each path
variable.
"""

from __future__ import annotations

import re

from apic.compiler.model import HttpMethod
from apic.compiler.plan.paths import Placement
from apic.compiler.plan.patterns import PathPattern, escape_literal
from apic.compiler.plan.routes import EVERY_METHOD, RoutePlan

_VARIABLE = re.compile(r"\{([^{}]+)\}")
_TEMPLATE_OPEN = "$("


def methods(plan: RoutePlan, with_options: bool) -> list[str]:
    if HttpMethod.ANY in plan.route.methods:
        return list(EVERY_METHOD)
    found = {m.value for m in plan.route.methods}
    if with_options:
        found.add("OPTIONS")
    return sorted(found)


def kong_path(pattern: PathPattern, base_path: str) -> str:
    """`~/api/book/(?P<bookId>[^/]+)$`: Kong anchors the start itself (`^` is prepended)."""
    body = pattern.regex[1:-1]
    prefix = "/" + escape_literal(base_path) if base_path else ""
    if prefix and body == "/":
        body = "/?"
    return "~" + prefix + body + "$"


def upstream_prefix(plan: RoutePlan) -> str | None:
    """What the upstream path puts in front of the route's own path (`/base` for
    `/base/reports` behind `/reports`), or None when it is not the route's path behind a
    prefix."""
    if plan.pattern.catch_all:
        return ""  # the request's own path
    template = plan.upstream.path_template
    plain = plan.route.path.replace("+}", "}")
    if plain == "/":
        # Kong sends a request for `/` to the service path itself (`/base`, not `/base/`)
        prefix = "" if template == "/" else (template if not template.endswith("/") else None)
    else:
        prefix = template[: -len(plain)] if template.endswith(plain) else None
    return prefix if prefix is not None and "{" not in prefix and _TEMPLATE_OPEN not in prefix else None


def shared_prefix(plans: list[RoutePlan]) -> str:
    """The prefix most of a service's routes share: the service's path, so that those routes
    need no rewrite (ties: the shortest, then the first in text order)."""
    counts: dict[str, int] = {}
    for plan in plans:
        prefix = upstream_prefix(plan)
        if prefix is not None:
            counts[prefix] = counts.get(prefix, 0) + 1
    if not counts:
        return ""
    return min(counts, key=lambda p: (-counts[p], len(p), p))


def rewrite(plan: RoutePlan, exposure: Placement, origin_path: str, service_prefix: str) -> str | None:
    """The `replace.uri` template that sends the request to the path the source asks for, or
    None when Kong's join of the service path (`origin_path + service_prefix`) and the request
    path already does. Raises ValueError naming what cannot be written."""
    if not exposure.base_path and upstream_prefix(plan) == service_prefix:
        return None
    template = "/{path}" if plan.pattern.catch_all else plan.upstream.path_template
    captures = dict(plan.pattern.captures)
    for variable in _VARIABLE.findall(template):
        if variable not in captures:
            raise ValueError(
                f"the upstream path `{template}` uses `{{{variable}}}`, which the route path does not capture"
            )
    literal_parts = _VARIABLE.split(template)[::2]
    if any(_TEMPLATE_OPEN in part for part in literal_parts):
        raise ValueError(f"the upstream path `{template}` holds `$(`, which Kong would read as a template")
    uri = _VARIABLE.sub(lambda m: f'$(uri_captures["{captures[m.group(1)]}"])', template)
    return origin_path + uri
