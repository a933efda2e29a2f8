"""Who may pass and how often, in nginx: API keys through `map`s, limits through `limit_req`.

Keys. A client sends its key in `x-api-key`; `map $http_x_api_key $apic_<api>_consumer`
names the consumer it belongs to (the keys the source gives, then an `include` of a keys
file the user writes for consumers whose key the source does not hold: apic never invents
one). A second map narrows the consumers to those whose usage plan covers the stage a
place serves. A route that needs a key answers 401 when none is sent and 403 when the key
is unknown or its plan does not cover the stage.

nginx compares `map` strings without regard to case (its hash lower-cases keys), so each
key is a case-sensitive regex (`~^…$`) instead: `Abc` must not open what `abc` opens.

Limits. A stage or route throttle counts every client together (API Gateway's per-method
limits do): a `limit_req_zone` with a fixed key. A usage plan's throttle counts per
consumer: the zone is keyed by the consumer variable, and applied where the key is checked.
nginx takes whole requests per second or per minute; a rate neither says exactly is rounded
and said (TG002). `burst=N nodelay` lets N requests above the rate through at once, so N+1
pass before the first 429. Quotas (per day, week, month) nginx cannot count: said on the
plan.
"""

from __future__ import annotations

import hashlib
import math
import re

from apic.compiler import codes
from apic.compiler.model import Api, Node, Rate, UsagePlan
from apic.compiler.plan.consumers import KeyValue, key_plan
from apic.compiler.plan.rates import SECONDS
from apic.targets.nginx.conf import HttpConf, Map
from apic.targets.nginx.quote import Unquotable, literal, printable, regex

KEY_HEADER_VARIABLE = "$http_x_api_key"
_NOT_NAME = re.compile(r"[^a-z0-9_]+")


def ident(*parts: str) -> str:
    """An nginx variable or zone name from `parts`: `apic_bookstore_prod`, hashed when long."""
    text = "_".join(_NOT_NAME.sub("_", p.lower()).strip("_") for p in parts if p)
    if len(text) > 48:
        text = text[:39] + "_" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:8]
    return "apic_" + text


def consumer_variable(conf: HttpConf, api: Api, stage: str | None, keys_dir: str) -> str:
    """The variable holding the consumer a request's key belongs to, among those whose plan
    covers `stage` ("" when none does); the maps are written once."""
    consumers = ident(api.name, "consumer")
    if consumers not in conf.maps:
        conf.maps[consumers] = key_map(conf, api, consumers, keys_dir)
    plans = {p.name: p for p in api.usage_plans}
    keys = key_plan(api).consumers
    allowed = sorted(
        k.consumer.name
        for k in keys
        if k.enabled and (stage is None or stage in (plans[k.plan].stages if k.plan in plans else ()))
    )
    if stage is None or len(allowed) == len(keys):
        return "$" + consumers
    narrowed = ident(api.name, stage, "client")
    if narrowed not in conf.maps:
        conf.maps[narrowed] = Map(
            "$" + consumers, "$" + narrowed, '""', [(literal(name), literal(name)) for name in allowed]
        )
    return "$" + narrowed


def key_map(conf: HttpConf, api: Api, variable: str, keys_dir: str) -> Map:
    found = Map(KEY_HEADER_VARIABLE, "$" + variable, '""')
    for key in key_plan(api).consumers:
        consumer = key.consumer
        if not key.enabled:
            continue
        if key.value is KeyValue.GIVEN and key.secret is not None:
            try:
                found.entries.append((regex("~^" + re.escape(key.secret) + "$"), literal(consumer.name)))
            except Unquotable as why:
                conf.report(
                    codes.TARGET_UNSUPPORTED, consumer, "api_key", f"consumer `{consumer.name}`: {why}"
                )
            continue
        keys_file = f"{keys_dir}/{ident(api.name)[5:]}.keys"
        if literal(keys_file) not in found.includes:
            found.includes.append(literal(keys_file))
        conf.report(
            codes.TARGET_APPROXIMATION,
            consumer,
            "api_key" if key.value is KeyValue.ENV else None,
            f"consumer `{consumer.name}`: its key is not in the source; nginx reads it from `{keys_file}` "
            f'(relative to nginx.conf), where a line `"~^<key>$" "{printable(consumer.name)}";` '
            "must give it",
        )
    return found


def nginx_rate(per_second: float) -> tuple[str, bool]:
    """`10r/s` or `600r/m`, and whether that is exactly the rate asked for."""
    if float(per_second).is_integer() and per_second >= 1:
        return f"{int(per_second)}r/s", True
    per_minute = per_second * 60
    rounded = max(1, round(per_minute))
    return f"{rounded}r/m", math.isclose(per_minute, rounded)


def zone(conf: HttpConf, name: str, key: str, rate: Rate, node: Node, what: str) -> str:
    """A `limit_req_zone` for `rate` keyed by `key`; the zone's name."""
    per_second = rate.amount / SECONDS[rate.per]
    text, exact = nginx_rate(per_second)
    if not exact:
        conf.report(
            codes.TARGET_APPROXIMATION,
            node,
            "rate",
            f"{what} `{rate}`: nginx counts whole requests per second or per minute, so it is written "
            f"as {text}",
        )
    conf.zones[name] = f"{key} zone={name}:1m rate={text}"
    return name


def limit_req(conf: HttpConf, name: str, rate: Rate, burst: int | None, node: Node, what: str) -> str:
    """`limit_req` with the throttle's burst; without one, a second's worth of requests (at
    least one): nginx's own default of none would refuse a request that follows another
    within one request's share of a second, which no API Gateway client sees."""
    if burst is None:
        burst = max(1, math.ceil(rate.amount / SECONDS[rate.per]))
        conf.report(
            codes.TARGET_APPROXIMATION,
            node,
            None,
            f"{what} sets no burst: nginx lets {burst} requests above the rate through at once "
            "(a second's worth)",
        )
    return f"limit_req zone={name} burst={burst} nodelay;"


def retry_after(rate: Rate) -> int:
    """Seconds until a throttled client may try again: one request's share of the window."""
    return max(1, math.ceil(SECONDS[rate.per] / rate.amount))


def plan_limits(conf: HttpConf, api: Api, plan: UsagePlan, client: str) -> list[str]:
    """The plan's throttle as a zone keyed by the consumer; its quota said, not written."""
    lines = []
    what = f"usage plan `{plan.name}`"
    if plan.throttle is not None and plan.throttle.rate is not None:
        rate = plan.throttle.rate
        name = zone(conf, ident(api.name, "plan", plan.name), client, rate, plan.throttle, what)
        lines.append(limit_req(conf, name, rate, plan.throttle.burst, plan.throttle, f"{what} throttle"))
    if plan.quota is not None:
        conf.report(
            codes.TARGET_APPROXIMATION,
            plan,
            "quota",
            f"{what} quota `{plan.quota}` is not written: open-source nginx counts request rates, not "
            "quotas over a day, week or month",
        )
    for throttle in plan.method_throttles:
        conf.report(
            codes.TARGET_APPROXIMATION,
            throttle,
            None,
            f"{what}: the throttle of {throttle.method.value} {throttle.path} is not written; the plan's "
            "own throttle applies to the route",
        )
    return lines
