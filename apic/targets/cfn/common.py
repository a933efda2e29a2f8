"""Translations every API Gateway flavour shares: sources, rates, tags, log formats, domains."""

from __future__ import annotations

import re

from apic.compiler.model import ParamSource, Rate, SourceKind, Template
from apic.targets.cfn.template import Json

SECONDS = {"s": 1, "min": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2_592_000}
QUOTA_PERIODS = {"day": "DAY", "week": "WEEK", "month": "MONTH"}
EDGE_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"  # CloudFront's zone, the same in every region

ACCESS_LOG_PRESETS = {
    "json": (
        '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
        '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
        '"resourcePath":"$context.resourcePath","status":"$context.status",'
        '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
    ),
    "clf": (
        "$context.identity.sourceIp $context.identity.caller $context.identity.user "
        '[$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" '
        "$context.status $context.responseLength $context.requestId"
    ),
}

STAGE_VAR = re.compile(r"\$\{stage\.var\.([A-Za-z0-9_]+)\}")


def per_second(rate: Rate) -> float:
    value = rate.amount / SECONDS[rate.per]
    return int(value) if float(value).is_integer() else round(value, 6)


def stage_variables_in(text: str) -> str:
    """`${stage.var.env}` (the .gw spelling) -> `${stageVariables.env}` (API Gateway's)."""
    return STAGE_VAR.sub(lambda m: "${stageVariables." + m.group(1) + "}", text)


def rest_source(source: ParamSource) -> str:
    """A mapping source as REST API Gateway writes it: `method.request.path.id`, `'static'`."""
    return {
        SourceKind.PATH: "method.request.path.",
        SourceKind.QUERY: "method.request.querystring.",
        SourceKind.HEADER: "method.request.header.",
        SourceKind.CONTEXT: "context.",
        SourceKind.STAGE_VARIABLE: "stageVariables.",
        SourceKind.INTEGRATION_HEADER: "integration.response.header.",
    }.get(source.kind, "") + (source.name if source.kind is not SourceKind.STATIC else f"'{source.name}'")


def v2_source(source: ParamSource) -> str:
    """The same source in HTTP API parameter mapping syntax: `$request.path.id`."""
    if source.kind is SourceKind.STATIC:
        return source.name
    prefix = {
        SourceKind.PATH: "$request.path.",
        SourceKind.QUERY: "$request.querystring.",
        SourceKind.HEADER: "$request.header.",
        SourceKind.CONTEXT: "$context.",
        SourceKind.STAGE_VARIABLE: "$stageVariables.",
        SourceKind.INTEGRATION_HEADER: "$response.header.",
    }[source.kind]
    return prefix + source.name


def tag_list(tags: dict[str, str] | None) -> list[dict[str, str]] | None:
    if not tags:
        return None
    return [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]


def tag_map(tags: dict[str, str] | None) -> dict[str, str] | None:
    return {k: str(v) for k, v in sorted(tags.items())} if tags else None


def templates(items: tuple[Template, ...]) -> dict[str, str] | None:
    return {t.content_type: t.text for t in sorted(items, key=lambda t: t.content_type)} or None


def access_log_format(format_name: str | None, custom: bool) -> str:
    if custom and format_name is not None:
        return format_name
    return ACCESS_LOG_PRESETS[format_name or "json"]


def seconds(value: float) -> int:
    return round(value)


def hosted_zone(zone: str, zone_id: str | None) -> dict[str, Json]:
    if zone_id:
        return {"HostedZoneId": zone_id}
    return {"HostedZoneName": zone if zone.endswith(".") else zone + "."}
