"""One api as an OpenAPI 3.0 document (a dict): the model, in OpenAPI's words where it has
them, API Gateway's `x-amazon-apigateway-*` where API Gateway's import reads them, `x-apic-*`
for the rest.

Loading the document with apic gives the same model: the OpenAPI frontend reads x-apic-*
first, and an `x-amazon-apigateway-integration` beside `x-apic-backend` as API Gateway's copy
(docs/openapi.md). What the document cannot carry is refused on the construct (TG001); a
model without source positions (a generated one) raises `NotExpressible` instead, so a
caller never gets a silently poorer document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apic.compiler import codes
from apic.compiler.apigateway import source_text
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import (
    Api,
    AuthKind,
    Authorizer,
    AuthorizerType,
    EnvRef,
    GatewayModel,
    HttpMethod,
    Node,
    Route,
    SourceKind,
    ValidationMode,
)
from apic.targets.base import Reporter

PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


class NotExpressible(ValueError):
    """The model uses something the document cannot carry (and has no position to say where)."""


VALIDATORS = {
    ValidationMode.FULL: ("full", True, True),
    ValidationMode.BODY: ("body", True, False),
    ValidationMode.PARAMS: ("params", False, True),
    ValidationMode.NONE: ("none", False, False),
}


@dataclass
class Output(Reporter):
    """Where refusals go: a TG001 on the construct, or NotExpressible for a model without
    positions."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    once_per_place: ClassVar[bool] = True  # routes sharing a backend or link: one finding there

    def refuse(self, node: Node, field_name: str | None, message: str) -> None:
        span = (node.span_of(field_name) if field_name else None) or node.span
        if span is None:
            raise NotExpressible(message)
        self.record(codes.TARGET_UNSUPPORTED(span, message))


def print_openapi(model: GatewayModel) -> dict[str, Any]:
    """The single api of `model` as a document; NotExpressible for anything it cannot carry."""
    if len(model.apis) != 1:
        raise NotExpressible("an OpenAPI document describes exactly one api")
    out = Output()
    document = api_document(model.apis[0], out)
    if out.diagnostics:
        raise NotExpressible(out.diagnostics[0].message)
    return document


def api_document(api: Api, out: Output, operation_extras: Any = None) -> dict[str, Any]:
    """The document; `operation_extras(route, method, operation)` adds what a flavor adds to
    each operation (API Gateway's integration)."""
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": api.name, "version": "1"}}
    if api.description is not None:
        doc["info"]["description"] = api.description
    doc["x-apic-kind"] = api.kind.value
    for key, value in (("x-apic-region", api.region), ("x-apic-tags", api.tags)):
        if value is not None:
            doc[key] = value
    if api.route_selection is not None:
        out.refuse(api, "route_selection", f"api `{api.name}`: OpenAPI has no WebSocket route selection")
    if api.endpoint is not None or api.disable_execute_api_endpoint is not None:
        config: dict[str, Any] = {}
        if api.endpoint is not None:
            config["types"] = [api.endpoint.value.upper()]
        if api.disable_execute_api_endpoint is not None:
            config["disableExecuteApiEndpoint"] = api.disable_execute_api_endpoint
        doc["servers"] = [{"url": "/", "x-amazon-apigateway-endpoint-configuration": config}]
    if api.binary_media_types:
        doc["x-amazon-apigateway-binary-media-types"] = list(api.binary_media_types)
    if api.api_key_source is not None:
        doc["x-amazon-apigateway-api-key-source"] = api.api_key_source.upper()
    if api.cors:
        doc["x-apic-cors"] = {(c.name or ""): cors_policy(c) for c in api.cors}
    extensions(doc, api, out)
    schemes = security_schemes(api, out)
    if schemes:
        doc["components"] = {"securitySchemes": schemes}
    validators = sorted({r.validate for r in api.routes if r.validate is not None}, key=lambda v: v.value)
    if validators:
        doc["x-amazon-apigateway-request-validators"] = {
            VALIDATORS[v][0]: {
                "validateRequestBody": VALIDATORS[v][1],
                "validateRequestParameters": VALIDATORS[v][2],
            }
            for v in validators
        }
    if api.gateway_responses:
        doc["x-amazon-apigateway-gateway-responses"] = {
            g.type: dropped(
                {
                    "statusCode": g.status,
                    "responseParameters": {
                        f"gatewayresponse.header.{h}": source_text(s) for h, s in g.headers.items()
                    }
                    if g.headers is not None
                    else None,
                    "responseTemplates": {t.content_type: t.text for t in g.templates} or None,
                }
            )
            for g in api.gateway_responses
        }
    paths: dict[str, dict[str, Any]] = {}
    for route in api.routes:
        item = paths.setdefault(route.path, {})
        for method in route.methods:
            key = "x-amazon-apigateway-any-method" if method is HttpMethod.ANY else method.value.lower()
            if key in item:
                out.refuse(route, "methods", f"{route.label}: another route has {method.value} {route.path}")
                continue
            written = operation(route, out, several=len(route.methods) > 1, method=method)
            if operation_extras is not None:
                operation_extras(route, method, written)
            item[key] = written
    doc["paths"] = paths
    return doc


