"""The `x-apic-*` extensions: what OpenAPI cannot say about a gateway.

Declared once as pydantic models, which both validate documents (errors point at the
offending value) and generate `apic/schemas/x-apic.schema.json` for editors. Quantities are
written as in `.gw` (`"10s"`, `"10/s"`, `"5%"`, `"0.5GB"`, `"10000/day"`) and converted by
the same unit code, so they accept the same units and fail with the same messages.

Document level: `x-apic-kind`, `x-apic-region`, `x-apic-tags`, `x-apic-route-selection`,
`x-apic-backends`, `x-apic-vpc-links`, `x-apic-stages`, `x-apic-usage-plans`,
`x-apic-consumers`, `x-apic-domains`, `x-apic-tracing`, `x-apic-cors`. Operation level:
`x-apic-backend`, `x-apic-timeout`, `x-apic-upstream-path`, `x-apic-healthcheck`,
`x-apic-throttle`, `x-apic-cors`, `x-apic-cache`, `x-apic-preflight`.
Any object: `x-apic-ignore: [rule, …]`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Duration = str
Rate = str
Percent = str
Size = str


# Counts are whole numbers from 0 to 2^53: past that a number is not exact in JSON, and a
# 5,000-digit one cannot even be written out (Python's integer-string limit).
Count = Annotated[int, Field(ge=0, le=2**53)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class XThrottle(Strict):
    rate: Rate | None = Field(None, description='steady-state rate, e.g. "10/s"')
    burst: Count | None = None


class XK8s(Strict):
    service: str
    namespace: str | None = None
    port: Count


class XHealthCheck(Strict):
    path: str
    interval: Duration | None = None
    timeout: Duration | None = None
    healthy: Count | None = None
    unhealthy: Count | None = None


class XBackend(Strict):
    url: str | None = None
    vpc_link: str | None = Field(None, description="name of an x-apic-vpc-links entry")
    type: Literal["http", "http_proxy", "lambda", "mock", "aws"] | None = None
    function: str | None = None
    uri: str | None = None
    credentials: str | None = None
    timeout: Duration | None = None
    tls_verify: bool | None = None
    k8s: XK8s | None = None
    health_check: XHealthCheck | None = None


class XVpcLink(Strict):
    version: Literal[1, 2] | None = None
    target: str | None = None
    id: str | None = None
    subnets: list[str] = []
    security_groups: list[str] = []


class XStageCache(Strict):
    size: Size | None = None
    ttl: Duration | None = None
    encrypted: bool | None = None


class XCanary(Strict):
    percent: Percent | None = None
    variables: dict[str, str] | None = None
    use_stage_cache: bool | None = None


class XAccessLog(Strict):
    destination: str
    format: str | None = Field(None, description='"json", "clf" or a custom format')


class XStage(Strict):
    variables: dict[str, str] | None = None
    tracing: bool | None = None
    throttle: XThrottle | None = None
    cache: XStageCache | None = None
    canary: XCanary | None = None
    access_log: XAccessLog | None = None
    logging: Literal["off", "errors", "info"] | None = None
    metrics: bool | None = None
    tags: dict[str, str] | None = None


class XMethodThrottle(Strict):
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"]
    path: str
    rate: Rate | None = None
    burst: Count | None = None


class XUsagePlan(Strict):
    stages: list[str]
    throttle: XThrottle | None = None
    quota: Rate | None = Field(None, description='e.g. "10000/day"')
    method_throttles: list[XMethodThrottle] = []


class XEnv(Strict):
    env: str = Field(
        description="the environment variable holding the key at deploy time",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
    )


class XConsumer(Strict):
    plan: str
    api_key: str | XEnv | None = None
    enabled: bool | None = None


class XRoute53(Strict):
    zone: str
    zone_id: str | None = None
    ipv6: bool | None = None


class XDomain(Strict):
    certificate: str
    certificate_names: list[str] | None = None
    endpoint: Literal["regional", "edge"] | None = None
    tls_policy: str | None = None
    mtls_truststore: str | None = None
    route53: XRoute53 | None = None
    base_paths: dict[str, str] = Field(
        default_factory=dict, description='base path -> stage name ("" for none)'
    )


class XSamplingDefault(Strict):
    rate: Percent | None = None
    fixed_target: Count | None = None


class XSamplingRule(Strict):
    priority: Count | None = None
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"] | None = None
    path: str | None = None
    host: str | None = None
    rate: Percent | None = None
    fixed_target: Count | None = None


class XTracing(Strict):
    default: XSamplingDefault | None = None
    exclude_healthchecks: bool | None = None
    rules: dict[str, XSamplingRule] = {}


class XCors(Strict):
    allow_origins: list[str] = []
    allow_methods: list[str] = []
    allow_headers: list[str] = []
    expose_headers: list[str] = []
    allow_credentials: bool | None = None
    max_age: Duration | None = None


class XRouteCache(Strict):
    ttl: Duration | None = None
    keys: list[str] = Field(
        default_factory=list,
        description='sources as API Gateway writes them, e.g. "method.request.querystring.format"',
    )
    encrypted: bool | None = None
    path_keys: bool | None = None


class XDocument(Strict):
    """The x-apic-* keys of an OpenAPI document's root object."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    kind: Literal["rest", "http", "websocket"] | None = Field(None, alias="x-apic-kind")
    region: str | None = Field(None, alias="x-apic-region")
    tags: dict[str, str] | None = Field(None, alias="x-apic-tags")
    route_selection: str | None = Field(None, alias="x-apic-route-selection")
    backends: dict[str, XBackend] = Field(default_factory=dict, alias="x-apic-backends")
    vpc_links: dict[str, XVpcLink] = Field(default_factory=dict, alias="x-apic-vpc-links")
    stages: dict[str, XStage] = Field(default_factory=dict, alias="x-apic-stages")
    usage_plans: dict[str, XUsagePlan] = Field(default_factory=dict, alias="x-apic-usage-plans")
    consumers: dict[str, XConsumer] = Field(default_factory=dict, alias="x-apic-consumers")
    domains: dict[str, XDomain] = Field(default_factory=dict, alias="x-apic-domains")
    tracing: XTracing | None = Field(None, alias="x-apic-tracing")
    cors: dict[str, XCors] = Field(
        default_factory=dict,
        alias="x-apic-cors",
        description='CORS policies by name; "" is the api-wide one (REST APIs have no '
        "x-amazon-apigateway-cors)",
    )


class XOperation(Strict):
    """The x-apic-* keys of an Operation object."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    backend: str | None = Field(None, alias="x-apic-backend")
    timeout: Duration | None = Field(None, alias="x-apic-timeout")
    upstream_path: str | None = Field(None, alias="x-apic-upstream-path")
    healthcheck: bool | None = Field(None, alias="x-apic-healthcheck")
    throttle: XThrottle | None = Field(None, alias="x-apic-throttle")
    cors: str | bool | None = Field(
        None, alias="x-apic-cors", description="a policy of x-apic-cors by name, or false for none"
    )
    cache: XRouteCache | None = Field(None, alias="x-apic-cache")
    preflight: bool | None = Field(
        None,
        alias="x-apic-preflight",
        description="an OPTIONS operation that only answers CORS preflights, written for API Gateway "
        "from x-apic-cors; apic does not read it as a route",
    )


DOCUMENT_KEYS = {f.alias for f in XDocument.model_fields.values() if f.alias}
OPERATION_KEYS = {f.alias for f in XOperation.model_fields.values() if f.alias}
