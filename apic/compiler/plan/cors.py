"""CORS preflights, decided once: which paths answer one, with which policy, and what a
policy that leaves a list empty means.

A gateway that answers preflights itself (an API Gateway REST MOCK method, a Kong `cors`
plugin, an nginx `if ($request_method = OPTIONS)` block) answers per path: every route on a
path shares one answer, so two routes on one path with different policies cannot both be
honoured (`clashes`). An empty list in a policy means the permissive default a browser
client expects: any origin, the path's own methods plus OPTIONS, and the headers API
clients send (`Content-Type`, `Authorization`, `X-Api-Key`).
"""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler.model import Api, CorsPolicy, HttpMethod, Route

DEFAULT_ORIGINS = ("*",)
DEFAULT_HEADERS = ("Content-Type", "Authorization", "X-Api-Key")


@dataclass(frozen=True)
class Preflight:
    """The answer to `OPTIONS path`, defaults filled in."""

    path: str
    policy: CorsPolicy
    routes: tuple[Route, ...]
    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    allow_credentials: bool
    max_age_seconds: float | None

    def fixed_headers(self) -> dict[str, str]:
        """The answer as one fixed value per header, for a gateway that answers preflights with
        constant headers (API Gateway's MOCK methods, written by target cfn and in OpenAPI for
        its import): lists comma-joined, optional headers only when set."""
        headers = {
            "Access-Control-Allow-Origin": ",".join(self.allow_origins),
            "Access-Control-Allow-Methods": ",".join(self.allow_methods),
            "Access-Control-Allow-Headers": ",".join(self.allow_headers),
        }
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ",".join(self.expose_headers)
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if self.max_age_seconds is not None:
            headers["Access-Control-Max-Age"] = str(round(self.max_age_seconds))
        return headers


@dataclass(frozen=True)
class CorsPlan:
    preflights: tuple[Preflight, ...]  # by path
    clashes: tuple[Route, ...]  # routes whose policy differs from an earlier route's on the path

    @property
    def by_path(self) -> dict[str, Preflight]:
        return {p.path: p for p in self.preflights}


def cors_plan(api: Api, routes: tuple[Route, ...] | list[Route]) -> CorsPlan:
    """Preflights for `routes` (the ones a target emits). A route that declares OPTIONS or
    ANY answers its own preflight and is left to its backend."""
    by_path: dict[str, tuple[CorsPolicy, list[Route]]] = {}
    clashes = []
    for route in routes:
        policy = api.cors_policy(route)
        if policy is None or not route.methods:
            continue
        if HttpMethod.OPTIONS in route.methods or HttpMethod.ANY in route.methods:
            continue
        current = by_path.get(route.path)
        if current is not None and current[0] != policy:
            clashes.append(route)
            continue
        by_path.setdefault(route.path, (policy, []))[1].append(route)
    preflights = []
    for path, (policy, on_path) in sorted(by_path.items()):
        methods = sorted({m.value for r in on_path for m in r.methods} | {"OPTIONS"})
        preflights.append(
            Preflight(
                path=path,
                policy=policy,
                routes=tuple(on_path),
                allow_origins=policy.allow_origins or DEFAULT_ORIGINS,
                allow_methods=policy.allow_methods or tuple(methods),
                allow_headers=policy.allow_headers or DEFAULT_HEADERS,
                expose_headers=policy.expose_headers,
                allow_credentials=bool(policy.allow_credentials),
                max_age_seconds=policy.max_age.seconds if policy.max_age is not None else None,
            )
        )
    return CorsPlan(tuple(preflights), tuple(clashes))
