"""HTTP and WebSocket APIs (`AWS::ApiGatewayV2::*`).

HTTP APIs lack much of what REST APIs have (targets.md, fact 2): the capability table
(`compiler/capabilities.py`) refuses every such construct on its own span before anything is
written, so this emitter handles only what HTTP and WebSocket APIs can say, plus the
per-construct checks the table cannot express (timeouts, proxy templates, domain policies).
"""

from __future__ import annotations

import json

from apic.compiler import codes
from apic.compiler.apigateway import http_request_parameters, http_source_text, stage_variables_in
from apic.compiler.model import (
    Api,
    ApiKind,
    AuthorizerType,
    BackendType,
    HttpMethod,
    ParamSource,
    Route,
    SourceKind,
    Stage,
    ValidationMode,
)
from apic.compiler.model.base import Node
from apic.compiler.plan.auth import CheckKind, auth_decision
from apic.compiler.plan.consumers import key_plan
from apic.compiler.plan.upstream import effective_timeout, upstream_template
from apic.targets.cfn import common
from apic.targets.cfn.template import (
    Json,
    Name,
    Template,
    get_att,
    host_name,
    label_name,
    path_name,
    ref,
    route_key_name,
    short_hash,
    sub,
)
from apic.targets.cfn.usage import usage_plans

HTTP_TIMEOUT_MAX_MS = 30_000
V2_LOCATIONS = {SourceKind.HEADER: "header", SourceKind.QUERY: "querystring", SourceKind.PATH: "path"}


