"""REST APIs (`AWS::ApiGateway::*`): everything API Gateway v1 can say about one `api`.

Order of emission does not matter for the output (the template sorts resources), but the
Deployment is emitted last because its logical id carries a hash of everything it snapshots:
a changed method gives a new Deployment id, which is the only way CloudFormation redeploys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from apic.compiler import codes
from apic.compiler.apigateway import forward_parameters, rest_request_parameters, stage_variables_in
from apic.compiler.capabilities import is_cognito, vpc_link_version
from apic.compiler.model import (
    Api,
    Authorizer,
    AuthorizerPayload,
    AuthorizerType,
    Backend,
    BackendType,
    Canary,
    Domain,
    EndpointType,
    HttpMethod,
    ParamSource,
    ParamType,
    Route,
    SourceKind,
    Stage,
    ValidationMode,
)
from apic.compiler.plan import caching
from apic.compiler.plan.auth import CheckKind, auth_decision
from apic.compiler.plan.cors import cors_plan
from apic.compiler.plan.upstream import effective_timeout, upstream_template
from apic.targets.cfn import common
from apic.targets.cfn.template import (
    Json,
    Template,
    fn,
    get_att,
    host_name,
    label_name,
    pascal,
    path_name,
    ref,
    sub,
)
from apic.targets.cfn.usage import usage_plans
from apic.targets.cfn.validity import check_rest_paths
from apic.targets.cfn.xray import sampling_rule_resources

VALIDATOR_FLAGS = {
    ValidationMode.PARAMS: (True, False),
    ValidationMode.BODY: (False, True),
    ValidationMode.FULL: (True, True),
}


def resource_path_key(path: str) -> str:
    """MethodSettings and usage-plan keys encode `/` as `~1`: `/book/{id}` -> `/~1book~1{id}`."""
    return "/" + path.replace("/", "~1") if path != "/" else "/"


def segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


class RestEmitter:
    def __init__(self, api: Api, template: Template) -> None:
        self.api = api
        self.t = template
        self.name = api.name
        self.label = label_name(api.name)
        self.api_id = template.allocate(f"{api.name}:api", label_name(api.name), "Api")
        self.snapshot: list[str] = [self.api_id]  # what the Deployment freezes
        self.methods: list[str] = []
        self.resource_ids: dict[str, Json] = {"/": get_att(self.api_id, "RootResourceId")}
        self.authorizer_ids: dict[str, str] = {}
        self.validator_ids: dict[ValidationMode, str] = {}
        self.lambda_functions: dict[str, Backend | Authorizer] = {}
        self.unusable_authorizers: set[str] = set()
        # routes whose integrations carry cache keys, by identity (routes compare by value)
        self.cached = {id(r) for r in caching.cached_routes(api)}

    # --- the API itself -----------------------------------------------------------------
    def emit(self) -> None:
        refused = check_rest_paths(self.t, self.api)
        self.routes = [r for r in self.api.routes if id(r) not in refused]
        self.rest_api()
        self.vpc_links()
        self.authorizers()
        for route in self.routes:
            self.route(route)
        self.cors_preflights()
        self.gateway_responses()
        self.lambda_permissions()
        deployment = self.deployment()
        stages = {s.name: self.stage(s, deployment) for s in self.api.stages}
        usage_plans(self.t, self.api, self.api_id, stages)
        self.domains(stages)
        self.sampling_rules()
        self.t.output(f"{self.api_id}Id", f"id of the REST API {self.name}", ref(self.api_id))

    def rest_api(self) -> None:
        api = self.api
        endpoint = (api.endpoint or EndpointType.EDGE).value.upper()
        properties: dict[str, Json] = {
            "Name": api.name,
            "Description": api.description,
            "EndpointConfiguration": {"Types": [endpoint]},
            "ApiKeySourceType": api.api_key_source.upper() if api.api_key_source else None,
            "BinaryMediaTypes": list(api.binary_media_types) or None,
            "DisableExecuteApiEndpoint": api.disable_execute_api_endpoint,
            "Tags": common.tag_list(dict(api.tags) if api.tags else None),
        }
        if api.endpoint is EndpointType.PRIVATE:
            # A private API without a resource policy cannot be deployed; this one admits
            # callers that reach it at all, which only VPC endpoints can.
            properties["Policy"] = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "execute-api:Invoke",
                        "Resource": "execute-api:/*",
                    }
                ],
            }
            self.t.report(
                codes.TARGET_APPROXIMATION,
                api,
                "endpoint",
                f"private API `{api.name}` gets a resource policy that admits every VPC endpoint "
                "that can reach it",
                help="restrict it with an aws:SourceVpce condition after deployment if other VPCs "
                "share the endpoint",
            )
        self.t.add(self.api_id, "AWS::ApiGateway::RestApi", properties)

    def vpc_links(self) -> None:
        self.link_ids: dict[str, Json] = {}
        self.link_targets: dict[str, str | None] = {}
        for link in self.api.vpc_links:
            connection = common.vpc_link(self.t, self.name, link)
            if connection is None:
                continue
            self.link_ids[link.name] = connection
            # over a version 2 link a REST integration names its load balancer itself
            self.link_targets[link.name] = link.target if vpc_link_version(link) == 2 else None

    # --- authorizers and validators -----------------------------------------------------
    def authorizers(self) -> None:
        for a in self.api.authorizers:
            if a.type in (AuthorizerType.IAM,):
                continue
            cognito = is_cognito(a)
            if a.type is not AuthorizerType.LAMBDA and not cognito:
                self.unusable_authorizers.add(a.name)
                # a JWT authorizer is the capability table's to refuse
                if a.type is not AuthorizerType.JWT and any(
                    self.uses(route, a.name) for route in self.api.routes
                ):
                    self.t.report(
                        codes.TARGET_UNSUPPORTED,
                        a,
                        "type",
                        f"authorizer `{a.name}` is `{a.type.value}`: REST APIs enforce only Lambda, "
                        "Cognito and IAM authorization",
                        help="use a Lambda authorizer that checks this scheme, or `kind = http` for JWT",
                    )
                continue
            logical = self.t.allocate(
                f"{self.name}:authorizer:{a.name}", self.label, "Authorizer", label_name(a.name)
            )
            properties: dict[str, Json] = {"RestApiId": ref(self.api_id), "Name": a.name}
            if cognito:
                pool = cognito_pool_arn(a.issuer)
                if pool is None:
                    self.t.report(
                        codes.TARGET_MISSING_FIELD,
                        a,
                        "issuer",
                        f"authorizer `{a.name}` needs `issuer` = the user pool URL "
                        "(https://cognito-idp.REGION.amazonaws.com/POOL_ID), got `{a.issuer}`",
                    )
                    continue
                properties |= {
                    "Type": "COGNITO_USER_POOLS",
                    "ProviderARNs": [pool],
                    "IdentitySource": identity_source(a) or "method.request.header.Authorization",
                }
            else:
                if a.function is None:
                    self.t.report(
                        codes.TARGET_MISSING_FIELD, a, None, f"Lambda authorizer `{a.name}` needs `function`"
                    )
                    continue
                token = a.payload is not AuthorizerPayload.REQUEST
                properties |= {
                    "Type": "TOKEN" if token else "REQUEST",
                    "AuthorizerUri": common.lambda_uri(self.t, a.function),
                    "IdentitySource": identity_source(a)
                    or ("method.request.header.Authorization" if token else None),
                    "AuthorizerResultTtlInSeconds": common.seconds(a.ttl.seconds) if a.ttl else None,
                }
                self.lambda_functions.setdefault(a.function, a)
            self.t.add(logical, "AWS::ApiGateway::Authorizer", properties)
            self.authorizer_ids[a.name] = logical
            self.snapshot.append(logical)

    @staticmethod
    def uses(route: Route, authorizer: str) -> bool:
        return any(r.authorizer == authorizer for alternative in route.auth for r in alternative)

    def validator(self, mode: ValidationMode) -> str | None:
        if mode is ValidationMode.NONE:
            return None
        if mode not in self.validator_ids:
            parameters, body = VALIDATOR_FLAGS[mode]
            logical = self.t.allocate(
                f"{self.name}:validator:{mode.value}", self.label, "Validator", mode.value.capitalize()
            )
            self.t.add(
                logical,
                "AWS::ApiGateway::RequestValidator",
                {
                    "RestApiId": ref(self.api_id),
                    "Name": f"{self.name}-{mode.value}",
                    "ValidateRequestParameters": parameters,
                    "ValidateRequestBody": body,
                },
            )
            self.validator_ids[mode] = logical
            self.snapshot.append(logical)
        return self.validator_ids[mode]

    # --- routes -------------------------------------------------------------------------
    def resource(self, path: str) -> Json:
        if path in self.resource_ids:
            return self.resource_ids[path]
        parts = segments(path)
        parent = "/" + "/".join(parts[:-1]) if len(parts) > 1 else "/"
        parent_id = self.resource(parent)
        logical = self.t.allocate(f"{self.name}:resource:{path}", self.label, "Resource", path_name(path))
        self.t.add(
            logical,
            "AWS::ApiGateway::Resource",
            {"RestApiId": ref(self.api_id), "ParentId": parent_id, "PathPart": parts[-1]},
        )
        self.snapshot.append(logical)
        self.resource_ids[path] = ref(logical)
        return self.resource_ids[path]

    def route(self, route: Route) -> None:
        auth = self.method_auth(route)
        integration = self.integration(route)
        if auth is None or integration is None:
            return
        parameters = self.request_parameters(route)
        for method in route.methods:
            logical = self.t.allocate(
                f"{self.name}:method:{method.value} {route.path}",
                self.label,
                "Method",
                path_name(route.path),
                method.value,
            )
            body = integration(method)
            properties: dict[str, Json] = {
                "RestApiId": ref(self.api_id),
                "ResourceId": self.resource(route.path),
                "HttpMethod": method.value,
                **auth,
                "OperationName": route.operation_id,
                "RequestParameters": parameters or None,
                "RequestValidatorId": ref(v)
                if route.validate and (v := self.validator(route.validate))
                else None,
                "Integration": body,
                "MethodResponses": method_responses(body),
            }
            if route.validate in (ValidationMode.BODY, ValidationMode.FULL):
                self.t.report(
                    codes.TARGET_APPROXIMATION,
                    route,
                    "validate",
                    f"`validate = {route.validate.value}` on {route.label}: the model carries no "
                    "request body schema, so API Gateway checks only that a body model applies",
                    help="body validation needs a request model (a JSON Schema) that apic does not "
                    "carry yet; parameters are validated",
                )
            self.t.add(logical, "AWS::ApiGateway::Method", properties)
            self.methods.append(logical)
            self.snapshot.append(logical)

    def method_auth(self, route: Route) -> dict[str, Json] | None:
        if len(route.auth) > 1:
            self.t.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "auth",
                f"{route.label} accepts alternatives ("
                + route.auth_text
                + "): a REST API method takes exactly one set of requirements",
                help="split the route, or use one Lambda authorizer that accepts every alternative",
            )
            return None
        decision = auth_decision(self.api, route)
        alternative = decision.alternatives[0] if decision.alternatives else None
        result: dict[str, Json] = {"AuthorizationType": "NONE"}
        if alternative is None:
            return result
        if alternative.api_key:
            result["ApiKeyRequired"] = True
        if len(alternative.checks) > 1:
            self.t.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "auth",
                f"{route.label} requires "
                + " and ".join(str(c.requirement) for c in alternative.checks)
                + ": a REST API method has one authorization type (an API key may be added)",
            )
            return None
        if not alternative.checks:
            return result
        check = alternative.checks[0]
        if check.kind is CheckKind.IAM:
            result["AuthorizationType"] = "AWS_IAM"
            return result
        authorizer = check.authorizer
        if authorizer is None or authorizer.name in self.unusable_authorizers:
            return None  # reported on the authorizer (or by the binder when it is unknown)
        if authorizer.name not in self.authorizer_ids:
            return None  # its own diagnostic says what is missing
        result["AuthorizerId"] = ref(self.authorizer_ids[authorizer.name])
        if is_cognito(authorizer):
            result["AuthorizationType"] = "COGNITO_USER_POOLS"
            if check.scopes:
                result["AuthorizationScopes"] = list(check.scopes)
        else:
            result["AuthorizationType"] = "CUSTOM"
        return result

    def request_parameters(self, route: Route) -> dict[str, bool]:
        """Declared parameters, plus every parameter a mapping or cache key reads: API
        Gateway rejects a mapping from a parameter the method does not declare."""
        declared: dict[str, bool] = {}
        if route.validate in (ValidationMode.PARAMS, ValidationMode.FULL):
            for p in (*route.query_params, *route.header_params):
                if p.enum is not None or p.type not in (None, ParamType.STRING):
                    self.t.report(
                        codes.TARGET_APPROXIMATION,
                        p,
                        "enum" if p.enum is not None else "type",
                        f"parameter `{p.name}` of {route.label}: API Gateway validates that a "
                        "required parameter is present, not its "
                        + ("values" if p.enum is not None else "type"),
                        help="check the value in the backend",
                    )
        for part in segments(route.path):
            if part.startswith("{"):
                declared[f"method.request.path.{part.strip('{}').rstrip('+')}"] = True
        for p in route.query_params:
            declared[f"method.request.querystring.{p.name}"] = bool(p.required)
        for p in route.header_params:
            declared[f"method.request.header.{p.name}"] = bool(p.required)
        used: list[ParamSource] = [f.source for f in route.forward]
        if id(route) in self.cached:
            used.extend(caching.cache_keys(route))
        for source in used:
            if source.kind in (SourceKind.QUERY, SourceKind.HEADER):
                declared.setdefault(common.rest_source(source), False)
        return dict(sorted(declared.items()))

    def integration(self, route: Route):  # type: ignore[no-untyped-def]
        """A function of the method giving the Integration property, or None (reported)."""
        backend = self.api.backend(route.backend)
        if backend is None:
            self.t.report(
                codes.TARGET_MISSING_FIELD,
                route,
                "backend",
                f"{route.label} has no backend: an API Gateway method needs an integration",
                help="set `backend` on the route, its group or the api's defaults",
            )
            return None
        timeout = effective_timeout(self.api, route)
        base: dict[str, Json] = {
            "TimeoutInMillis": int(timeout.milliseconds) if timeout else None,
            "CacheKeyParameters": [common.rest_source(k) for k in caching.cache_keys(route)] or None
            if id(route) in self.cached
            else None,
        }
        forwarded = forward_parameters(route)
        kind = backend.type
        if kind is BackendType.LAMBDA:
            if backend.function is None:
                self.t.report(
                    codes.TARGET_MISSING_FIELD,
                    backend,
                    None,
                    f"Lambda backend `{backend.name}` needs `function`",
                )
                return None
            if backend.credentials is None:
                self.lambda_functions.setdefault(backend.function, backend)
            uri = common.lambda_uri(self.t, backend.function)
            return lambda method: {
                **base,
                "Type": "AWS_PROXY",
                "IntegrationHttpMethod": "POST",
                "Uri": uri,
                "Credentials": backend.credentials,
            }
        if kind is BackendType.MOCK:
            request = common.templates(route.request_templates) or {"application/json": '{"statusCode": 200}'}
            responses = self.integration_responses(route) or [{"StatusCode": "200"}]
            return lambda method: {
                **base,
                "TimeoutInMillis": None,
                "Type": "MOCK",
                "RequestTemplates": request,
                "IntegrationResponses": responses,
            }
        if kind is BackendType.AWS:
            if backend.uri is None:
                self.t.report(
                    codes.TARGET_MISSING_FIELD, backend, None, f"AWS backend `{backend.name}` needs `uri`"
                )
                return None
            return lambda method: {
                **base,
                "Type": "AWS",
                "IntegrationHttpMethod": (route.upstream_method or _concrete(method, HttpMethod.POST)).value,
                "Uri": stage_variables_in(backend.uri),
                "Credentials": backend.credentials,
                "RequestParameters": forwarded or None,
                "RequestTemplates": common.templates(route.request_templates),
                "PassthroughBehavior": "WHEN_NO_TEMPLATES" if route.request_templates else None,
                "IntegrationResponses": self.integration_responses(route) or [{"StatusCode": "200"}],
            }
        if backend.url is None:
            self.t.report(
                codes.TARGET_MISSING_FIELD,
                backend,
                None,
                f"backend `{backend.name}` needs `url` for an HTTP integration",
            )
            return None
        if backend.tls_verify is False:
            self.t.report(
                codes.TARGET_APPROXIMATION,
                backend,
                "tls_verify",
                f"backend `{backend.name}`: REST integrations always verify the backend's "
                "certificate in CloudFormation; `tls_verify = false` is not carried",
                help="give the backend a publicly trusted certificate, or import the API from OpenAPI "
                "with tlsConfig.insecureSkipVerification",
            )
        upstream = upstream_template(route)
        uri = stage_variables_in(backend.url.rstrip("/") + upstream)
        proxy = kind is not BackendType.HTTP
        mappings = rest_request_parameters(route, upstream, proxy)
        connection: dict[str, Json] = {}
        if backend.vpc_link is not None and backend.vpc_link in self.link_ids:
            connection = {
                "ConnectionType": "VPC_LINK",
                "ConnectionId": self.link_ids[backend.vpc_link],
                "IntegrationTarget": self.link_targets.get(backend.vpc_link),
            }
        if proxy and (route.request_templates or route.responses):
            self.t.report(
                codes.TARGET_UNSUPPORTED,
                route,
                None,
                f"{route.label}: mapping templates and integration responses need a non-proxy "
                f"integration, but backend `{backend.name}` is a proxy",
                help=f"set `type = http` on backend `{backend.name}`",
            )
            return None
        return lambda method: {
            **base,
            **connection,
            "Type": "HTTP_PROXY" if proxy else "HTTP",
            "IntegrationHttpMethod": (route.upstream_method or method).value,
            "Uri": uri,
            "RequestParameters": mappings or None,
            "RequestTemplates": common.templates(route.request_templates),
            "PassthroughBehavior": "WHEN_NO_TEMPLATES" if route.request_templates else None,
            "IntegrationResponses": None
            if proxy
            else (self.integration_responses(route) or [{"StatusCode": "200"}]),
        }

    def integration_responses(self, route: Route) -> list[dict[str, Json]]:
        responses = []
        for r in route.responses:
            entry: dict[str, Json] = {"StatusCode": str(r.status or 200)}
            if r.selection != "default":
                entry["SelectionPattern"] = r.selection
            if r.headers:
                entry["ResponseParameters"] = {
                    f"method.response.header.{k}": common.rest_source(v) for k, v in sorted(r.headers.items())
                }
            if r.templates:
                entry["ResponseTemplates"] = common.templates(r.templates)
            responses.append(entry)
        return responses

    # --- CORS ---------------------------------------------------------------------------
    def cors_preflights(self) -> None:
        """REST APIs answer CORS preflights only through an OPTIONS method: a MOCK per path."""
        plan = cors_plan(self.api, self.routes)
        for route in plan.clashes:
            self.t.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "cors",
                f"{route.label} uses another CORS policy than a route on the same path: "
                "a REST resource answers one preflight",
            )
        for preflight in plan.preflights:
            path, policy = preflight.path, preflight.policy
            headers = preflight.fixed_headers()
            if len(policy.allow_origins) > 1:
                self.t.report(
                    codes.TARGET_APPROXIMATION,
                    policy,
                    "allow_origins",
                    "a REST preflight answers one Access-Control-Allow-Origin value; the origins "
                    f"`{', '.join(policy.allow_origins)}` are sent as one list, which browsers reject",
                    help="allow one origin, or echo the caller's origin from a Lambda backend",
                )
            logical = self.t.allocate(
                f"{self.name}:method:OPTIONS {path}",
                self.label,
                "Method",
                path_name(path),
                "OPTIONS",
            )
            self.t.add(
                logical,
                "AWS::ApiGateway::Method",
                {
                    "RestApiId": ref(self.api_id),
                    "ResourceId": self.resource(path),
                    "HttpMethod": "OPTIONS",
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "MOCK",
                        "RequestTemplates": {"application/json": '{"statusCode": 200}'},
                        "IntegrationResponses": [
                            {
                                "StatusCode": "204",
                                "ResponseParameters": {
                                    f"method.response.header.{k}": f"'{v}'"
                                    for k, v in sorted(headers.items())
                                },
                            }
                        ],
                    },
                    "MethodResponses": [
                        {
                            "StatusCode": "204",
                            "ResponseParameters": {
                                f"method.response.header.{k}": True for k in sorted(headers)
                            },
                        }
                    ],
                },
            )
            self.methods.append(logical)
            self.snapshot.append(logical)

    # --- gateway responses, permissions --------------------------------------------------
    def gateway_responses(self) -> None:
        for response in self.api.gateway_responses:
            logical = self.t.allocate(
                f"{self.name}:gatewayresponse:{response.type}", self.label, "Response", pascal(response.type)
            )
            self.t.add(
                logical,
                "AWS::ApiGateway::GatewayResponse",
                {
                    "RestApiId": ref(self.api_id),
                    "ResponseType": response.type,
                    "StatusCode": str(response.status) if response.status is not None else None,
                    "ResponseParameters": {
                        f"gatewayresponse.header.{k}": common.rest_source(v)
                        for k, v in sorted(response.headers.items())
                    }
                    if response.headers
                    else None,
                    "ResponseTemplates": common.templates(response.templates),
                },
            )
            self.snapshot.append(logical)

    def lambda_permissions(self) -> None:
        for function, owner in sorted(self.lambda_functions.items()):
            common.grant_invoke(self.t, self.name, self.api_id, function, owner)

    # --- deployment and stages ----------------------------------------------------------
    def deployment(self) -> str | None:
        if not self.api.stages:
            return None
        if not self.api.routes:
            self.t.report(
                codes.TARGET_MISSING_FIELD,
                self.api,
                None,
                f"api `{self.name}` has stages but no routes: API Gateway refuses to deploy a REST "
                "API without methods",
            )
            return None
        if not self.methods:
            return None  # every route failed, and each says why
        return common.content_hashed_deployment(
            self.t,
            self.name,
            "AWS::ApiGateway::Deployment",
            {"RestApiId": ref(self.api_id)},
            self.snapshot,
            self.methods,
            retain=any(s.canary is not None for s in self.api.stages),
        )

    def stage(self, stage: Stage, deployment: str | None) -> str:
        logical = self.t.allocate(
            f"{self.name}:stage:{stage.name}", self.label, "Stage", label_name(stage.name)
        )
        if deployment is None:
            return logical
        settings = list(self.method_settings(stage))
        properties: dict[str, Json] = {
            "RestApiId": ref(self.api_id),
            "DeploymentId": ref(deployment),
            "StageName": stage.name,
            "Variables": dict(sorted(stage.variables.items())) if stage.variables else None,
            "TracingEnabled": stage.tracing,
            "MethodSettings": settings or None,
            "Tags": common.tag_list(dict(stage.tags) if stage.tags else None),
        }
        if stage.cache is not None:
            properties["CacheClusterEnabled"] = True
            if stage.cache.size is not None:
                properties["CacheClusterSize"] = format_size(stage.cache.size.gigabytes)
        if stage.canary is not None:
            self.canary(stage, stage.canary, logical, deployment, properties)
        if stage.access_log is not None:
            log = stage.access_log
            properties["AccessLogSetting"] = {
                "DestinationArn": log.destination,
                "Format": common.access_log_format(log.format, log.custom),
            }
        self.t.add(logical, "AWS::ApiGateway::Stage", properties)
        self.t.stages[id(stage)] = logical
        self.t.output(
            f"{logical}Url",
            f"invoke URL of stage {stage.name}",
            sub("https://${%s}.execute-api.${AWS::Region}.${AWS::URLSuffix}/%s", self.api_id, stage.name),
        )
        return logical

    def canary(
        self, stage: Stage, canary: Canary, logical: str, deployment: str, properties: dict[str, Json]
    ) -> None:
        """A canary that sends exactly `percent` to this template's deployment.

        A canary needs two versions, and a template holds one: the other, the version the
        stage serves now, comes in as the parameter `<Stage>LiveDeployment`. Empty (the first
        deploy, or a promotion) the stage serves this deployment alone; set to the id the
        stage serves now, that id stays the stage's deployment and this one is the canary.
        Deployments are retained when the template moves on, so the live one survives.
        The workflow: docs/targets.md, "Canary releases".
        """
        live = self.t.parameter(
            self.t.allocate(
                f"{self.name}:live:{stage.name}",
                self.label,
                "Stage",
                label_name(stage.name),
                "LiveDeployment",
            ),
            f"id of the deployment stage {stage.name} serves now; this template's deployment then gets "
            f"{f'{canary.percent} of' if canary.percent else 'the canary share of'} the traffic. "
            "Empty: this deployment serves all "
            "of it (first deploy, or promotion)",
            default="",
        )
        active = f"{logical}CanaryActive"
        self.t.conditions[active] = fn("Not", fn("Equals", ref(live), ""))
        settings = {  # unset values are pruned by Template.add
            "DeploymentId": ref(deployment),
            "PercentTraffic": canary.percent.value if canary.percent else None,
            "StageVariableOverrides": dict(sorted(canary.variables.items())) if canary.variables else None,
            "UseStageCache": canary.use_stage_cache,
        }
        properties["DeploymentId"] = fn("If", active, ref(live), ref(deployment))
        properties["CanarySetting"] = fn("If", active, settings, ref("AWS::NoValue"))
        self.t.output(
            f"{logical}DeploymentId",
            f"the deployment this template made for stage {stage.name}: pass it as {live} to the next "
            "deploy that should canary against it",
            ref(deployment),
        )

    def method_settings(self, stage: Stage) -> Iterator[dict[str, Json]]:
        every = common.throttle_settings(stage.throttle, "ThrottlingRateLimit", "ThrottlingBurstLimit")
        if stage.logging is not None:
            every["LoggingLevel"] = common.LOG_LEVELS[stage.logging]
        if stage.metrics is not None:
            every["MetricsEnabled"] = stage.metrics
        if every:
            yield {"ResourcePath": "/*", "HttpMethod": "*", **every}
        # caching per method, never `/*/*`: that would cache POSTs too (plan.caching)
        per_method: dict[tuple[str, HttpMethod], dict[str, Json]] = {}
        for cached in caching.cached_methods(self.api, stage):
            settings = per_method.setdefault((cached.route.path, cached.method), {})
            settings["CachingEnabled"] = True
            if cached.ttl is not None:
                settings["CacheTtlInSeconds"] = common.seconds(cached.ttl.seconds)
            if cached.encrypted is not None:
                settings["CacheDataEncrypted"] = cached.encrypted
        for route in self.api.routes:
            throttle = common.throttle_settings(route.throttle, "ThrottlingRateLimit", "ThrottlingBurstLimit")
            for method in route.methods if throttle else ():
                per_method.setdefault((route.path, method), {}).update(throttle)
        for (path, method), settings in sorted(per_method.items()):
            yield {
                "ResourcePath": resource_path_key(path),
                "HttpMethod": method.value if method is not HttpMethod.ANY else "*",
                **settings,
            }

    # --- domains ------------------------------------------------------------------------
    def domains(self, stages: dict[str, str]) -> None:
        for domain in self.api.domains:
            self.domain(domain, stages)

    def domain(self, domain: Domain, stages: dict[str, str]) -> None:
        logical = self.t.allocate(f"domain:{domain.host}", "DomainName", host_name(domain.host))
        edge = (domain.endpoint or EndpointType.REGIONAL) is EndpointType.EDGE
        if domain.endpoint is EndpointType.PRIVATE:
            self.t.report(
                codes.TARGET_UNSUPPORTED,
                domain,
                "endpoint",
                f"domain `{domain.host}`: private custom domains are not emitted by apic yet",
            )
            return
        properties: dict[str, Json] = {
            "DomainName": domain.host,
            "EndpointConfiguration": {"Types": ["EDGE" if edge else "REGIONAL"]},
            "CertificateArn" if edge else "RegionalCertificateArn": domain.certificate,
            "SecurityPolicy": domain.tls_policy,
        }
        if domain.tls_policy and domain.tls_policy.startswith("SecurityPolicy_"):
            properties["EndpointAccessMode"] = "STRICT"
        if domain.mtls_truststore is not None:
            if edge:
                self.t.report(
                    codes.TARGET_UNSUPPORTED,
                    domain,
                    "mtls",
                    f"domain `{domain.host}`: mutual TLS needs a regional custom domain, not edge",
                    help="set `endpoint = regional` on the domain",
                )
                return
            if domain.tls_policy and domain.tls_policy.startswith("SecurityPolicy_"):
                self.t.report(
                    codes.TARGET_UNSUPPORTED,
                    domain,
                    "mtls",
                    f"domain `{domain.host}`: mutual TLS cannot be enabled on a domain with the "
                    f"enhanced security policy `{domain.tls_policy}`",
                    help="use tls_policy = TLS_1_2 with mTLS, or drop mtls",
                )
                return
            properties["MutualTlsAuthentication"] = {"TruststoreUri": domain.mtls_truststore}
        self.t.add(logical, "AWS::ApiGateway::DomainName", properties)
        target = get_att(logical, "DistributionDomainName" if edge else "RegionalDomainName")
        self.t.output(f"{logical}Target", f"DNS target of {domain.host}", target)
        for mapping in domain.base_paths:
            if mapping.stage not in stages or stages[mapping.stage] not in self.t.resources:
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
                "AWS::ApiGateway::BasePathMapping",
                {
                    "DomainName": ref(logical),
                    "RestApiId": ref(self.api_id),
                    "Stage": ref(stages[mapping.stage]),
                    "BasePath": path or None,
                },
            )
        zone_id: Json = common.EDGE_HOSTED_ZONE_ID if edge else get_att(logical, "RegionalHostedZoneId")
        common.alias_records(self.t, domain, target, zone_id)

    # --- tracing ------------------------------------------------------------------------
    def sampling_rules(self) -> None:
        traced = [s for s in self.api.stages if s.tracing]
        sampling_rule_resources(self.t, self.api, traced)


def _concrete(method: HttpMethod, fallback: HttpMethod) -> HttpMethod:
    return fallback if method is HttpMethod.ANY else method


def cognito_pool_arn(issuer: str | None) -> Json:
    match = re.fullmatch(r"https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+)/?", issuer or "")
    if match is None:
        return None
    return sub(
        "arn:${AWS::Partition}:cognito-idp:%s:${AWS::AccountId}:userpool/%s", match.group(1), match.group(2)
    )


def identity_source(a: Authorizer) -> str | None:
    return ",".join(common.rest_source(s) for s in a.identity_source) or None


def method_responses(integration: dict[str, Json]) -> list[dict[str, Json]] | None:
    responses = integration.get("IntegrationResponses")
    if not responses:
        return None
    result: dict[str, dict[str, Json]] = {}
    for r in responses:
        entry = result.setdefault(r["StatusCode"], {"StatusCode": r["StatusCode"]})
        for key in r.get("ResponseParameters", {}):
            entry.setdefault("ResponseParameters", {})[key] = True
    return [result[k] for k in sorted(result)]


def format_size(gigabytes: float) -> str:
    return str(int(gigabytes)) if float(gigabytes).is_integer() else str(gigabytes)