def cors_policy(c: Any) -> dict[str, Any]:
    return dropped(
        {
            "allow_origins": list(c.allow_origins) or None,
            "allow_methods": list(c.allow_methods) or None,
            "allow_headers": list(c.allow_headers) or None,
            "expose_headers": list(c.expose_headers) or None,
            "allow_credentials": c.allow_credentials,
            "max_age": c.max_age and str(c.max_age),
        }
    )


def dropped(values: dict[str, Any]) -> dict[str, Any]:
    """Unset fields are left out; an empty map or list is kept, because `{}` is not unset."""
    return {k: v for k, v in values.items() if v is not None}


def throttle(t: Any) -> dict[str, Any] | None:
    return None if t is None else dropped({"rate": t.rate and str(t.rate), "burst": t.burst})


def extensions(doc: dict[str, Any], api: Api, out: Output) -> None:
    if api.vpc_links:
        doc["x-apic-vpc-links"] = {
            v.name: dropped(
                {
                    "version": v.version,
                    "target": v.target,
                    "id": v.id,
                    "subnets": list(v.subnets),
                    "security_groups": list(v.security_groups),
                }
            )
            for v in api.vpc_links
        }
    if api.backends:
        doc["x-apic-backends"] = {
            b.name: dropped(
                {
                    "url": b.url,
                    "vpc_link": b.vpc_link,
                    "type": b.type and b.type.value,
                    "function": b.function,
                    "uri": b.uri,
                    "credentials": b.credentials,
                    "timeout": b.timeout and str(b.timeout),
                    "tls_verify": b.tls_verify,
                    "k8s": b.k8s
                    and dropped({"service": b.k8s.service, "namespace": b.k8s.namespace, "port": b.k8s.port}),
                    "health_check": b.health_check
                    and dropped(
                        {
                            "path": b.health_check.path,
                            "interval": b.health_check.interval and str(b.health_check.interval),
                            "timeout": b.health_check.timeout and str(b.health_check.timeout),
                            "healthy": b.health_check.healthy,
                            "unhealthy": b.health_check.unhealthy,
                        }
                    ),
                }
            )
            for b in api.backends
        }
    if api.stages:
        doc["x-apic-stages"] = {
            s.name: dropped(
                {
                    "variables": s.variables,
                    "tracing": s.tracing,
                    "throttle": throttle(s.throttle),
                    "cache": s.cache
                    and dropped(
                        {
                            "size": s.cache.size and str(s.cache.size),
                            "ttl": s.cache.ttl and str(s.cache.ttl),
                            "encrypted": s.cache.encrypted,
                        }
                    ),
                    "canary": s.canary
                    and dropped(
                        {
                            "percent": s.canary.percent and str(s.canary.percent),
                            "variables": s.canary.variables,
                            "use_stage_cache": s.canary.use_stage_cache,
                        }
                    ),
                    "access_log": s.access_log
                    and dropped({"destination": s.access_log.destination, "format": s.access_log.format}),
                    "logging": s.logging and s.logging.value,
                    "metrics": s.metrics,
                    "tags": s.tags,
                }
            )
            for s in api.stages
        }
    if api.usage_plans:
        doc["x-apic-usage-plans"] = {
            p.name: dropped(
                {
                    "stages": list(p.stages) or None,
                    "throttle": throttle(p.throttle),
                    "quota": p.quota and str(p.quota),
                    "method_throttles": [
                        dropped(
                            {
                                "method": m.method.value,
                                "path": m.path,
                                "rate": m.rate and str(m.rate),
                                "burst": m.burst,
                            }
                        )
                        for m in p.method_throttles
                    ],
                }
            )
            | {"stages": list(p.stages)}
            for p in api.usage_plans
        }
    if api.consumers:
        doc["x-apic-consumers"] = {
            c.name: dropped(
                {
                    "plan": c.plan,
                    "api_key": {"env": c.api_key.name} if isinstance(c.api_key, EnvRef) else c.api_key,
                    "enabled": c.enabled,
                }
            )
            for c in api.consumers
        }
    if api.domains:
        doc["x-apic-domains"] = {}
        for d in api.domains:
            paths = {m.base_path: m.stage for m in d.base_paths}
            if len(paths) != len(d.base_paths):
                out.refuse(d, "base_paths", f"domain `{d.host}` maps one base path twice")
            doc["x-apic-domains"][d.host] = dropped(
                {
                    "certificate": d.certificate,
                    "certificate_names": list(d.certificate_names)
                    if d.certificate_names is not None
                    else None,
                    "endpoint": d.endpoint and d.endpoint.value,
                    "tls_policy": d.tls_policy,
                    "mtls_truststore": d.mtls_truststore,
                    "route53": d.route53
                    and dropped(
                        {"zone": d.route53.zone, "zone_id": d.route53.zone_id, "ipv6": d.route53.ipv6}
                    ),
                    "base_paths": paths,
                }
            )
            if d.certificate_names == ():
                doc["x-apic-domains"][d.host]["certificate_names"] = []
    if api.tracing is not None:
        t = api.tracing
        doc["x-apic-tracing"] = dropped(
            {
                "default": t.default
                and dropped(
                    {"rate": t.default.rate and str(t.default.rate), "fixed_target": t.default.fixed_target}
                ),
                "exclude_healthchecks": t.exclude_healthchecks,
                "rules": {
                    r.name: dropped(
                        {
                            "priority": r.priority,
                            "method": r.method and r.method.value,
                            "path": r.path,
                            "host": r.host,
                            "rate": r.rate and str(r.rate),
                            "fixed_target": r.fixed_target,
                        }
                    )
                    for r in t.rules
                },
            }
        )


