"""GatewayModel -> an OpenAPI 3.0 document (a dict), for the subset OpenAPI can carry.

The inverse of the OpenAPI frontend: loading the result gives the same model. Security
becomes security schemes and requirement objects; AWS behaviour becomes the
`x-amazon-apigateway-*` extensions; the rest becomes `x-apic-*`. What the subset leaves out
(routes with several methods, integration mappings beyond `x-apic-*`) raises
`NotExpressible`, so a caller never gets a silently poorer document.
"""

from __future__ import annotations

from typing import Any

from apic.compiler.apigateway import source_text
from apic.compiler.frontends.dsl.paths import PARAM
from apic.compiler.model import (
    Api,
    AuthKind,
    Authorizer,
    AuthorizerType,
    EnvRef,
    GatewayModel,
    HttpMethod,
    Route,
    SourceKind,
    ValidationMode,
)


class NotExpressible(ValueError):
    """The model uses something this printer cannot put into OpenAPI."""


VALIDATORS = {
    ValidationMode.FULL: ("full", True, True),
    ValidationMode.BODY: ("body", True, False),
    ValidationMode.PARAMS: ("params", False, True),
    ValidationMode.NONE: ("none", False, False),
}


def print_openapi(model: GatewayModel) -> dict[str, Any]:
    if len(model.apis) != 1:
        raise NotExpressible("an OpenAPI document describes exactly one api")
    return api_document(model.apis[0])


def api_document(api: Api) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": api.name, "version": "1"}}
    if api.description is not None:
        doc["info"]["description"] = api.description
    doc["x-apic-kind"] = api.kind.value
    for key, value in (("x-apic-region", api.region), ("x-apic-tags", api.tags)):
        if value is not None:
            doc[key] = value
    if api.route_selection is not None:
        raise NotExpressible("route_selection")
    if api.endpoint is not None or api.disable_execute_api_endpoint is not None:
        config: dict[str, Any] = {}
        if api.endpoint is not None:
            config["types"] = [api.endpoint.value.upper()]
        if api.disable_execute_api_endpoint is not None:
            if api.endpoint is None:
                raise NotExpressible("disable_execute_api_endpoint without an endpoint type")
            config["disableExecuteApiEndpoint"] = api.disable_execute_api_endpoint
        doc["servers"] = [{"url": "/", "x-amazon-apigateway-endpoint-configuration": config}]
    if api.binary_media_types:
        doc["x-amazon-apigateway-binary-media-types"] = list(api.binary_media_types)
    if api.api_key_source is not None:
        doc["x-amazon-apigateway-api-key-source"] = api.api_key_source.upper()
    if api.cors:
        raise NotExpressible("cors")
    extensions(doc, api)
    schemes = security_schemes(api)
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
            g.type: {
                k: v
                for k, v in {
                    "statusCode": g.status,
                    "responseParameters": {
                        f"gatewayresponse.header.{h}": source_text(s) for h, s in g.headers.items()
                    }
                    if g.headers is not None
                    else None,
                    "responseTemplates": {t.content_type: t.text for t in g.templates} or None,
                }.items()
                if v is not None
            }
            for g in api.gateway_responses
        }
    paths: dict[str, dict[str, Any]] = {}
    for route in api.routes:
        if len(route.methods) != 1:
            raise NotExpressible("a route with several methods")
        (method,) = route.methods
        key = "x-amazon-apigateway-any-method" if method is HttpMethod.ANY else method.value.lower()
        item = paths.setdefault(route.path, {})
        if key in item:
            raise NotExpressible("two routes with one method and path")
        item[key] = operation(route)
    doc["paths"] = paths
    return doc


def extensions(doc: dict[str, Any], api: Api) -> None:
    def dropped(values: dict[str, Any]) -> dict[str, Any]:
        """Unset fields are left out; an empty map or list is kept, because `{}` is not unset."""
        return {k: v for k, v in values.items() if v is not None}

    def throttle(t: Any) -> dict[str, Any] | None:
        return None if t is None else dropped({"rate": t.rate and str(t.rate), "burst": t.burst})

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
                raise NotExpressible("the same base path twice")
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


