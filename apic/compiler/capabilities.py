"""Which platform supports which construct, for each API kind: one table that lint and every
target read.

A `Feature` is something a model may ask of a gateway (a route cache, an API key, a canary).
`feature_uses` finds every place a model asks for one, with the node and field to point at;
a `Platform` says for each feature which API kinds have it. The lint rule
`feature-unsupported-for-kind` reports uses the API Gateway table refuses; a target refuses
the same uses (TG001) before it emits anything, so `--no-lint` never lets a construct
disappear silently. When a target needs a construct that this table does not cover, the
construct belongs here, not in the target's own list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from apic.compiler.model import (
    Api,
    ApiKind,
    Authorizer,
    AuthorizerType,
    BackendType,
    EndpointType,
    Node,
    VpcLink,
)

COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/")
KIND_NAME = {ApiKind.REST: "REST", ApiKind.HTTP: "HTTP", ApiKind.WEBSOCKET: "WebSocket"}


class Feature(StrEnum):
    """The value is how messages name the feature."""

    API_KEYS = "API keys"
    USAGE_PLANS = "usage plans"
    USAGE_PLAN_METHOD_THROTTLES = "per-method usage-plan throttles"
    ROUTE_CACHE = "response caching"
    STAGE_CACHE = "stage cache clusters"
    CANARY = "canary releases"
    XRAY_TRACING = "X-Ray tracing"
    MAPPING_TEMPLATES = "mapping templates"
    INTEGRATION_RESPONSES = "integration responses"
    GATEWAY_RESPONSES = "gateway responses"
    MOCK_INTEGRATIONS = "mock integrations"
    AWS_SERVICE_INTEGRATIONS = "non-proxy AWS service integrations (`type = aws` with a `uri`)"
    BINARY_MEDIA_TYPES = "binary media types"
    API_KEY_SOURCE = "an API key source"
    EDGE_ENDPOINTS = "edge-optimized endpoints"
    PRIVATE_ENDPOINTS = "private endpoints"
    CORS = "CORS configuration"
    PER_ROUTE_CORS = "per-route CORS policies"
    VPC_LINKS_V1 = "version 1 VPC links (to a Network Load Balancer)"
    VPC_LINKS_V2 = "version 2 VPC links (subnets and security groups)"
    JWT_AUTHORIZERS = "JWT authorizers for issuers other than Cognito"
    ENHANCED_TLS_POLICIES = "enhanced security policies (SecurityPolicy_*)"
    TLS_POLICIES = "TLS security policies on custom domains"
    MUTUAL_TLS = "mutual TLS (a truststore on a custom domain)"
    WEBSOCKET_APIS = "WebSocket APIs (routes selected by message content)"


REST, HTTP, WEBSOCKET = ApiKind.REST, ApiKind.HTTP, ApiKind.WEBSOCKET


@dataclass(frozen=True)
class Platform:
    """What one gateway platform supports: feature -> the API kinds that have it."""

    name: str
    support: dict[Feature, frozenset[ApiKind]]
    limits: dict[Feature, str] = field(default_factory=dict)  # why a target writes less

    def supports(self, feature: Feature, kind: ApiKind) -> bool:
        return kind in self.support.get(feature, frozenset(ApiKind))

    def granting(self, feature: Feature) -> Platform:
        """The platform once the deployment provides `feature` itself (a target option says so)."""
        limits = {f: reason for f, reason in self.limits.items() if f is not feature}
        return Platform(self.name, {**self.support, feature: frozenset(ApiKind)}, limits)

    def without(self, feature: Feature, kinds: frozenset[ApiKind], reason: str) -> Platform:
        """What a target writes: the platform less what the target cannot say (yet)."""
        return Platform(
            self.name,
            {**self.support, feature: self.support[feature] - kinds},
            {**self.limits, feature: reason},
        )


# Amazon API Gateway, from "Choose between REST APIs and HTTP APIs" (api-gateway developer
# guide, http-api-vs-rest) and the WebSocket guides: WebSocket APIs take API keys through
# usage plans and reach private resources through REST (version 1) VPC links.
API_GATEWAY = Platform(
    "Amazon API Gateway",
    {
        Feature.API_KEYS: frozenset({REST, WEBSOCKET}),
        Feature.USAGE_PLANS: frozenset({REST, WEBSOCKET}),
        Feature.USAGE_PLAN_METHOD_THROTTLES: frozenset({REST}),
        Feature.ROUTE_CACHE: frozenset({REST}),
        Feature.STAGE_CACHE: frozenset({REST}),
        Feature.CANARY: frozenset({REST}),
        Feature.XRAY_TRACING: frozenset({REST}),
        Feature.MAPPING_TEMPLATES: frozenset({REST, WEBSOCKET}),
        Feature.INTEGRATION_RESPONSES: frozenset({REST}),
        Feature.GATEWAY_RESPONSES: frozenset({REST}),
        Feature.MOCK_INTEGRATIONS: frozenset({REST, WEBSOCKET}),
        Feature.AWS_SERVICE_INTEGRATIONS: frozenset({REST, WEBSOCKET}),
        Feature.BINARY_MEDIA_TYPES: frozenset({REST}),
        Feature.API_KEY_SOURCE: frozenset({REST}),
        Feature.EDGE_ENDPOINTS: frozenset({REST}),
        Feature.PRIVATE_ENDPOINTS: frozenset({REST}),
        Feature.CORS: frozenset({REST, HTTP}),
        Feature.PER_ROUTE_CORS: frozenset({REST}),
        Feature.VPC_LINKS_V1: frozenset({REST, WEBSOCKET}),
        Feature.VPC_LINKS_V2: frozenset({REST, HTTP}),
        Feature.JWT_AUTHORIZERS: frozenset({HTTP}),
        Feature.ENHANCED_TLS_POLICIES: frozenset({REST}),
        Feature.WEBSOCKET_APIS: frozenset({WEBSOCKET}),
        # what a domain's kind allows (edge, regional) is checked on the domain, not here
        Feature.TLS_POLICIES: frozenset(ApiKind),
        Feature.MUTUAL_TLS: frozenset(ApiKind),
    },
)

NO_KIND: frozenset[ApiKind] = frozenset()

# Kong Gateway 3.x as apic's `kong` target writes it (DB-less declarative configuration).
# Kong proxies every request the same way whatever API Gateway kind the source names, so a
# feature is written for every kind or for none (a WebSocket API is refused once, as a
# whole). Not written: what has no counterpart in a declarative file (API Gateway's VTL
# templates, integration responses, mock and AWS service integrations, canaries, edge and
# private endpoints) and what lives in kong.conf instead (`ssl_protocols`,
# `ssl_cipher_suite`, client certificates), so a TLS policy or truststore the source sets
# would be lost: refused, like every security construct a target cannot say. Gateway
# responses only restyle error bodies: the target writes none and warns (TG002) on each.
KONG = Platform(
    "Kong Gateway",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        Feature.MAPPING_TEMPLATES: NO_KIND,
        Feature.INTEGRATION_RESPONSES: NO_KIND,
        Feature.MOCK_INTEGRATIONS: NO_KIND,
        Feature.AWS_SERVICE_INTEGRATIONS: NO_KIND,
        Feature.CANARY: NO_KIND,
        Feature.EDGE_ENDPOINTS: NO_KIND,
        Feature.PRIVATE_ENDPOINTS: NO_KIND,
        Feature.TLS_POLICIES: NO_KIND,
        Feature.ENHANCED_TLS_POLICIES: NO_KIND,
        Feature.MUTUAL_TLS: NO_KIND,
        Feature.WEBSOCKET_APIS: NO_KIND,
    },
    {
        Feature.TLS_POLICIES: "Kong sets TLS versions and ciphers in kong.conf (`ssl_protocols`, "
        "`ssl_cipher_suite`), not in the declarative configuration",
        Feature.ENHANCED_TLS_POLICIES: "Kong sets TLS versions and ciphers in kong.conf, not in the "
        "declarative configuration",
        Feature.MUTUAL_TLS: "Kong checks client certificates with the mtls-auth plugin of Kong Enterprise, "
        "which needs CA certificates apic does not have",
        Feature.WEBSOCKET_APIS: "Kong routes WebSocket connections by path, not by message content "
        "(`route_selection`)",
        Feature.CANARY: "Kong Gateway (open source) has no canary releases",
        Feature.MOCK_INTEGRATIONS: "Kong has no mock integrations",
        Feature.AWS_SERVICE_INTEGRATIONS: "Kong calls no AWS service APIs on a route's behalf",
        Feature.MAPPING_TEMPLATES: "Kong has no VTL mapping templates",
        Feature.INTEGRATION_RESPONSES: "Kong has no integration responses",
        Feature.EDGE_ENDPOINTS: "Kong has no edge-optimized (CloudFront) endpoints",
        Feature.PRIVATE_ENDPOINTS: "Kong has no private (VPC endpoint only) APIs; restrict Kong's listener "
        "instead",
    },
)


# What a Kubernetes router (an HTTPRoute, an ALB Ingress) has no place for: API keys and
# consumers (refused: security), API Gateway's own integrations, templates, responses,
# canary stages and endpoint kinds, its policy names and truststores, WebSocket routing.
ROUTER_LACKS = (
    Feature.API_KEYS,
    Feature.USAGE_PLANS,
    Feature.USAGE_PLAN_METHOD_THROTTLES,
    Feature.MAPPING_TEMPLATES,
    Feature.INTEGRATION_RESPONSES,
    Feature.MOCK_INTEGRATIONS,
    Feature.AWS_SERVICE_INTEGRATIONS,
    Feature.CANARY,
    Feature.EDGE_ENDPOINTS,
    Feature.ENHANCED_TLS_POLICIES,
    Feature.MUTUAL_TLS,
    Feature.WEBSOCKET_APIS,
)

# Gateway API HTTPRoute (gateway.networking.k8s.io/v1) as the `gateway-api` target writes it:
# routing, rewrites, header changes, CORS and timeouts. Refused: API keys and usage plans (an
# HTTPRoute cannot authenticate; the builder refuses every other auth too), what has no
# counterpart in a route (VTL, integration responses, mock and AWS integrations, canary
# stages, edge and private endpoints) and what belongs to the Gateway's listeners (TLS
# policies, truststores). Caching, tracing and gateway responses are said (TG002) by the
# builder, not refused: their absence lets no one in.
GATEWAY_API = Platform(
    "Gateway API HTTPRoute",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        **{feature: NO_KIND for feature in ROUTER_LACKS},
        Feature.PRIVATE_ENDPOINTS: NO_KIND,
        Feature.TLS_POLICIES: NO_KIND,
    },
    {
        Feature.API_KEYS: "an HTTPRoute cannot check API keys (target kong can, and k8s with the Kong "
        "controller)",
        Feature.USAGE_PLANS: "an HTTPRoute has no consumers, rate limits or quotas",
        Feature.USAGE_PLAN_METHOD_THROTTLES: "an HTTPRoute has no consumers, rate limits or quotas",
        Feature.TLS_POLICIES: "TLS is the Gateway listener's, not the HTTPRoute's",
        Feature.ENHANCED_TLS_POLICIES: "TLS is the Gateway listener's, not the HTTPRoute's",
        Feature.MUTUAL_TLS: "client certificates are the Gateway listener's, not the HTTPRoute's",
        Feature.WEBSOCKET_APIS: "an HTTPRoute routes by path, not by message content (`route_selection`)",
        Feature.CANARY: "a stage canary has no HTTPRoute counterpart (weights split between services)",
        Feature.MOCK_INTEGRATIONS: "an HTTPRoute sends requests to services, it does not answer them",
        Feature.AWS_SERVICE_INTEGRATIONS: "an HTTPRoute sends requests to Kubernetes services only",
        Feature.MAPPING_TEMPLATES: "an HTTPRoute has no mapping templates",
        Feature.INTEGRATION_RESPONSES: "an HTTPRoute has no integration responses",
        Feature.EDGE_ENDPOINTS: "an HTTPRoute has no edge-optimized endpoints",
        Feature.PRIVATE_ENDPOINTS: "an HTTPRoute has no private endpoints; make the Gateway internal instead",
    },
)


# An Ingress for the AWS Load Balancer Controller (target `k8s`, controller `alb`): an ALB
# listener's rules. It routes by host, path and method, terminates TLS with ACM
# certificates under an ELB security policy, and can be internal (a private API); it checks
# no API keys and counts no consumers (refused: security), and has no counterpart for API
# Gateway's templates, responses, mock and AWS integrations, canary stages or edge
# endpoints. API Gateway's SecurityPolicy_* names and S3 truststores are not ALB's.
K8S_ALB = Platform(
    "an ALB Ingress (AWS Load Balancer Controller)",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        **{feature: NO_KIND for feature in ROUTER_LACKS},
    },
    {
        Feature.API_KEYS: "an ALB cannot check API keys (target kong can)",
        Feature.USAGE_PLANS: "an ALB has no consumers, rate limits or quotas (target kong has)",
        Feature.USAGE_PLAN_METHOD_THROTTLES: "an ALB has no consumers, rate limits or quotas",
        Feature.MAPPING_TEMPLATES: "an ALB has no mapping templates",
        Feature.INTEGRATION_RESPONSES: "an ALB has no integration responses",
        Feature.MOCK_INTEGRATIONS: "an ALB Ingress sends requests to Kubernetes services only",
        Feature.AWS_SERVICE_INTEGRATIONS: "an ALB Ingress sends requests to Kubernetes services only",
        Feature.CANARY: "a stage canary has no ALB Ingress counterpart",
        Feature.EDGE_ENDPOINTS: "an ALB has no edge-optimized endpoints (put CloudFront in front)",
        Feature.ENHANCED_TLS_POLICIES: "API Gateway's SecurityPolicy_* names are not ELB security policies",
        Feature.MUTUAL_TLS: "an ALB's mutual TLS takes an ELB trust store, not an S3 truststore URI",
        Feature.WEBSOCKET_APIS: "an ALB routes by path, not by message content (`route_selection`)",
    },
)


# An Ingress for ingress-nginx (target `k8s`, controller `nginx`): nginx locations per host.
# TLS versions are the controller's ConfigMap (`ssl-protocols`), not an Ingress's; what
# Kubernetes routers lack besides.
K8S_NGINX = Platform(
    "an ingress-nginx Ingress",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        **{feature: NO_KIND for feature in ROUTER_LACKS},
        Feature.TLS_POLICIES: NO_KIND,
        Feature.PRIVATE_ENDPOINTS: NO_KIND,
    },
    {
        Feature.API_KEYS: "ingress-nginx checks no API keys without an external auth service (the Kong "
        "controller can)",
        Feature.USAGE_PLANS: "ingress-nginx has no consumers or quotas",
        Feature.USAGE_PLAN_METHOD_THROTTLES: "ingress-nginx has no consumers or quotas",
        Feature.TLS_POLICIES: "ingress-nginx sets TLS versions in its ConfigMap (`ssl-protocols`), not per "
        "Ingress",
        Feature.PRIVATE_ENDPOINTS: "an Ingress is as private as the controller's Service; make that internal",
        Feature.MAPPING_TEMPLATES: "ingress-nginx has no mapping templates",
        Feature.INTEGRATION_RESPONSES: "ingress-nginx has no integration responses",
        Feature.MOCK_INTEGRATIONS: "an Ingress sends requests to Kubernetes services only",
        Feature.AWS_SERVICE_INTEGRATIONS: "an Ingress sends requests to Kubernetes services only",
        Feature.CANARY: "a stage canary has no ingress-nginx counterpart here",
        Feature.EDGE_ENDPOINTS: "ingress-nginx has no edge-optimized endpoints",
        Feature.ENHANCED_TLS_POLICIES: "API Gateway's SecurityPolicy_* names are not nginx's",
        Feature.MUTUAL_TLS: "ingress-nginx's client certificates come from a Secret, not an S3 truststore",
        Feature.WEBSOCKET_APIS: "ingress-nginx routes by path, not by message content (`route_selection`)",
    },
)


# Open-source nginx as an API gateway (target `nginx`): locations per route, API keys through
# a `map` of the key header, usage plans and throttles through `limit_req`, TLS with
# certificate files. It has no counterpart for API Gateway's templates, integration
# responses, mock and AWS service integrations, canary stages, or edge and private endpoint
# kinds; API Gateway's SecurityPolicy_* names are not nginx's `ssl_protocols`, and an S3
# truststore is not a client CA file. TLS policies need certificate files (the target
# withdraws them without `tls-dir`).
NGINX = Platform(
    "nginx",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        Feature.MAPPING_TEMPLATES: NO_KIND,
        Feature.INTEGRATION_RESPONSES: NO_KIND,
        Feature.MOCK_INTEGRATIONS: NO_KIND,
        Feature.AWS_SERVICE_INTEGRATIONS: NO_KIND,
        Feature.CANARY: NO_KIND,
        Feature.EDGE_ENDPOINTS: NO_KIND,
        Feature.PRIVATE_ENDPOINTS: NO_KIND,
        Feature.ENHANCED_TLS_POLICIES: NO_KIND,
        Feature.MUTUAL_TLS: NO_KIND,
        Feature.WEBSOCKET_APIS: NO_KIND,
    },
    {
        Feature.MAPPING_TEMPLATES: "nginx has no VTL mapping templates",
        Feature.INTEGRATION_RESPONSES: "nginx has no integration responses",
        Feature.MOCK_INTEGRATIONS: "nginx proxies to backends; it has no mock integrations",
        Feature.AWS_SERVICE_INTEGRATIONS: "nginx calls no AWS service APIs on a route's behalf",
        Feature.CANARY: "open-source nginx has no canary releases of a stage",
        Feature.EDGE_ENDPOINTS: "nginx has no edge-optimized (CloudFront) endpoints",
        Feature.PRIVATE_ENDPOINTS: "nginx has no private (VPC endpoint only) APIs; restrict its `listen`",
        Feature.ENHANCED_TLS_POLICIES: "API Gateway's SecurityPolicy_* names are not nginx's `ssl_protocols`",
        Feature.MUTUAL_TLS: "nginx checks client certificates against a CA file, not an S3 truststore",
        Feature.WEBSOCKET_APIS: "nginx routes WebSocket connections by path, not by message content "
        "(`route_selection`)",
    },
)


# Google Cloud Endpoints (ESP / ESPv2 in front of an HTTP backend), from "OpenAPI feature
# limitations" and "OpenAPI extensions" (cloud.google.com/endpoints/docs/openapi): Swagger 2.0
# only, an `x-google-backend` address per operation, API keys and JWT issuers, quotas per
# consumer project and minute; no caching, stages, mapping or mock integrations.
CLOUD_ENDPOINTS = Platform(
    "cloud-endpoints",
    {
        **{feature: frozenset(ApiKind) for feature in Feature},
        Feature.USAGE_PLAN_METHOD_THROTTLES: NO_KIND,
        Feature.CANARY: NO_KIND,
        Feature.MAPPING_TEMPLATES: NO_KIND,
        Feature.INTEGRATION_RESPONSES: NO_KIND,
        Feature.MOCK_INTEGRATIONS: NO_KIND,
        Feature.AWS_SERVICE_INTEGRATIONS: NO_KIND,
        Feature.API_KEY_SOURCE: NO_KIND,
        Feature.EDGE_ENDPOINTS: NO_KIND,
        Feature.PRIVATE_ENDPOINTS: NO_KIND,
        Feature.TLS_POLICIES: NO_KIND,
        Feature.ENHANCED_TLS_POLICIES: NO_KIND,
        Feature.MUTUAL_TLS: NO_KIND,
        Feature.WEBSOCKET_APIS: NO_KIND,
    },
    {
        Feature.USAGE_PLAN_METHOD_THROTTLES: "Cloud Endpoints counts a quota per metric and calling "
        "project, not per method of a plan",
        Feature.CANARY: "Cloud Endpoints has no canary releases (split traffic in Cloud Run or the "
        "load balancer)",
        Feature.MAPPING_TEMPLATES: "ESP passes requests through; it has no mapping templates",
        Feature.INTEGRATION_RESPONSES: "ESP passes responses through; it has no integration responses",
        Feature.MOCK_INTEGRATIONS: "ESP sends every operation to a backend address; it has no mock "
        "integrations",
        Feature.AWS_SERVICE_INTEGRATIONS: "ESP calls no AWS service APIs",
        Feature.API_KEY_SOURCE: "ESP reads API keys from the request, never from an authorizer",
        Feature.EDGE_ENDPOINTS: "Cloud Endpoints has no edge-optimized (CloudFront) endpoints",
        Feature.PRIVATE_ENDPOINTS: "Cloud Endpoints has no private (VPC endpoint only) APIs",
        Feature.TLS_POLICIES: "TLS versions are the load balancer's SSL policy, not the Endpoints document's",
        Feature.ENHANCED_TLS_POLICIES: "TLS versions are the load balancer's SSL policy, not the "
        "Endpoints document's",
        Feature.MUTUAL_TLS: "client certificates are checked by the load balancer, not the Endpoints "
        "document",
        Feature.WEBSOCKET_APIS: "Cloud Endpoints routes HTTP operations, not WebSocket messages by content",
    },
)


@dataclass(frozen=True)
class FeatureUse:
    """`subject` names the construct in a message (`route GET /x`, "stage `prod`")."""

    feature: Feature
    node: Node
    field: str | None
    subject: str


def vpc_link_version(link: VpcLink) -> int | None:
    """The version a link is: as written, else 2 when it names subnets, else 1; unknown for
    an existing link (`id`) whose version is not written."""
    if link.version is not None:
        return link.version
    if link.id is not None:
        return None
    return 2 if link.subnets else 1


def is_cognito(authorizer: Authorizer) -> bool:
    """A Cognito user pool, whether written `type = cognito` or `type = jwt` with a pool's
    issuer: REST APIs check such tokens with a COGNITO_USER_POOLS authorizer."""
    return authorizer.type is AuthorizerType.COGNITO or (
        authorizer.type is AuthorizerType.JWT and COGNITO_ISSUER.match(authorizer.issuer or "") is not None
    )


def feature_uses(api: Api) -> Iterator[FeatureUse]:
    """Every place `api` asks for a feature, in declaration-independent model order."""
    if api.kind is ApiKind.WEBSOCKET:
        yield FeatureUse(Feature.WEBSOCKET_APIS, api, "kind", f"api `{api.name}`")
    if api.endpoint is EndpointType.EDGE:
        yield FeatureUse(Feature.EDGE_ENDPOINTS, api, "endpoint", f"api `{api.name}`")
    if api.endpoint is EndpointType.PRIVATE:
        yield FeatureUse(Feature.PRIVATE_ENDPOINTS, api, "endpoint", f"api `{api.name}`")
    if api.binary_media_types:
        yield FeatureUse(Feature.BINARY_MEDIA_TYPES, api, "binary_media_types", f"api `{api.name}`")
    if api.api_key_source is not None:
        yield FeatureUse(Feature.API_KEY_SOURCE, api, "api_key_source", f"api `{api.name}`")
    for link in api.vpc_links:
        version = vpc_link_version(link)
        if version is not None:
            feature = Feature.VPC_LINKS_V1 if version == 1 else Feature.VPC_LINKS_V2
            yield FeatureUse(feature, link, "version" if link.version else None, f"vpc_link `{link.name}`")
    for authorizer in api.authorizers:
        if authorizer.type is AuthorizerType.JWT and not is_cognito(authorizer):
            yield FeatureUse(Feature.JWT_AUTHORIZERS, authorizer, "type", f"authorizer `{authorizer.name}`")
    for backend in api.backends:
        if backend.type is BackendType.MOCK:
            yield FeatureUse(Feature.MOCK_INTEGRATIONS, backend, "type", f"backend `{backend.name}`")
        if backend.type is BackendType.AWS:
            yield FeatureUse(Feature.AWS_SERVICE_INTEGRATIONS, backend, "type", f"backend `{backend.name}`")
    for policy in api.cors:
        subject = "the api-wide CORS policy" if policy.name is None else f"CORS policy `{policy.name}`"
        yield FeatureUse(Feature.CORS, policy, None, subject)
    api_wide_cors = any(policy.name is None for policy in api.cors)
    for route in api.routes:
        subject = f"route {route.label}"
        if route.asks_for_api_key:
            yield FeatureUse(Feature.API_KEYS, route, "auth", subject)
        if route.cache is not None:
            yield FeatureUse(Feature.ROUTE_CACHE, route.cache, None, subject)
        if route.request_templates:
            yield FeatureUse(Feature.MAPPING_TEMPLATES, route.request_templates[0], None, subject)
        if route.responses:
            yield FeatureUse(Feature.INTEGRATION_RESPONSES, route.responses[0], None, subject)
        if isinstance(route.cors, str) or (route.cors is False and api_wide_cors):
            yield FeatureUse(Feature.PER_ROUTE_CORS, route, "cors", subject)
    for plan in api.usage_plans:
        yield FeatureUse(Feature.USAGE_PLANS, plan, None, f"usage plan `{plan.name}`")
        for throttle in plan.method_throttles:
            yield FeatureUse(Feature.USAGE_PLAN_METHOD_THROTTLES, throttle, None, f"usage plan `{plan.name}`")
    for consumer in api.consumers:
        yield FeatureUse(Feature.API_KEYS, consumer, None, f"consumer `{consumer.name}`")
    for response in api.gateway_responses:
        yield FeatureUse(Feature.GATEWAY_RESPONSES, response, None, f"gateway response `{response.type}`")
    for stage in api.stages:
        subject = f"stage `{stage.name}`"
        if stage.tracing:
            yield FeatureUse(Feature.XRAY_TRACING, stage, "tracing", subject)
        if stage.cache is not None:
            yield FeatureUse(Feature.STAGE_CACHE, stage.cache, None, subject)
        if stage.canary is not None:
            yield FeatureUse(Feature.CANARY, stage.canary, None, subject)
    for domain in api.domains:
        if domain.endpoint is EndpointType.EDGE:
            yield FeatureUse(Feature.EDGE_ENDPOINTS, domain, "endpoint", f"domain `{domain.host}`")
        if domain.endpoint is EndpointType.PRIVATE:
            yield FeatureUse(Feature.PRIVATE_ENDPOINTS, domain, "endpoint", f"domain `{domain.host}`")
        if domain.tls_policy and domain.tls_policy.startswith("SecurityPolicy_"):
            yield FeatureUse(Feature.ENHANCED_TLS_POLICIES, domain, "tls_policy", f"domain `{domain.host}`")
        elif domain.tls_policy:
            yield FeatureUse(Feature.TLS_POLICIES, domain, "tls_policy", f"domain `{domain.host}`")
        if domain.mtls_truststore:
            yield FeatureUse(Feature.MUTUAL_TLS, domain, "mtls_truststore", f"domain `{domain.host}`")


def unsupported_uses(api: Api, platform: Platform) -> Iterator[FeatureUse]:
    """The uses `platform` refuses for this api's kind, each (feature, place) once: routes that
    inherit one `auth` line share its span and are reported there once."""
    seen: set[tuple[Feature, object]] = set()
    for use in feature_uses(api):
        if platform.supports(use.feature, api.kind):
            continue
        key = (use.feature, use.node.span_of(use.field) if use.field else use.node.span)
        if key not in seen:
            seen.add(key)
            yield use


def explain(use: FeatureUse, api: Api, platform: Platform) -> str:
    """`route GET /x: HTTP APIs have no response caching on Amazon API Gateway (REST APIs do)`."""
    if use.feature in platform.limits:
        return f"{use.subject}: {platform.limits[use.feature]}"
    kinds = sorted(KIND_NAME[k] for k in platform.support[use.feature])
    having = f" ({' and '.join(kinds)} APIs do)" if kinds else ""
    return f"{use.subject}: {KIND_NAME[api.kind]} APIs have no {use.feature} on {platform.name}{having}"
