"""What a target leaves out, said (TG002) in one voice for every target that leaves it out.

Each target names the constructs its platform has no place for; this walks the model and
says, on each such construct, that it is not written and why: a throttle, a cache, CORS, a
forwarded value, request validation, tracing, a gateway response, a VPC link.
"""

from __future__ import annotations

from enum import StrEnum

from apic.compiler import codes
from apic.compiler.model import Api, Node, ValidationMode
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