def security_schemes(api: Api) -> dict[str, Any]:
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
            raise NotExpressible("an authorizer named like a built-in scheme")
        schemes[authorizer.name] = scheme(authorizer)
    return schemes


def scheme(a: Authorizer) -> dict[str, Any]:
    def aws(kind: str, **fields: Any) -> dict[str, Any]:
        config = {"type": kind, **{k: v for k, v in fields.items() if v is not None}}
        if a.identity_source:
            config["identitySource"] = ", ".join(source_text(s) for s in a.identity_source)
        if a.ttl is not None:
            if a.ttl.milliseconds % 1000:
                raise NotExpressible("an authorizer TTL that is not whole seconds")
            config["authorizerResultTtlInSeconds"] = int(a.ttl.milliseconds // 1000)
        return {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authorizer": config,
        }

    if a.type is AuthorizerType.LAMBDA and not (a.issuer or a.audience or a.scopes):
        if a.payload is None:
            raise NotExpressible("a Lambda authorizer without payload")
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
    raise NotExpressible(f"authorizer {a.name} of type {a.type.value} with these fields")


def operation(route: Route) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if route.operation_id is not None:
        op["operationId"] = route.operation_id
    if route.tags:
        if any(v != "" for v in route.tags.values()):
            raise NotExpressible("route tags with values")
        op["tags"] = list(route.tags)
    parameters = [
        {"name": m.group(1) + m.group(2), "in": "path", "required": True, "schema": {"type": "string"}}
        for m in PARAM.finditer(route.path)
    ]
    for where, declared in (("query", route.query_params), ("header", route.header_params)):
        for p in declared:
            schema = {
                k: v
                for k, v in {
                    "type": p.type and p.type.value,
                    "enum": list(p.enum) if p.enum else None,
                    "default": p.default,
                }.items()
                if v is not None
            }
            if p.enum == ():
                raise NotExpressible("an empty enum")
            entry: dict[str, Any] = {"name": p.name, "in": where, "schema": schema}
            if p.required is not None:
                entry["required"] = p.required
            parameters.append(entry)
    if parameters:
        op["parameters"] = parameters
    if route.auth:
        requirements = []
        for alternative in route.auth:
            if (
                alternative == (alternative[0],)
                and alternative[0].kind is AuthKind.NONE
                and len(route.auth) == 1
            ):
                op["security"] = []
                break
            requirement: dict[str, list[str]] = {}
            for r in alternative:
                if r.kind is AuthKind.NONE:
                    if len(alternative) != 1:
                        raise NotExpressible("none together with other requirements")
                    continue
                name = {AuthKind.API_KEY: "x-api-key", AuthKind.IAM: "sigv4"}.get(r.kind, r.authorizer)
                if name in requirement:
                    raise NotExpressible("one scheme twice in a requirement")
                requirement[str(name)] = list(r.scopes)
            requirements.append(requirement)
        else:
            op["security"] = requirements
    if route.backend is not None:
        op["x-apic-backend"] = route.backend
    if route.timeout is not None:
        op["x-apic-timeout"] = str(route.timeout)
    if route.upstream_path is not None:
        op["x-apic-upstream-path"] = route.upstream_path
    if route.healthcheck:
        op["x-apic-healthcheck"] = True
    if route.throttle is not None:
        op["x-apic-throttle"] = {
            k: v
            for k, v in {
                "rate": route.throttle.rate and str(route.throttle.rate),
                "burst": route.throttle.burst,
            }.items()
            if v is not None
        }
    if route.validate is not None:
        op["x-amazon-apigateway-request-validator"] = VALIDATORS[route.validate][0]
    if (
        route.upstream_method
        or route.forward
        or route.cache
        or route.request_templates
        or route.responses
        or route.cors is not None
    ):
        raise NotExpressible("integration details outside the x-apic-* subset")
    return op
