"""What a target leaves out, in one voice for every target that leaves it out.

Each target names the constructs its platform has no place for; `say_unwritten` walks the
model and says (TG002), on each such construct, that it is not written and why: a throttle, a
cache, CORS, a forwarded value, request validation, tracing, a gateway response, a VPC link.
`refuse_checks` refuses (TG001) a route whose auth the platform cannot check,
`refuse_cors_clashes` two CORS policies on one path a platform answers preflights for.
`say_tls_policies_elsewhere` says which setting of the platform's own configuration must hold
a domain's TLS policy when the user says the deployment enforces it there.
"""

from __future__ import annotations

from enum import StrEnum

from apic.compiler import codes
from apic.compiler.model import Api, Node, ValidationMode
from apic.compiler.plan.cors import CorsPlan
from apic.compiler.plan.routes import RoutePlan
from apic.targets.base import Reporter


class Unwritten(StrEnum):
    THROTTLES = "rate limits"
    CACHES = "response cache"
    CORS = "CORS answers"
    FORWARDING = "request header or query changes"
    VALIDATION = "request validation"
    TRACING = "trace sampling"
    GATEWAY_RESPONSES = "custom error responses"
    VPC_LINKS = "VPC links (it reaches services itself)"


def say_unwritten(reporter: Reporter, api: Api, platform: str, left_out: set[Unwritten]) -> None:
    def say(node: Node, subject: str, what: Unwritten) -> None:
        reporter.report(
            codes.TARGET_APPROXIMATION, node, None, f"{subject}: {platform} has no {what}; it is not written"
        )

    for route in api.routes:
        if Unwritten.THROTTLES in left_out and route.throttle is not None:
            say(route.throttle, f"{route.label} throttle", Unwritten.THROTTLES)
        if Unwritten.CACHES in left_out and route.cache is not None:
            say(route.cache, f"{route.label} cache", Unwritten.CACHES)
        if Unwritten.FORWARDING in left_out:
            for mapping in route.forward:
                say(mapping, f"{route.label} forwarding `{mapping.name}`", Unwritten.FORWARDING)
        if Unwritten.VALIDATION in left_out and route.validate not in (None, ValidationMode.NONE):
            reporter.report(
                codes.TARGET_APPROXIMATION,
                route,
                "validate",
                f"{route.label}: {platform} has no {Unwritten.VALIDATION}; it is not written",
            )
    for stage in api.stages:
        if Unwritten.THROTTLES in left_out and stage.throttle is not None:
            say(stage.throttle, f"stage `{stage.name}` throttle", Unwritten.THROTTLES)
        if Unwritten.CACHES in left_out and stage.cache is not None:
            say(stage.cache, f"stage `{stage.name}` cache", Unwritten.CACHES)
    if Unwritten.CORS in left_out:
        for policy in api.cors:
            say(
                policy,
                "the api-wide CORS policy" if policy.name is None else f"CORS policy `{policy.name}`",
                Unwritten.CORS,
            )
    if Unwritten.TRACING in left_out and api.tracing is not None:
        say(api.tracing, f"api `{api.name}` tracing", Unwritten.TRACING)
    if Unwritten.GATEWAY_RESPONSES in left_out:
        for response in api.gateway_responses:
            say(response, f"gateway response `{response.type}`", Unwritten.GATEWAY_RESPONSES)
    if Unwritten.VPC_LINKS in left_out:
        for link in api.vpc_links:
            say(link, f"vpc_link `{link.name}`", Unwritten.VPC_LINKS)


def refuse_checks(reporter: Reporter, plan: RoutePlan, why: str, help: str) -> bool:
    """Refuse (TG001) a route whose auth needs a check besides an API key, on its `auth`, for a
    platform that cannot make it: a route that lets everyone in is the worst output. An API
    key alone is the capability table's to refuse (API_KEYS). True when refused."""
    if plan.auth.public or not any(a.checks for a in plan.auth.alternatives):
        return False
    route = plan.route
    reporter.report(
        codes.TARGET_UNSUPPORTED, route, "auth", f"{route.label} requires {route.auth_text}: {why}", help=help
    )
    return True


def refuse_cors_clashes(reporter: Reporter, plan: CorsPlan) -> None:
    """A gateway answers a path's preflight with one policy: a route whose policy differs from
    another route's on the same path is refused on its `cors`."""
    for route in plan.clashes:
        reporter.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "cors",
            f"{route.label} uses another CORS policy than a route on the same path: the path's "
            "preflight would be answered by either",
        )


# the protocol list a gateway's own TLS setting must name to match an API Gateway policy
TLS_PROTOCOLS = {"TLS_1_0": "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", "TLS_1_2": "TLSv1.2 TLSv1.3"}
TLS_IN_CONFIG = "tls-policy-in-config"


def say_tls_policies_elsewhere(reporter: Reporter, api: Api, setting: str) -> None:
    """With `--option tls-policy-in-config`, each domain's policy is not written but said (TG002),
    with the value `setting` (a format string taking `{protocols}`) must have."""
    for domain in sorted(api.domains, key=lambda d: d.host):
        protocols = TLS_PROTOCOLS.get(domain.tls_policy) if domain.tls_policy else None
        if protocols is None:
            continue
        reporter.report(
            codes.TARGET_APPROXIMATION,
            domain,
            "tls_policy",
            f"domain `{domain.host}`: TLS policy {domain.tls_policy} is not written; with --option "
            f"{TLS_IN_CONFIG} the deployment enforces it in " + setting.format(protocols=protocols),
        )
