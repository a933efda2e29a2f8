"""Where clients reach a route: its public paths behind custom domains and base paths."""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.model import Api, Route


@dataclass(frozen=True)
class PublicPath:
    """`https://{host}{path}` reaches the route through `stage` (API Gateway strips the base
    path: `/api` + `/book/list` is served by the resource `/book/list`)."""

    host: str
    base_path: str  # "" for the domain's root mapping
    stage: str
    path: str


def public_paths(api: Api, route: Route) -> list[PublicPath]:
    """Every domain mapping's public path for `route`, in the model's (sorted) order."""
    found = []
    for domain in api.domains:
        for mapping in domain.base_paths:
            base = mapping.base_path.strip("/")
            prefix = f"/{base}" if base else ""
            found.append(PublicPath(domain.host, base, mapping.stage, prefix + route.path))
    return found


@dataclass(frozen=True)
class Placement:
    """One place a target without base path mappings serves a route: on `hosts` (empty: any
    host), behind `base_path` (prefixed to the route's path), from `stage` (None when the
    source does not say which)."""

    hosts: tuple[str, ...]
    base_path: str
    stage: str | None


def placements(api: Api, route: Route) -> list[Placement]:
    """Where a gateway that routes by host and path serves `route`: once per base path and
    stage of the API's domains (hosts that map the same base path to the same stage share
    one), or at its own path on any host when the API has no domain (then from the API's
    only stage, if it has one)."""
    grouped: dict[tuple[str, str], set[str]] = {}
    for public in public_paths(api, route):
        grouped.setdefault((public.base_path, public.stage), set()).add(public.host)
    if not grouped:
        return [Placement((), "", api.stages[0].name if len(api.stages) == 1 else None)]
    return [Placement(tuple(sorted(hosts)), base, stage) for (base, stage), hosts in sorted(grouped.items())]


def public_template(route: Route, base_path: str) -> str:
    """The path clients send for `route` behind `base_path`, as a URI template spelt like an
    upstream path (`{x+}` as `{x}`): a router that forwards the path as it came reaches the
    backend's upstream path exactly when the two are equal."""
    return ("/" + base_path if base_path else "") + route.path.replace("+}", "}")
