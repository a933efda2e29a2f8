"""THE IR: one `GatewayModel` that every frontend lowers into and every rule and target reads.

Nothing here knows which frontend produced it, or that `defaults`, `group`, `vars` or
imports ever existed: routes carry their effective settings, paths are full resource
paths, module-level blocks are copied into each api. Collections are sorted by a
documented key (named blocks by name, routes by path then methods) so that equal inputs
give equal models whatever the declaration or import order.
"""

from __future__ import annotations

from collections.abc import Mapping

from apic.compiler.model.base import Node, node
from apic.compiler.model.types import (
    EXPLICIT_METHODS,
    ApiKind,
    AuthKind,
    AuthorizerPayload,
    AuthorizerType,
    BackendType,
    DataSize,
    Duration,
    EndpointType,
    HttpMethod,
    LogLevel,
    ParamType,
    Percent,
    Rate,
    SourceKind,
    ValidationMode,
)

Scalar = str | bool | int | float


@node
class ParamSource(Node):
    """A value mapped into a request: `path.bookId`, `context.requestId`, `'static'`…"""

    kind: SourceKind
    name: str

    def __str__(self) -> str:
        if self.kind is SourceKind.STATIC:
            return f"'{self.name}'"
        prefix = {
            SourceKind.STAGE_VARIABLE: "stage.var",
            SourceKind.INTEGRATION_HEADER: "integration.header",
        }.get(self.kind, self.kind.value)
        return f"{prefix}.{self.name}"


@node
class EnvRef(Node):
    """A secret read from the environment at deploy time: `env("ACME_API_KEY")`."""

    name: str


@node
class AuthRequirement(Node):
    """One requirement; `scopes` are the OAuth scopes an operation asks of its authorizer."""

    kind: AuthKind
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"authorizer.{self.authorizer}" if self.authorizer else self.kind.value


@node
class Param(Node):
    """A declared query-string or header parameter of a route."""

    name: str
    required: bool | None = None
    type: ParamType | None = None
    enum: tuple[Scalar, ...] | None = None
    default: Scalar | None = None


@node
class ForwardMapping(Node):
    """`forward { header "X-Id" = path.id }`: set `location` `name` from `source`."""

    location: SourceKind
    name: str
    source: ParamSource


@node
class RouteCache(Node):
    """`keys` are what the source names; the route's path parameters are keys too unless
    `path_keys` is false (see `plan.caching`: one entry per path, not per resource)."""

    ttl: Duration | None = None
    keys: tuple[ParamSource, ...] = ()
    encrypted: bool | None = None
    path_keys: bool | None = None


@node
class Template(Node):
    """A mapping template for one content type (VTL for API Gateway)."""

    content_type: str
    text: str


@node
class IntegrationResponse(Node):
    selection: str
    status: int | None = None
    headers: Mapping[str, ParamSource] | None = None
    templates: tuple[Template, ...] = ()


@node
class Throttle(Node):
    rate: Rate | None = None
    burst: int | None = None


@node
class Route(Node):
    """One route with its effective settings (inheritance already applied).

    `methods` is empty for WebSocket routes, whose `path` is the route key (`$connect`).
    `auth` lists alternatives (any one suffices), each a tuple of requirements that must all
    pass: OpenAPI's security semantics. It is empty when no level set it, which means
    public, like an explicit `none`.
    """

    methods: tuple[HttpMethod, ...]
    path: str
    backend: str | None = None
    auth: tuple[tuple[AuthRequirement, ...], ...] = ()
    timeout: Duration | None = None
    upstream_path: str | None = None
    upstream_method: HttpMethod | None = None
    healthcheck: bool = False
    validate: ValidationMode | None = None
    cors: str | bool | None = None
    tags: Mapping[str, str] | None = None
    operation_id: str | None = None
    query_params: tuple[Param, ...] = ()
    header_params: tuple[Param, ...] = ()
    forward: tuple[ForwardMapping, ...] = ()
    cache: RouteCache | None = None
    request_templates: tuple[Template, ...] = ()
    responses: tuple[IntegrationResponse, ...] = ()
    throttle: Throttle | None = None

    @property
    def label(self) -> str:
        methods = ",".join(self.methods)
        return f"{methods} {self.path}" if methods else self.path

    @property
    def auth_text(self) -> str:
        """The auth as messages say it: `authorizer.users and api_key or iam`."""
        return " or ".join(" and ".join(str(r) for r in alternative) for alternative in self.auth)

    @property
    def asks_for_api_key(self) -> bool:
        """Some alternative of the route's auth takes an API key."""
        return any(r.kind is AuthKind.API_KEY for alternative in self.auth for r in alternative)


