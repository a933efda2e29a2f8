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
