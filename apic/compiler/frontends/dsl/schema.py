"""The `.gw` schema as data: which blocks exist, where, with which labels and attributes.

The grammar only knows `type labels { … }` and `name = value`; everything a user can get
wrong about names, nesting, labels and value types is decided here, once, and checked by
the generic binder (bind.py). docs/language.md is generated from this table's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from apic.compiler.frontends.dsl import values as v
from apic.compiler.model import (
    ApiKind,
    AuthorizerPayload,
    AuthorizerType,
    BackendType,
    LogLevel,
    ParamType,
    ValidationMode,
)


class Labels(Enum):
    NONE = "no label"
    STRING = 'one quoted label: `"name"`'
    OPTIONAL_STRING = "an optional quoted label"
    NAME = "one name label: `DEFAULT_4XX`"
    ROUTE = 'an optional method or `[methods]`, then a quoted path: `GET "/path"`'
    METHOD_PATH = 'a method and a quoted path: `GET "/path"`'


class Repeat(Enum):
    SINGLE = "at most once"
    BY_LABEL = "once per label"
    MANY = "any number of times"


@dataclass(frozen=True)
class Attr:
    type: v.ValueType
    required: bool = False
    label: str | None = None  # a labelled attribute (`template "application/json" = …`)
    unique_labels: bool = True  # False where repeats are a lint rule's business (base_path)
    doc: str = ""


@dataclass
class BlockSpec:
    type: str
    labels: Labels
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: dict[str, BlockSpec] = field(default_factory=dict)
    repeat: Repeat = Repeat.BY_LABEL
    any_attribute: v.ValueType | None = None  # `vars`: every name is allowed
    doc: str = ""


def block(
    type_: str,
    labels: Labels,
    attrs: dict[str, Attr] | None = None,
    blocks: list[BlockSpec] | None = None,
    repeat: Repeat = Repeat.BY_LABEL,
    doc: str = "",
) -> BlockSpec:
    return BlockSpec(type_, labels, attrs or {}, {b.type: b for b in blocks or []}, repeat, doc=doc)


# Settings a route inherits from `defaults` and enclosing groups (nearest wins).
INHERITED_ATTRS: dict[str, Attr] = {
    "backend": Attr(v.RefType("backend"), doc="backend.NAME the route proxies to"),
    "auth": Attr(v.AUTH, doc="none | api_key | iam | authorizer.NAME, or a list: all must pass"),
    "timeout": Attr(v.DURATION, doc="integration timeout"),
    "upstream_path": Attr(
        v.STRING, doc="path at the backend; on a group or defaults: the prefix that replaces theirs"
    ),
    "upstream_method": Attr(v.METHOD, doc="method at the backend"),
    "healthcheck": Attr(v.BOOL, doc="marks a load-balancer health check route: never trace-sampled"),
    "validate": Attr(v.EnumType(ValidationMode), doc="request validation"),
    "cors": Attr(v.CORS_SETTING, doc="cors.NAME, or false to switch the api's CORS off"),
    "tags": Attr(v.STRING_MAP, doc="documentation tags"),
}
ROUTE_ONLY_ATTRS: dict[str, Attr] = {
    "operation_id": Attr(v.STRING, doc="unique operation name"),
    "request_template": Attr(v.TEMPLATE, label="content type", doc="request mapping template"),
}

THROTTLE = block(
    "throttle",
    Labels.NONE,
    {
        "rate": Attr(v.RATE, doc="steady-state requests per second"),
        "burst": Attr(v.COUNT, doc="token bucket size"),
    },
    repeat=Repeat.SINGLE,
)

PARAM_ATTRS = {
    "required": Attr(v.BOOL),
    "type": Attr(v.EnumType(ParamType)),
    "enum": Attr(v.ListType(v.SCALAR)),
    "default": Attr(v.SCALAR),
}

ROUTE_BODY = [
    block("query", Labels.STRING, PARAM_ATTRS, doc="a declared query-string parameter"),
    block("header", Labels.STRING, PARAM_ATTRS, doc="a declared request header"),
    block(
        "forward",
        Labels.NONE,
        {
            "header": Attr(v.SOURCE, label="header name"),
            "query": Attr(v.SOURCE, label="parameter name"),
            "path": Attr(v.SOURCE, label="path parameter name"),
        },
        repeat=Repeat.SINGLE,
        doc="values set on the integration request",
    ),
    block(
        "cache",
        Labels.NONE,
        {
            "ttl": Attr(v.DURATION),
            "keys": Attr(v.ListType(v.SOURCE), doc="what else tells cached responses apart"),
            "encrypted": Attr(v.BOOL),
            "path_keys": Attr(
                v.BOOL, doc="false: path parameters are not cache keys (one entry for every path)"
            ),
        },
        repeat=Repeat.SINGLE,
    ),
    block(
        "response",
        Labels.STRING,
        {
            "status": Attr(v.INT),
            "headers": Attr(v.SOURCE_MAP),
            "template": Attr(v.TEMPLATE, label="content type"),
        },
        doc="integration response, selected by a status regex",
    ),
    THROTTLE,
]

ROUTE = block("route", Labels.ROUTE, {**INHERITED_ATTRS, **ROUTE_ONLY_ATTRS}, ROUTE_BODY, repeat=Repeat.MANY)
GROUP = block(
    "group",
    Labels.STRING,
    dict(INHERITED_ATTRS),
    [ROUTE],
    repeat=Repeat.MANY,
    doc="a path prefix whose settings its routes inherit",
)
GROUP.blocks["group"] = GROUP
DEFAULTS = block("defaults", Labels.NONE, dict(INHERITED_ATTRS), repeat=Repeat.SINGLE)

BACKEND = block(
    "backend",
    Labels.STRING,
    {
        "url": Attr(v.URL),
        "vpc_link": Attr(v.RefType("vpc_link")),
        "type": Attr(v.EnumType(BackendType)),
        "function": Attr(v.STRING, doc="Lambda function ARN"),
        "uri": Attr(v.STRING, doc="AWS service integration URI (type = aws)"),
        "credentials": Attr(v.STRING, doc="IAM role ARN API Gateway assumes to call the backend"),
        "timeout": Attr(v.DURATION),
        "tls_verify": Attr(v.BOOL),
    },
    [
        block(
            "k8s",
            Labels.NONE,
            {
                "service": Attr(v.STRING, required=True),
                "namespace": Attr(v.STRING),
                "port": Attr(v.COUNT, required=True),
            },
            repeat=Repeat.SINGLE,
        ),
        block(
            "health_check",
            Labels.NONE,
            {
                "path": Attr(v.STRING, required=True),
                "interval": Attr(v.DURATION),
                "timeout": Attr(v.DURATION),
                "healthy": Attr(v.COUNT),
                "unhealthy": Attr(v.COUNT),
            },
            repeat=Repeat.SINGLE,
        ),
    ],
)

VPC_LINK = block(
    "vpc_link",
    Labels.STRING,
    {
        "version": Attr(v.INT, doc="1 (NLB) or 2 (ALB, NLB, Cloud Map)"),
        "target": Attr(v.STRING, doc="load balancer ARN; required unless `id` names an existing link"),
        "id": Attr(v.STRING, doc="the id of an existing VPC link"),
        "subnets": Attr(v.STRINGS),
        "security_groups": Attr(v.STRINGS),
    },
)

AUTHORIZER = block(
    "authorizer",
    Labels.STRING,
    {
        "type": Attr(v.EnumType(AuthorizerType), required=True),
        "issuer": Attr(v.URL),
        "audience": Attr(v.STRINGS),
        "scopes": Attr(v.STRINGS),
        "function": Attr(v.STRING),
        "identity_source": Attr(v.SOURCES),
        "ttl": Attr(v.DURATION),
        "payload": Attr(v.EnumType(AuthorizerPayload)),
    },
)

STAGE = block(
    "stage",
    Labels.STRING,
    {
        "variables": Attr(v.STRING_MAP),
        "tracing": Attr(v.BOOL),
        "logging": Attr(v.EnumType(LogLevel)),
        "metrics": Attr(v.BOOL),
        "tags": Attr(v.STRING_MAP),
    },
    [
        THROTTLE,
        block(
            "cache",
            Labels.NONE,
            {
                "size": Attr(v.SIZE),
                "ttl": Attr(v.DURATION),
                "encrypted": Attr(v.BOOL),
            },
            repeat=Repeat.SINGLE,
        ),
        block(
            "canary",
            Labels.NONE,
            {
                "percent": Attr(v.PERCENT),
                "variables": Attr(v.STRING_MAP),
                "use_stage_cache": Attr(v.BOOL),
            },
            repeat=Repeat.SINGLE,
        ),
        block(
            "access_log",
            Labels.NONE,
            {
                "destination": Attr(v.STRING, required=True),
                "format": Attr(v.ACCESS_LOG_FORMAT),
            },
            repeat=Repeat.SINGLE,
        ),
    ],
)

USAGE_PLAN = block(
    "usage_plan",
    Labels.STRING,
    {
        "stages": Attr(v.ListType(v.RefType("stage")), required=True),
        "quota": Attr(v.QUOTA, doc="requests per day, week or month"),
    },
    [
        THROTTLE,
        block(
            "method_throttle",
            Labels.METHOD_PATH,
            {
                "rate": Attr(v.RATE),
                "burst": Attr(v.COUNT),
            },
        ),
    ],
)

CONSUMER = block(
    "consumer",
    Labels.STRING,
    {
        "plan": Attr(v.RefType("usage_plan"), required=True),
        "api_key": Attr(v.SECRET, doc='a literal key or env("NAME"); omitted: the gateway generates one'),
        "enabled": Attr(v.BOOL),
    },
)

DOMAIN = block(
    "domain",
    Labels.STRING,
    {
        "certificate": Attr(v.STRING, required=True, doc="ACM certificate ARN"),
        "certificate_names": Attr(v.STRINGS),
        "endpoint": Attr(v.EnumType(("regional", "edge"))),
        "tls_policy": Attr(v.TLS_POLICY),
        "base_path": Attr(v.RefType("stage"), label="base path", unique_labels=False),
    },
    [
        block("mtls", Labels.NONE, {"truststore": Attr(v.STRING, required=True)}, repeat=Repeat.SINGLE),
        block(
            "route53",
            Labels.NONE,
            {
                "zone": Attr(v.STRING, required=True),
                "zone_id": Attr(v.STRING),
                "ipv6": Attr(v.BOOL),
            },
            repeat=Repeat.SINGLE,
        ),
    ],
)

TRACING = block(
    "tracing",
    Labels.NONE,
    {
        "exclude_healthchecks": Attr(v.BOOL),
    },
    [
        block(
            "default",
            Labels.NONE,
            {"rate": Attr(v.PERCENT), "fixed_target": Attr(v.COUNT)},
            repeat=Repeat.SINGLE,
        ),
        block(
            "rule",
            Labels.STRING,
            {
                "priority": Attr(v.COUNT),
                "method": Attr(v.METHOD),
                "path": Attr(v.STRING),
                "host": Attr(v.STRING),
                "rate": Attr(v.PERCENT),
                "fixed_target": Attr(v.COUNT),
            },
        ),
    ],
    repeat=Repeat.SINGLE,
)

CORS = block(
    "cors",
    Labels.OPTIONAL_STRING,
    {
        "allow_origins": Attr(v.STRINGS, required=True),
        "allow_methods": Attr(v.WORDS, required=True),
        "allow_headers": Attr(v.STRINGS),
        "expose_headers": Attr(v.STRINGS),
        "allow_credentials": Attr(v.BOOL),
        "max_age": Attr(v.DURATION),
    },
)

GATEWAY_RESPONSE = block(
    "gateway_response",
    Labels.NAME,
    {
        "status": Attr(v.INT),
        "headers": Attr(v.SOURCE_MAP),
        "template": Attr(v.TEMPLATE, label="content type"),
    },
)

API = block(
    "api",
    Labels.STRING,
    {
        "kind": Attr(v.EnumType(ApiKind)),
        "endpoint": Attr(v.EnumType(("regional", "edge", "private"))),
        "region": Attr(v.STRING),
        "description": Attr(v.STRING),
        "tags": Attr(v.STRING_MAP),
        "binary_media_types": Attr(v.STRINGS),
        "route_selection": Attr(v.STRING, doc="WebSocket route selection expression"),
        "disable_execute_api_endpoint": Attr(v.BOOL),
        "api_key_source": Attr(v.EnumType(("header", "authorizer")), doc="where API keys come from"),
    },
    [
        DEFAULTS,
        VPC_LINK,
        BACKEND,
        AUTHORIZER,
        GROUP,
        ROUTE,
        STAGE,
        USAGE_PLAN,
        CONSUMER,
        DOMAIN,
        TRACING,
        CORS,
        GATEWAY_RESPONSE,
    ],
)

VARS = BlockSpec("vars", Labels.NONE, repeat=Repeat.MANY, any_attribute=v.ANY)

FILE = block("file", Labels.NONE, {}, [VARS, AUTHORIZER, BACKEND, VPC_LINK, GATEWAY_RESPONSE, CORS, API])
"""The top level: module-level blocks are shared by every `api` in the import closure."""


def where_allowed(name: str) -> dict[str, list[str]]:
    """Which blocks accept `name` as an attribute and as a block (for 'not allowed here')."""
    attrs: set[str] = set()
    blocks: set[str] = set()
    seen: set[int] = set()

    def walk(spec: BlockSpec) -> None:
        if id(spec) in seen:
            return
        seen.add(id(spec))
        if name in spec.attrs:
            attrs.add(spec.type)
        for child in spec.blocks.values():
            if child.type == name:
                blocks.add(spec.type)
            walk(child)

    walk(FILE)
    return {"attribute": sorted(attrs), "block": sorted(blocks)}


def schema_names() -> tuple[set[str], set[str]]:
    """(every block type, every attribute name) the language knows, at any depth."""
    blocks: set[str] = set()
    attributes: set[str] = set()
    stack: list[BlockSpec] = [FILE]
    seen: set[int] = set()
    while stack:
        spec = stack.pop()
        if id(spec) in seen:
            continue
        seen.add(id(spec))
        attributes.update(spec.attrs)
        for child in spec.blocks.values():
            blocks.add(child.type)
            stack.append(child)
    return blocks, attributes