def security_schemes(api: Api, out: Output) -> dict[str, Any]:
    schemes: dict[str, Any] = {}
    kinds = {a.kind for route in api.routes for alt in route.auth for a in alt}
    if AuthKind.API_KEY in kinds:
        schemes["x-api-key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    if AuthKind.IAM in kinds:
        schemes["sigv4"] = {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4",
        }
    for authorizer in api.authorizers:
        if authorizer.name in ("x-api-key", "sigv4"):
            out.refuse(
                authorizer, "name", f"authorizer `{authorizer.name}` is named like a built-in security scheme"
            )
            continue
        written = scheme(authorizer, out)
        if written is not None:
            schemes[authorizer.name] = written
    return schemes


def scheme(a: Authorizer, out: Output) -> dict[str, Any] | None:
    def aws(kind: str, **fields: Any) -> dict[str, Any]:
        config = {"type": kind, **{k: v for k, v in fields.items() if v is not None}}
        if a.identity_source:
            config["identitySource"] = ", ".join(source_text(s) for s in a.identity_source)
        if a.ttl is not None:
            if a.ttl.milliseconds % 1000:
                out.refuse(a, "ttl", f"authorizer `{a.name}`: API Gateway caches results for whole seconds")
            config["authorizerResultTtlInSeconds"] = int(a.ttl.milliseconds // 1000)
        return {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authorizer": config,
        }

    if a.type is AuthorizerType.LAMBDA and not (a.issuer or a.audience or a.scopes):
        if a.payload is None:
            out.refuse(a, None, f"Lambda authorizer `{a.name}` needs `payload` (token or request)")
            return None
        uri = (
            None
            if a.function is None
            else (f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{a.function}/invocations")
        )
        return aws(a.payload.value, authorizerUri=uri)
    if a.type is AuthorizerType.JWT and not (a.function or a.scopes or a.payload):
        return aws("jwt", jwtConfiguration={"issuer": a.issuer, "audience": list(a.audience)})
    simple = not (a.function or a.payload or a.audience or a.identity_source or a.ttl)
    if a.type is AuthorizerType.OAUTH2 and simple and not a.issuer:
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "https://example.com/token",
                    "scopes": {s: s for s in a.scopes},
                }
            },
        }
    if a.type is AuthorizerType.OIDC and simple and not a.scopes and a.issuer:
        return {"type": "openIdConnect", "openIdConnectUrl": f"{a.issuer}/.well-known/openid-configuration"}
    if (
        a.type is AuthorizerType.API_KEY
        and len(a.identity_source) == 1
        and not (a.function or a.payload or a.audience or a.ttl or a.scopes or a.issuer)
    ):
        (source,) = a.identity_source
        if source.kind in (SourceKind.HEADER, SourceKind.QUERY) and source.name.lower() != "x-api-key":
            return {
                "type": "apiKey",
                "name": source.name,
                "in": "header" if source.kind is SourceKind.HEADER else "query",
            }
    if a.type in (AuthorizerType.BEARER, AuthorizerType.BASIC) and simple and not (a.scopes or a.issuer):
        return {"type": "http", "scheme": a.type.value}
    out.refuse(
        a, "type", f"authorizer `{a.name}` of type {a.type.value} with these fields has no OpenAPI form"
    )
    return None