@node
class K8sService(Node):
    service: str
    namespace: str | None = None
    port: int


@node
class HealthCheck(Node):
    path: str
    interval: Duration | None = None
    timeout: Duration | None = None
    healthy: int | None = None
    unhealthy: int | None = None


@node
class Backend(Node):
    """Where routes send requests. `url` for HTTP, `function` for Lambda, `uri` (an API
    Gateway service ARN such as `arn:aws:apigateway:eu-west-1:sqs:path/123/queue`) for
    `type = aws`; `credentials` is the IAM role API Gateway assumes to call it."""

    name: str
    url: str | None = None
    vpc_link: str | None = None
    type: BackendType | None = None
    function: str | None = None
    uri: str | None = None
    credentials: str | None = None
    timeout: Duration | None = None
    tls_verify: bool | None = None
    k8s: K8sService | None = None
    health_check: HealthCheck | None = None


@node
class VpcLink(Node):
    """A VPC link apic creates (`target`: the load balancer ARN) or an existing one (`id`)."""

    name: str
    version: int | None = None
    target: str | None = None
    id: str | None = None
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()


@node
class Authorizer(Node):
    name: str
    type: AuthorizerType
    issuer: str | None = None
    audience: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    function: str | None = None
    identity_source: tuple[ParamSource, ...] = ()
    ttl: Duration | None = None
    payload: AuthorizerPayload | None = None


@node
class StageCache(Node):
    size: DataSize | None = None
    ttl: Duration | None = None
    encrypted: bool | None = None


@node
class Canary(Node):
    percent: Percent | None = None
    variables: Mapping[str, str] | None = None
    use_stage_cache: bool | None = None


@node
class AccessLog(Node):
    """`format` is `json` or `clf` (a preset) unless `custom` holds the user's own format."""

    destination: str
    format: str | None = None
    custom: bool = False


@node
class Stage(Node):
    name: str
    variables: Mapping[str, str] | None = None
    tracing: bool | None = None
    throttle: Throttle | None = None
    cache: StageCache | None = None
    canary: Canary | None = None
    access_log: AccessLog | None = None
    logging: LogLevel | None = None
    metrics: bool | None = None
    tags: Mapping[str, str] | None = None


@node
class MethodThrottle(Node):
    method: HttpMethod
    path: str
    rate: Rate | None = None
    burst: int | None = None


@node
class UsagePlan(Node):
    name: str
    stages: tuple[str, ...]
    throttle: Throttle | None = None
    quota: Rate | None = None
    method_throttles: tuple[MethodThrottle, ...] = ()


@node
class Consumer(Node):
    name: str
    plan: str
    api_key: str | EnvRef | None = None
    enabled: bool | None = None


@node
class BasePathMapping(Node):
    """`base_path "api" = stage.prod`; the stage may be undefined (a lint rule reports it)."""

    base_path: str
    stage: str


@node
class Route53(Node):
    zone: str
    zone_id: str | None = None
    ipv6: bool | None = None


