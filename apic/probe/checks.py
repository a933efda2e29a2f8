"""What to send a deployed gateway, and what the model says must come back.

Each route is probed at a few of its sample paths (the request table of `plan.samples`, the
one every target's routing test uses): a request the route takes must be routed and let in
(no 401, 403, 404 or 405), with a key of a consumer whose plan covers the stage where it
needs one; without a key it must be refused (401 or 403, API Gateway answers 403, nginx
401), and with a key no consumer holds, 403. A healthcheck route must answer 2xx without
credentials. A path no route serves must be refused (404, or API Gateway REST's 403). With
`limits`, a throttled route gets its burst plus two requests at once and must answer 429
to one of them. A black box cannot say which route answered, so precedence between two
routes of one backend is not probed here; the routing tests hold each target to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apic.compiler.model import Api, AuthKind, GatewayModel, Node, Route
from apic.compiler.plan.consumers import KeyValue, key_plan
from apic.compiler.plan.samples import ANY_HOST, Sample, samples

ROUTED_REFUSALS = frozenset({401, 403, 404, 405})  # what a request the route takes must not get
UNKNOWN_KEY = "apic-probe-no-such-key-0000000000"


@dataclass(frozen=True)
class Expect:
    """A status rule: `any_of` (one of these), or `not_in` (none of these), or 2xx."""

    any_of: frozenset[int] = frozenset()
    not_in: frozenset[int] = frozenset()
    success: bool = False
    text: str = ""

    def holds(self, status: int) -> bool:
        if self.success:
            return 200 <= status < 300
        if self.any_of:
            return status in self.any_of
        return status not in self.not_in


@dataclass(frozen=True)
class Check:
    method: str
    host: str | None  # the Host header; None: the base URL's own host
    path: str
    headers: dict[str, str]
    expect: Expect
    node: Node  # where a mismatch is reported
    what: str  # the request's purpose, for the message
    repeat: int = 1  # send this many times; the expectation holds for some answer (limits)


@dataclass
class ProbePlan:
    checks: list[Check] = field(default_factory=list)
    unkeyed: list[Route] = field(default_factory=list)  # routes no known key may call


def needs_key(route: Route) -> bool:
    """Every alternative of the route's auth asks for an API key (none lets anyone in)."""
    return bool(route.auth) and all(
        any(r.kind is AuthKind.API_KEY for r in alternative) for alternative in route.auth
    )


def open_route(route: Route) -> bool:
    return not route.auth or any(all(r.kind is AuthKind.NONE for r in a) for a in route.auth)


def known_key(api: Api, stage: str | None, keys: dict[str, str]) -> str | None:
    """A key of an enabled consumer whose plan covers `stage`: from `keys` (consumer -> key,
    the command line's), else written in the source."""
    plans = {p.name: p for p in api.usage_plans}
    for key in key_plan(api).consumers:
        plan = plans.get(key.plan)
        if not key.enabled or (stage is not None and (plan is None or stage not in plan.stages)):
            continue
        if key.consumer.name in keys:
            return keys[key.consumer.name]
        if key.value is KeyValue.GIVEN and key.secret is not None:
            return key.secret
    return None


def chosen(found: list[Sample], host: str | None) -> list[Sample]:
    """The samples one base URL can answer: those on `host` when it is a domain of the model,
    else those of APIs without a domain (any host), else the first domain's."""
    domains = sorted({h for s in found for h in s.placement.hosts})
    if host is not None and any(host in s.placement.hosts or s.host == host for s in found):
        return [s for s in found if host in s.placement.hosts or s.host == host]
    hostless = [s for s in found if not s.placement.hosts]
    if hostless or not domains:
        return hostless
    return [s for s in found if domains[0] in s.placement.hosts]


def probe_plan(
    model: GatewayModel, keys: dict[str, str], host: str | None, per_route: int, limits: bool
) -> ProbePlan:
    plan = ProbePlan()
    picked = chosen(samples(model), host)
    counts: dict[int, int] = {}
    refused_once: set[int] = set()
    for sample in picked:
        route = sample.expected
        sent_host = host if host is not None else (sample.host if sample.host != ANY_HOST else None)
        if route is None:
            plan.checks.append(
                Check(
                    sample.method,
                    sent_host,
                    sample.path,
                    {},
                    Expect(any_of=frozenset({403, 404}), text="403 or 404"),
                    sample.api,
                    "a path no route serves",
                )
            )
            continue
        if counts.get(id(route), 0) >= per_route:
            continue
        counts[id(route)] = counts.get(id(route), 0) + 1
        headers: dict[str, str] = {}
        if needs_key(route):
            key = known_key(sample.api, sample.placement.stage, keys)
            if key is None:
                if route not in plan.unkeyed:
                    plan.unkeyed.append(route)
            else:
                headers["x-api-key"] = key
        if route.healthcheck and open_route(route):
            expect = Expect(success=True, text="2xx: a healthcheck answers without credentials")
        else:
            expect = Expect(not_in=ROUTED_REFUSALS, text="routed and let in")
        if not needs_key(route) or headers:
            plan.checks.append(
                Check(sample.method, sent_host, sample.path, headers, expect, route, route.label)
            )
        if not open_route(route) and id(route) not in refused_once:
            refused_once.add(id(route))
            plan.checks.append(
                Check(
                    sample.method,
                    sent_host,
                    sample.path,
                    {},
                    Expect(any_of=frozenset({401, 403}), text="401 or 403"),
                    route,
                    "without credentials",
                )
            )
            if needs_key(route):
                plan.checks.append(
                    Check(
                        sample.method,
                        sent_host,
                        sample.path,
                        {"x-api-key": UNKNOWN_KEY},
                        Expect(any_of=frozenset({403}), text="403"),
                        route,
                        "with a key no consumer holds",
                    )
                )
        if (
            limits
            and route.throttle is not None
            and route.throttle.burst is not None
            and (not needs_key(route) or headers)
        ):
            plan.checks.append(
                Check(
                    sample.method,
                    sent_host,
                    sample.path,
                    headers,
                    Expect(any_of=frozenset({429}), text="429"),
                    route.throttle,
                    f"burst {route.throttle.burst} + 2 at once",
                    repeat=route.throttle.burst + 2,
                )
            )
    return plan