def operation(
    route: Route, out: Output, *, several: bool = False, method: HttpMethod | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if route.operation_id is not None:
        suffix = f"_{method.value.lower()}" if several and method is not None else ""
        op["operationId"] = route.operation_id + suffix
    if route.tags:
        if any(v != "" for v in route.tags.values()):
            out.refuse(route, "tags", f"{route.label}: OpenAPI tags have names only, not values")
        op["tags"] = list(route.tags)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in PATH_PARAMETER.findall(route.path)
    ]
    for where, declared in (("query", route.query_params), ("header", route.header_params)):
        for p in declared:
            schema = dropped(
                {
                    "type": p.type and p.type.value,
                    "enum": list(p.enum) if p.enum else None,
                    "default": p.default,
                }
            )
            if p.enum == ():
                out.refuse(p, "enum", f"{route.label}: parameter `{p.name}` has an empty enum")
            entry: dict[str, Any] = {"name": p.name, "in": where, "schema": schema}
            if p.required is not None:
                entry["required"] = p.required
            parameters.append(entry)
    if parameters:
        op["parameters"] = parameters
    if route.auth:
        op["security"] = requirements(route, out)
    if route.backend is not None:
        op["x-apic-backend"] = route.backend
    if route.timeout is not None:
        op["x-apic-timeout"] = str(route.timeout)
    if route.upstream_path is not None:
        op["x-apic-upstream-path"] = route.upstream_path
    if route.healthcheck:
        op["x-apic-healthcheck"] = True
    if route.throttle is not None:
        op["x-apic-throttle"] = throttle(route.throttle)
    if route.cors is not None:
        op["x-apic-cors"] = route.cors
    if route.cache is not None:
        op["x-apic-cache"] = dropped(
            {
                "ttl": route.cache.ttl and str(route.cache.ttl),
                "keys": [source_text(k) for k in route.cache.keys] or None,
                "encrypted": route.cache.encrypted,
                "path_keys": route.cache.path_keys,
            }
        )
    if route.validate is not None:
        op["x-amazon-apigateway-request-validator"] = VALIDATORS[route.validate][0]
    return op


def requirements(route: Route, out: Output) -> list[dict[str, list[str]]]:
    if (
        len(route.auth) == 1
        and route.auth[0] == (route.auth[0][0],)
        and route.auth[0][0].kind is AuthKind.NONE
    ):
        return []
    written = []
    for alternative in route.auth:
        requirement: dict[str, list[str]] = {}
        for r in alternative:
            if r.kind is AuthKind.NONE:
                if len(alternative) != 1:
                    out.refuse(route, "auth", f"{route.label}: `none` together with other requirements")
                continue
            name = {AuthKind.API_KEY: "x-api-key", AuthKind.IAM: "sigv4"}.get(r.kind, r.authorizer)
            if name in requirement:
                out.refuse(route, "auth", f"{route.label}: one scheme twice in a requirement")
                continue
            requirement[str(name)] = list(r.scopes)
        written.append(requirement)
    return written