@node
class Domain(Node):
    host: str
    certificate: str
    certificate_names: tuple[str, ...] | None = None
    endpoint: EndpointType | None = None
    tls_policy: str | None = None
    mtls_truststore: str | None = None
    route53: Route53 | None = None
    base_paths: tuple[BasePathMapping, ...] = ()


@node
class SamplingDefault(Node):
    rate: Percent | None = None
    fixed_target: int | None = None


@node
class SamplingRule(Node):
    name: str
    priority: int | None = None
    method: HttpMethod | None = None
    path: str | None = None
    host: str | None = None
    rate: Percent | None = None
    fixed_target: int | None = None


@node
class Tracing(Node):
    default: SamplingDefault | None = None
    exclude_healthchecks: bool | None = None
    rules: tuple[SamplingRule, ...] = ()

    @property
    def excludes_healthchecks(self) -> bool:
        return self.exclude_healthchecks is not False


@node
class CorsPolicy(Node):
    """`name` is None for the api-wide policy (an unlabelled `cors` block)."""

    name: str | None = None
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool | None = None
    max_age: Duration | None = None


@node
class GatewayResponse(Node):
    type: str
    status: int | None = None
    headers: Mapping[str, ParamSource] | None = None
    templates: tuple[Template, ...] = ()


@node
class Api(Node):
    name: str
    kind: ApiKind = ApiKind.REST
    endpoint: EndpointType | None = None
    region: str | None = None
    description: str | None = None
    tags: Mapping[str, str] | None = None
    binary_media_types: tuple[str, ...] = ()
    route_selection: str | None = None
    disable_execute_api_endpoint: bool | None = None
    api_key_source: str | None = None  # "header" (x-api-key) or "authorizer"
    routes: tuple[Route, ...] = ()
    backends: tuple[Backend, ...] = ()
    vpc_links: tuple[VpcLink, ...] = ()
    authorizers: tuple[Authorizer, ...] = ()
    stages: tuple[Stage, ...] = ()
    usage_plans: tuple[UsagePlan, ...] = ()
    consumers: tuple[Consumer, ...] = ()
    domains: tuple[Domain, ...] = ()
    tracing: Tracing | None = None
    cors: tuple[CorsPolicy, ...] = ()
    gateway_responses: tuple[GatewayResponse, ...] = ()

    def backend(self, name: str | None) -> Backend | None:
        return next((b for b in self.backends if b.name == name), None)

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)

    def cors_policy(self, route: Route) -> CorsPolicy | None:
        """The CORS policy a route answers with: its named one, the api-wide one, or none."""
        if route.cors is False:
            return None
        if isinstance(route.cors, str):
            return next((c for c in self.cors if c.name == route.cors), None)
        return next((c for c in self.cors if c.name is None), None)


@node
class GatewayModel(Node):
    apis: tuple[Api, ...] = ()


__all__ = [
    "EXPLICIT_METHODS",
    "AccessLog",
    "Api",
    "ApiKind",
    "AuthKind",
    "AuthRequirement",
    "Authorizer",
    "AuthorizerPayload",
    "AuthorizerType",
    "Backend",
    "BackendType",
    "BasePathMapping",
    "Canary",
    "Consumer",
    "CorsPolicy",
    "DataSize",
    "Domain",
    "Duration",
    "EndpointType",
    "EnvRef",
    "ForwardMapping",
    "GatewayModel",
    "GatewayResponse",
    "HealthCheck",
    "HttpMethod",
    "IntegrationResponse",
    "K8sService",
    "LogLevel",
    "MethodThrottle",
    "Node",
    "Param",
    "ParamSource",
    "ParamType",
    "Percent",
    "Rate",
    "Route",
    "Route53",
    "RouteCache",
    "SamplingDefault",
    "SamplingRule",
    "Scalar",
    "SourceKind",
    "Stage",
    "StageCache",
    "Template",
    "Throttle",
    "Tracing",
    "UsagePlan",
    "ValidationMode",
    "VpcLink",
]
