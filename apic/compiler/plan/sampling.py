"""X-Ray sampling rules computed once from the model, for `cfn` and `xray` alike.

Healthcheck exclusions come first (priorities 1-99, which apic reserves): a healthcheck is
seen under several paths, so one rule is written per distinct form, in this order:
- public: `/<base path><resource path>` on each custom domain that maps a stage;
- resource: the path API Gateway matched (base path stripped);
- upstream: the path the backend serves (what an SDK in the service sees).
`{param}` segments become `*`. Forms that coincide are written once. Then the user's rules
(100-9999), then the API's default as a catch-all scoped to the API's services.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from apic.compiler.model import Api, Backend, HttpMethod, Route, SamplingRule
from apic.compiler.plan.paths import public_paths
from apic.compiler.plan.upstream import upstream_path

HEALTHCHECK_PRIORITY_FIRST = 1
HEALTHCHECK_PRIORITY_LAST = 99
DEFAULT_RULE_PRIORITY = 9000
SDK_DEFAULT_RATE = 0.05  # X-Ray's own default: 1 request/s, then 5 %
SDK_DEFAULT_FIXED_TARGET = 1


@dataclass(frozen=True)
class Rule:
    """One sampling rule in the platform's terms (rate is a fraction 0-1)."""

    name: str
    description: str
    priority: int
    host: str
    method: str
    url_path: str
    rate: float
    fixed_target: int
    source: Route | SamplingRule | Backend | None = None
    # "gateway": API Gateway's own segments (ServiceName `<api>/<stage>`); "services": the
    # services behind it, whose X-Ray service names apic does not know (ServiceName `*`)
    scope: str = "gateway"


def glob_path(path: str) -> str:
    """`/book/{bookId}` -> `/book/*`: X-Ray paths are globs."""
    return re.sub(r"\{[^}]+\}", "*", path)


def healthcheck_forms(api: Api, route: Route) -> list[tuple[str, str, str]]:
    """(form, host, path) for each place a healthcheck can be seen, deduplicated by path."""
    forms = [("public", public.host, public.path) for public in public_paths(api, route)]
    forms.append(("resource", "*", route.path))
    forms.append(("upstream", "*", upstream_path(route)))
    seen: set[str] = set()
    unique = []
    for form, host, path in forms:
        glob = glob_path(path)
        if glob not in seen:
            seen.add(glob)
            unique.append((form, host, glob))
    return unique


def methods_of(route: Route) -> list[str]:
    if not route.methods or HttpMethod.ANY in route.methods:
        return ["*"]
    return [m.value for m in route.methods]


def healthcheck_rules(api: Api) -> list[Rule]:
    """Exclusions for healthcheck routes (each path form), then for the paths the load
    balancer and kubelet probe on the backends (`health_check { path }`): those probes never
    pass the gateway, but the services' X-Ray SDKs see them and would sample them."""
    if api.tracing is not None and not api.tracing.excludes_healthchecks:
        return []
    rules: list[Rule] = []
    seen: set[tuple[str, str]] = set()

    def add(method: str, form: str, host: str, path: str, source: Route | Backend, scope: str) -> None:
        if (method, path) in seen:
            return
        seen.add((method, path))
        rules.append(
            Rule(
                # Named by what it matches, not by position: adding a healthcheck must not
                # rename (and so replace) the rules already deployed.
                name="hc" + hashlib.sha256(f"{method} {host} {path}".encode()).hexdigest()[:8],
                description=f"apic healthcheck {method} {path} ({form})",
                priority=min(HEALTHCHECK_PRIORITY_FIRST + len(rules), HEALTHCHECK_PRIORITY_LAST),
                host=host,
                method=method,
                url_path=path,
                rate=0.0,
                fixed_target=0,
                source=source,
                scope=scope,
            )
        )

    for route in api.routes:
        if not route.healthcheck:
            continue
        for method in methods_of(route):
            for form, host, path in healthcheck_forms(api, route):
                add(method, form, host, path, route, "gateway")
    for backend in api.backends:
        if backend.health_check is not None:
            path = glob_path(backend.health_check.path)
            add("*", f"backend {backend.name}", "*", path, backend, "services")
    return rules


def user_rules(api: Api) -> list[Rule]:
    if api.tracing is None:
        return []
    return [
        Rule(
            name=r.name,
            description=f"apic rule {r.name}",
            priority=r.priority if r.priority is not None else DEFAULT_RULE_PRIORITY - 1,
            host=r.host or "*",
            method=r.method.value if r.method and r.method is not HttpMethod.ANY else "*",
            url_path=r.path or "*",
            rate=r.rate.fraction if r.rate is not None else SDK_DEFAULT_RATE,
            fixed_target=r.fixed_target if r.fixed_target is not None else SDK_DEFAULT_FIXED_TARGET,
            source=r,
        )
        for r in sorted(api.tracing.rules, key=lambda r: (r.priority or DEFAULT_RULE_PRIORITY, r.name))
    ]


def default_rate(api: Api) -> tuple[float, int]:
    default = api.tracing.default if api.tracing is not None else None
    rate = default.rate.fraction if default is not None and default.rate is not None else SDK_DEFAULT_RATE
    fixed = (
        default.fixed_target
        if default is not None and default.fixed_target is not None
        else SDK_DEFAULT_FIXED_TARGET
    )
    return rate, fixed


def has_sampling(api: Api) -> bool:
    return (
        api.tracing is not None
        or any(r.healthcheck for r in api.routes)
        or any(b.health_check is not None for b in api.backends)
    )