class V2Emitter:
    def __init__(self, api: Api, template: Template) -> None:
        self.api = api
        self.t = template
        self.name = api.name
        self.label = label_name(api.name)
        self.http = api.kind is ApiKind.HTTP
        self.api_id = template.allocate(f"{api.name}:api", label_name(api.name), "Api")
        self.routes: list[str] = []
        self.snapshot: list[str] = []
        self.authorizer_ids: dict[str, str] = {}
        self.integration_ids: dict[str, str] = {}
        self.link_ids: dict[str, Json] = {}

    def unsupported(self, node: object, field: str | None, message: str, help: str | None = None) -> None:
        self.t.report(codes.TARGET_UNSUPPORTED, node, field, message, help=help)  # type: ignore[arg-type]

    def emit(self) -> None:
        self.check_tracing()
        self.v2_api()
        self.vpc_links()
        self.authorizers()
        for route in self.api.routes:
            self.route(route)
        deployment = self.deployment()
        stages = {s.name: self.stage(s, deployment) for s in self.api.stages}
        if not self.http:
            usage_plans(self.t, self.api, self.api_id, stages)  # HTTP's are refused by the table
        self.domains(stages)
        self.t.output(
            f"{self.api_id}Id", f"id of the {self.api.kind.value} API {self.name}", ref(self.api_id)
        )

    def kind_name(self) -> str:
        return "HTTP APIs" if self.http else "WebSocket APIs"

    def check_tracing(self) -> None:
        """Sampling rules are for API Gateway's own segments, which only REST stages send; the
        services behind an HTTP or WebSocket API get them from the `xray` target."""
        if self.api.tracing is not None:
            self.t.report(
                codes.TARGET_APPROXIMATION,
                self.api.tracing,
                None,
                f"{self.kind_name()} send no traces to X-Ray, so the sampling rules of `{self.name}` "
                "are not written to the template",
                help="`apic compile --target xray` writes them for the services' X-Ray SDKs",
            )

    def v2_api(self) -> None:
        api = self.api
        properties: dict[str, Json] = {
            "Name": api.name,
            "ProtocolType": "HTTP" if self.http else "WEBSOCKET",
            "Description": api.description,
            "DisableExecuteApiEndpoint": api.disable_execute_api_endpoint,
            "Tags": common.tag_map(dict(api.tags) if api.tags else None),
        }
        if not self.http:
            properties["RouteSelectionExpression"] = api.route_selection or "$request.body.action"
            keys = key_plan(api)
            if keys.required_by_a_route:
                properties["ApiKeySelectionExpression"] = f"$request.header.{keys.header}"
        policy = next((c for c in api.cors if c.name is None), None)
        if self.http and policy is not None:
            properties["CorsConfiguration"] = {  # unset values are pruned by Template.add
                "AllowOrigins": list(policy.allow_origins) or None,
                "AllowMethods": list(policy.allow_methods) or None,
                "AllowHeaders": list(policy.allow_headers) or None,
                "ExposeHeaders": list(policy.expose_headers) or None,
                "AllowCredentials": policy.allow_credentials,
                "MaxAge": common.seconds(policy.max_age.seconds) if policy.max_age else None,
            }
        self.t.add(self.api_id, "AWS::ApiGatewayV2::Api", properties)

    def vpc_links(self) -> None:
        """HTTP APIs take version 2 links, WebSocket APIs version 1 links to an NLB (the
        capability table refuses the other version, and then nothing is written)."""
        for link in self.api.vpc_links:
            connection = common.vpc_link(self.t, self.name, link)
            if connection is not None:
                self.link_ids[link.name] = connection

    def authorizers(self) -> None:
        for a in self.api.authorizers:
            logical = self.t.allocate(
                f"{self.name}:authorizer:{a.name}", self.label, "Authorizer", label_name(a.name)
            )
            properties: dict[str, Json] = {"ApiId": ref(self.api_id), "Name": a.name}
            sources = [self.identity(s) for s in a.identity_source]
            if a.type in (AuthorizerType.JWT, AuthorizerType.COGNITO) and self.http:
                if a.issuer is None:
                    self.t.report(
                        codes.TARGET_MISSING_FIELD, a, None, f"JWT authorizer `{a.name}` needs `issuer`"
                    )
                    continue
                properties |= {
                    "AuthorizerType": "JWT",
                    "IdentitySource": sources or ["$request.header.Authorization"],
                    "JwtConfiguration": {"Issuer": a.issuer, "Audience": list(a.audience) or None},
                }
            elif a.type is AuthorizerType.LAMBDA:
                if a.function is None:
                    self.t.report(
                        codes.TARGET_MISSING_FIELD, a, None, f"Lambda authorizer `{a.name}` needs `function`"
                    )
                    continue
                properties |= {
                    "AuthorizerType": "REQUEST",
                    "AuthorizerUri": common.lambda_uri(self.t, a.function),
                    "IdentitySource": sources or None,
                    "AuthorizerResultTtlInSeconds": common.seconds(a.ttl.seconds)
                    if a.ttl and self.http
                    else None,
                    "AuthorizerPayloadFormatVersion": "2.0" if self.http else None,
                }
                self.permission(a.function, a)
            elif a.type is AuthorizerType.IAM:
                continue
            else:
                if any(
                    r.authorizer == a.name for route in self.api.routes for alt in route.auth for r in alt
                ):
                    self.unsupported(
                        a,
                        "type",
                        f"authorizer `{a.name}` is `{a.type.value}`: {self.kind_name()} enforce JWT, "
                        "Lambda and IAM authorization only",
                    )
                continue
            self.t.add(logical, "AWS::ApiGatewayV2::Authorizer", properties)
            self.authorizer_ids[a.name] = logical

    def identity(self, source: ParamSource) -> str:
        """A request value in this API's own syntax: `$request.header.x` on HTTP APIs,
        `route.request.header.x` on WebSocket APIs (whose requests have no method request)."""
        if self.http:
            return http_source_text(source)
        if source.kind is SourceKind.STATIC:
            return f"'{source.name}'"
        return {
            SourceKind.HEADER: "route.request.header.",
            SourceKind.QUERY: "route.request.querystring.",
            SourceKind.CONTEXT: "context.",
            SourceKind.STAGE_VARIABLE: "stageVariables.",
        }.get(source.kind, "") + source.name

    def permission(self, function: str, owner: Node) -> None:
        common.grant_invoke(self.t, self.name, self.api_id, function, owner)

    # --- routes and integrations --------------------------------------------------------
    def route(self, route: Route) -> None:
        auth = self.route_auth(route)
        integration = self.integration(route)
        if auth is None or integration is None:
            return
        keys: list[tuple[str, tuple[str | Name, ...]]] = [
            (f"{m.value} {route.path}", (path_name(route.path), m.value)) for m in route.methods
        ]
        if not route.methods or (self.http and route.path == "$default"):
            keys = [(route.path, (route_key_name(route.path),))]
        for key, parts in keys:
            logical = self.t.allocate(f"{self.name}:route:{key}", self.label, "Route", *parts)
            self.t.add(
                logical,
                "AWS::ApiGatewayV2::Route",
                {
                    "ApiId": ref(self.api_id),
                    "RouteKey": key,
                    **auth,
                    "OperationName": route.operation_id,
                    "Target": sub("integrations/${%s}", integration),
                },
            )
            self.routes.append(logical)
            self.snapshot.append(logical)

    def route_auth(self, route: Route) -> dict[str, Json] | None:
        if len(route.auth) > 1:
            self.unsupported(
                route,
                "auth",
                f"{route.label} accepts alternatives: an API Gateway route takes exactly one authorization",
            )
            return None
        decision = auth_decision(self.api, route)
        alternative = decision.alternatives[0] if decision.alternatives else None
        result: dict[str, Json] = {"AuthorizationType": "NONE"}
        if alternative is None:
            return result
        if alternative.api_key:
            result["ApiKeyRequired"] = True  # WebSocket only: the capability table refuses HTTP
        if len(alternative.checks) > 1:
            self.unsupported(
                route, "auth", f"{route.label} requires several authorizations: a route takes one"
            )
            return None
        if not alternative.checks:
            return result
        check = alternative.checks[0]
        if check.kind is CheckKind.IAM:
            result["AuthorizationType"] = "AWS_IAM"
            return result
        authorizer = check.authorizer
        if authorizer is None or authorizer.name not in self.authorizer_ids:
            return None  # reported on the authorizer
        # decided from the model, as authorizers() decides it: never read back from the output
        jwt = self.http and authorizer.type in (AuthorizerType.JWT, AuthorizerType.COGNITO)
        result["AuthorizationType"] = "JWT" if jwt else "CUSTOM"
        result["AuthorizerId"] = ref(self.authorizer_ids[authorizer.name])
        if jwt and check.scopes:
            result["AuthorizationScopes"] = list(check.scopes)
        return result

    def integration(self, route: Route) -> str | None:
        backend = self.api.backend(route.backend)
        if backend is None:
            self.t.report(
                codes.TARGET_MISSING_FIELD,
                route,
                "backend",
                f"{route.label} has no backend: an API Gateway route needs an integration",
                help="set `backend` on the route, its group or the api's defaults",
            )
            return None
        timeout = effective_timeout(self.api, route)
        if timeout is not None and self.http and timeout.milliseconds > HTTP_TIMEOUT_MAX_MS:
            self.unsupported(
                route, "timeout", f"{route.label}: HTTP API integrations time out at 30s at most"
            )
            return None
        properties: dict[str, Json] = {
            "ApiId": ref(self.api_id),
            "TimeoutInMillis": int(timeout.milliseconds) if timeout else None,
        }
        kind = backend.type
        if self.http and route.validate not in (None, ValidationMode.NONE):
            self.t.report(
                codes.TARGET_APPROXIMATION,
                route,
                "validate",
                f"HTTP APIs do not validate requests; `validate = {route.validate.value}` is not enforced",
            )
        if route.request_templates and kind not in (BackendType.AWS, BackendType.MOCK):
            # a proxy integration passes the message through: a template would be dropped
            self.unsupported(
                route,
                None,
                f"{route.label}: mapping templates need a non-proxy integration, but backend "
                f"`{backend.name}` is a proxy",
                help="use an AWS service or mock backend, or drop the template",
            )
            return None
        if kind is BackendType.LAMBDA:
            if backend.function is None:
                self.t.report(
                    codes.TARGET_MISSING_FIELD,
                    backend,
                    None,
                    f"Lambda backend `{backend.name}` needs `function`",
                )
                return None
            properties |= {
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": common.lambda_uri(self.t, backend.function),
                "PayloadFormatVersion": "2.0" if self.http else None,
                "CredentialsArn": backend.credentials,
            }
            if backend.credentials is None:
                self.permission(backend.function, backend)
        elif kind is BackendType.MOCK:
            templates = common.templates(route.request_templates) or {"$default": '{"statusCode": 200}'}
            properties |= {"IntegrationType": "MOCK", "RequestTemplates": templates}
            if "$default" in templates:
                properties["TemplateSelectionExpression"] = "\\$default"
        elif kind is BackendType.AWS:
            properties |= {
                "IntegrationType": "AWS",
                "IntegrationMethod": (route.upstream_method or HttpMethod.POST).value,
                "IntegrationUri": backend.uri,
                "CredentialsArn": backend.credentials,
                "RequestTemplates": common.templates(route.request_templates),
            }
        else:
            if backend.url is None:
                self.t.report(
                    codes.TARGET_MISSING_FIELD,
                    backend,
                    None,
                    f"backend `{backend.name}` needs `url` for an HTTP integration",
                )
                return None
            upstream = upstream_template(route)
            if not route.methods or route.path == "$default":
                # a WebSocket route key is no path; the $default route sends the whole request
                # path on by itself ("API Gateway sends the full request path to the integration")
                upstream = ""
            # a WebSocket message has no HTTP method of its own: it is sent on with POST (a
            # concrete method every HTTP integration accepts) unless `upstream_method` says
            fallback = HttpMethod.ANY if self.http else HttpMethod.POST
            method = route.upstream_method or (route.methods[0] if len(route.methods) == 1 else fallback)
            properties |= {
                "IntegrationType": "HTTP_PROXY",
                "IntegrationMethod": method.value,
                "IntegrationUri": stage_variables_in(backend.url.rstrip("/") + upstream),
                "PayloadFormatVersion": "1.0" if self.http else None,
            }
            if backend.vpc_link is not None and backend.vpc_link in self.link_ids:
                link = next(v for v in self.api.vpc_links if v.name == backend.vpc_link)
                properties |= {"ConnectionType": "VPC_LINK", "ConnectionId": self.link_ids[backend.vpc_link]}
                if self.http and link.target is not None:
                    properties["IntegrationUri"] = link.target  # an HTTP API names the listener
                if self.http and link.target is not None and route.upstream_path not in (None, route.path):
                    self.t.report(
                        codes.TARGET_APPROXIMATION,
                        route,
                        "upstream_path",
                        f"{route.label}: a private integration targets the listener `{link.target}`; "
                        f"the upstream path `{route.upstream_path}` is not part of it",
                        help="HTTP APIs want the listener ARN; set the path with a parameter mapping",
                    )
            if backend.tls_verify is False:
                self.t.report(
                    codes.TARGET_APPROXIMATION,
                    backend,
                    "tls_verify",
                    f"backend `{backend.name}`: HTTP APIs always verify the backend certificate; "
                    "`tls_verify = false` is not carried",
                )
        if route.forward:
            if self.http:
                for f in route.forward:
                    if f.location is SourceKind.PATH:
                        self.unsupported(f, None, "HTTP APIs rewrite the whole path, not one path parameter")
                        return None
                properties["RequestParameters"] = http_request_parameters(route)
            else:
                properties["RequestParameters"] = {
                    f"integration.request.{V2_LOCATIONS[f.location]}.{f.name}": self.identity(f.source)
                    for f in route.forward
                }
        body = json.dumps(properties, sort_keys=True, default=str)
        if body in self.integration_ids:
            return self.integration_ids[body]
        logical = self.t.allocate(
            f"{self.name}:integration:{body}",
            self.label,
            "Integration",
            label_name(backend.name),
            short_hash(body, length=6),
        )
        self.t.add(logical, "AWS::ApiGatewayV2::Integration", properties)
        self.integration_ids[body] = logical
        self.snapshot.append(logical)
        return logical

    # --- stages and domains -------------------------------------------------------------
    def deployment(self) -> str | None:
        if self.http or not self.api.stages or not self.routes:
            return None
        return common.content_hashed_deployment(
            self.t,
            self.name,
            "AWS::ApiGatewayV2::Deployment",
            {"ApiId": ref(self.api_id)},
            self.snapshot,
            self.routes,
        )

    def stage(self, stage: Stage, deployment: str | None) -> str:
        logical = self.t.allocate(
            f"{self.name}:stage:{stage.name}", self.label, "Stage", label_name(stage.name)
        )
        defaults = common.throttle_settings(stage.throttle, "ThrottlingRateLimit", "ThrottlingBurstLimit")
        if stage.metrics is not None:
            defaults["DetailedMetricsEnabled"] = stage.metrics
        if stage.logging is not None:
            if self.http:
                self.t.report(
                    codes.TARGET_APPROXIMATION,
                    stage,
                    "logging",
                    f"stage `{stage.name}`: HTTP APIs have access logs only; `logging = "
                    f"{stage.logging.value}` is not carried",
                    help="use `access_log`",
                )
            else:
                defaults["LoggingLevel"] = common.LOG_LEVELS[stage.logging]
        route_settings: dict[str, Json] = {}
        for route in self.api.routes:
            if route.throttle is None:
                continue
            for key in (
                [route.path] if not route.methods else [f"{m.value} {route.path}" for m in route.methods]
            ):
                route_settings[key] = common.throttle_settings(
                    route.throttle, "ThrottlingRateLimit", "ThrottlingBurstLimit"
                )
        properties: dict[str, Json] = {
            "ApiId": ref(self.api_id),
            "StageName": stage.name,
            "AutoDeploy": True if self.http else None,
            "DeploymentId": ref(deployment) if deployment else None,
            "StageVariables": dict(sorted(stage.variables.items())) if stage.variables else None,
            "DefaultRouteSettings": defaults or None,
            "RouteSettings": dict(sorted(route_settings.items())) or None,
            "Tags": common.tag_map(dict(stage.tags) if stage.tags else None),
        }
        if stage.access_log is not None:
            properties["AccessLogSettings"] = {
                "DestinationArn": stage.access_log.destination,
                "Format": common.access_log_format(stage.access_log.format, stage.access_log.custom),
            }
        self.t.add(logical, "AWS::ApiGatewayV2::Stage", properties)
        self.t.stages[id(stage)] = logical
        scheme = "https" if self.http else "wss"
        self.t.output(
            f"{logical}Url",
            f"invoke URL of stage {stage.name}",
            sub(
                "%s://${%s}.execute-api.${AWS::Region}.${AWS::URLSuffix}/%s", scheme, self.api_id, stage.name
            ),
        )
        return logical

    def domains(self, stages: dict[str, str]) -> None:
        for domain in self.api.domains:
            if domain.tls_policy not in (None, "TLS_1_2") and not domain.tls_policy.startswith(
                "SecurityPolicy_"  # the capability table refuses those
            ):
                self.unsupported(
                    domain,
                    "tls_policy",
                    f"domain `{domain.host}`: {self.kind_name()} take the TLS_1_2 security policy only, "
                    f"not `{domain.tls_policy}`",
                )
                continue
            logical = self.t.allocate(f"domain:{domain.host}", "DomainName", host_name(domain.host))
            properties: dict[str, Json] = {
                "DomainName": domain.host,
                "DomainNameConfigurations": [
                    {
                        "CertificateArn": domain.certificate,
                        "EndpointType": "REGIONAL",
                        "SecurityPolicy": domain.tls_policy,
                    }
                ],
            }
            if domain.mtls_truststore is not None:
                properties["MutualTlsAuthentication"] = {"TruststoreUri": domain.mtls_truststore}
            self.t.add(logical, "AWS::ApiGatewayV2::DomainName", properties)
            target = get_att(logical, "RegionalDomainName")
            self.t.output(f"{logical}Target", f"DNS target of {domain.host}", target)
            for mapping in domain.base_paths:
                if mapping.stage not in stages:
                    continue
                path = mapping.base_path.strip("/")
                mapping_id = self.t.allocate(
                    f"{self.name}:mapping:{domain.host}:{path}",
                    self.label,
                    "Mapping",
                    host_name(domain.host),
                    label_name(path) if path else "Root",
                )
                self.t.add(
                    mapping_id,
                    "AWS::ApiGatewayV2::ApiMapping",
                    {
                        "DomainName": ref(logical),
                        "ApiId": ref(self.api_id),
                        "Stage": ref(stages[mapping.stage]),
                        "ApiMappingKey": path or None,
                    },
                )
            common.alias_records(self.t, domain, target, get_att(logical, "RegionalHostedZoneId"))
