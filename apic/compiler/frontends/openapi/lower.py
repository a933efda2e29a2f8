"""OpenAPI 3.0/3.1 and Swagger 2.0 -> GatewayModel.

The cascade (document -> path item -> operation) is resolved here, once, as openapi2kong
does: parameters merge by (name, in) with the operation winning; `servers` are taken from
the operation, else the path item, else the document, and each distinct URL is its own
backend; `security` is the operation's if it has one (an empty list means public), else
the document's. An `x-amazon-apigateway-integration` decides the backend where present.
What the model cannot carry is reported (SC025), a security construct as an error.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apic.compiler import codes
from apic.compiler.apigateway import HTTP_TARGET, LAMBDA_URI, parse_http_source, parse_source
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.dsl.lower import GATEWAY_RESPONSE_TYPES, METHOD_ORDER
from apic.compiler.frontends.dsl.paths import path_problem
from apic.compiler.frontends.openapi.apic_extensions import ApicExtensions
from apic.compiler.frontends.openapi.documents import Cursor
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.model import (
    Api,
    ApiKind,
    AuthKind,
    Authorizer,
    AuthorizerPayload,
    AuthorizerType,
    AuthRequirement,
    Backend,
    BackendType,
    CorsPolicy,
    Duration,
    EndpointType,
    ForwardMapping,
    GatewayModel,
    GatewayResponse,
    HttpMethod,
    IntegrationResponse,
    Param,
    ParamSource,
    ParamType,
    Route,
    RouteCache,
    SourceKind,
    Template,
    ValidationMode,
    VpcLink,
)
from apic.compiler.source import Span

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def function_label(function: str) -> str:
    """A backend name for a function: `…:function:books` -> `books`, `${Books.Arn}` -> `Books`."""
    reference = re.fullmatch(r"\$\{([A-Za-z0-9_]+)(?:\.Arn)?\}", function)
    if reference:
        return reference.group(1)
    return function.rsplit(":", 1)[-1] if ":" in function else function


def split_url(url: str) -> urllib.parse.SplitResult | None:
    """The parts of `url`, or None where Python refuses it (`http://]` is an invalid IPv6
    host): such a URL is reported like any other unusable one, never a crash."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    return parts


PARAM_TYPES = {t.value for t in ParamType}
HOST = re.compile(r"[A-Za-z0-9.\-_:@\[\]]+")
AWS_URI = re.compile(r"arn:aws[a-z-]*:apigateway:[a-z0-9-]*:(?P<service>[a-z0-9-]+):(action|path)/.+")
REQUEST_TARGET = re.compile(r"integration\.request\.(?P<where>header|querystring|path)\.(?P<name>.+)", re.S)
RESPONSE_TARGET = re.compile(r"(?:method\.response|gatewayresponse)\.header\.(?P<name>.+)", re.S)
LOCATIONS = {"header": SourceKind.HEADER, "querystring": SourceKind.QUERY, "path": SourceKind.PATH}


def status_code(value: Any) -> int | None:
    """`statusCode` as written: 429 or "429" (0 included); anything else is no status."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


@dataclass
class _Scheme:
    """What a security scheme becomes: a built-in requirement or a named authorizer."""

    kind: AuthKind
    authorizer: Authorizer | None = None


@dataclass
class OpenApiLowerer:
    root: Cursor
    name: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    backends: dict[str, Backend] = field(default_factory=dict)
    backend_keys: dict[tuple[Any, ...], str] = field(default_factory=dict)
    vpc_links: dict[str, VpcLink] = field(default_factory=dict)
    schemes: dict[str, _Scheme] = field(default_factory=dict)
    unusable_servers: set[str] = field(default_factory=set)

    @property
    def swagger2(self) -> bool:
        return isinstance(self.root.value, dict) and "swagger" in self.root.value

    def report(
        self,
        code: codes.Code,
        span: Span,
        message: str,
        help: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        self.diagnostics.append(code(span, message, help=help, severity=severity))

    # -- entry ---------------------------------------------------------------------------
    def lower(self) -> GatewayModel:
        doc = self.root
        self.extensions = ApicExtensions(self.diagnostics)
        x, extra = self.extensions.document(doc)
        self.api_kind = ApiKind(x.kind) if x is not None and x.kind else self.kind()
        self.backends.update(extra.get("backends", {}))
        self.vpc_links.update(extra.get("vpc_links", {}))
        self.read_security_schemes()
        self.not_represented(doc, "x-amazon-apigateway-policy", "a resource policy", security=True)
        self.not_represented(
            doc, "x-amazon-apigateway-minimum-compression-size", "a minimum compression size"
        )
        validators = self.request_validators()
        default_validator = self.string(doc, "x-amazon-apigateway-request-validator")
        routes = list(self.routes(validators, default_validator))
        endpoint, disable = self.endpoint_configuration()

        def named(key: str) -> tuple[Any, ...]:
            items = extra.get(key, {})
            return tuple(items[name] for name in sorted(items))

        api = Api(
            name=self.name,
            kind=self.api_kind,
            endpoint=endpoint,
            region=x.region if x is not None else None,
            description=self.info("description"),
            tags=x.tags if x is not None else None,
            binary_media_types=tuple(self.strings(doc, "x-amazon-apigateway-binary-media-types")),
            route_selection=x.route_selection if x is not None else None,
            disable_execute_api_endpoint=disable,
            api_key_source=self.api_key_source(),
            routes=tuple(sorted(routes, key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods]))),
            backends=tuple(sorted(self.backends.values(), key=lambda b: b.name)),
            vpc_links=tuple(sorted(self.vpc_links.values(), key=lambda v: v.name)),
            authorizers=tuple(
                sorted((s.authorizer for s in self.schemes.values() if s.authorizer), key=lambda a: a.name)
            ),
            stages=named("stages"),
            usage_plans=named("usage_plans"),
            consumers=named("consumers"),
            domains=named("domains"),
            tracing=extra.get("tracing"),
            cors=tuple(extra["cors"][n] for n in sorted(extra["cors"])) if extra.get("cors") else self.cors(),
            gateway_responses=self.gateway_responses(),
            span=doc.span,
        )
        return GatewayModel(apis=(api,), span=doc.span)

    def info(self, key: str) -> str | None:
        info = self.root.get("info")
        value = info.value.get(key) if info and isinstance(info.value, dict) else None
        return value if isinstance(value, str) else None

    def kind(self) -> ApiKind:
        value = self.root.value
        if "x-amazon-apigateway-cors" in value or "x-amazon-apigateway-importexport-version" in value:
            return ApiKind.HTTP
        if isinstance(value.get("paths"), dict) and "$default" in value["paths"]:
            return ApiKind.HTTP  # only HTTP APIs have a $default route
        return ApiKind.REST

    # -- small readers -------------------------------------------------------------------
    def string(self, cursor: Cursor, key: str) -> str | None:
        value = cursor.value.get(key) if isinstance(cursor.value, dict) else None
        if value is None:
            return None
        if not isinstance(value, str):
            self.report(
                codes.INVALID_EXTENSION,
                cursor.child_span(key),
                f"`{key}` must be a string, not {type(value).__name__}",
            )
            return None
        return value

    def strings(self, cursor: Cursor, key: str) -> list[str]:
        value = cursor.value.get(key) if isinstance(cursor.value, dict) else None
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(codes.INVALID_EXTENSION, cursor.child_span(key), f"`{key}` must be a list of strings")
            return []
        return value

    def mapping(self, cursor: Cursor, key: str) -> Cursor | None:
        child = cursor.get(key)
        if child is None:
            return None
        if not isinstance(child.value, dict):
            self.report(codes.INVALID_EXTENSION, child.span, f"`{key}` must be a mapping")
            return None
        return child

    def not_represented(self, cursor: Cursor, key: str, what: str, *, security: bool = False) -> None:
        if not (isinstance(cursor.value, dict) and key in cursor.value):
            return
        help = (
            "a dropped security construct makes the compiled API less safe: remove it only if it is "
            "enforced elsewhere"
            if security
            else "remove it, or keep deploying it by other means"
        )
        self.report(
            codes.NOT_REPRESENTED,
            cursor.document.index.key_span(f"{cursor.pointer}/{escape(key)}"),
            f"`{key}` ({what}) is not carried by apic's model, so no target will emit it",
            help=help,
            severity=Severity.ERROR if security else None,
        )

    # -- API-wide extensions -------------------------------------------------------------
    def api_key_source(self) -> str | None:
        value = self.string(self.root, "x-amazon-apigateway-api-key-source")
        if value is None:
            return None
        if value.upper() not in ("HEADER", "AUTHORIZER"):
            self.report(
                codes.INVALID_EXTENSION,
                self.root.child_span("x-amazon-apigateway-api-key-source"),
                f"`{value}` is not HEADER or AUTHORIZER",
            )
            return None
        return value.lower()

    def endpoint_configuration(self) -> tuple[EndpointType | None, bool | None]:
        holders = [self.root]
        servers = self.root.get("servers")
        if servers is not None:
            holders.extend(servers.elements())
        for holder in holders:
            config = self.mapping(holder, "x-amazon-apigateway-endpoint-configuration")
            if config is None:
                continue
            types = self.strings(config, "types")
            disable = config.value.get("disableExecuteApiEndpoint")
            endpoint = None
            if types:
                word = str(types[0]).lower()
                if word in {e.value for e in EndpointType}:
                    endpoint = EndpointType(word)
                else:
                    self.report(
                        codes.INVALID_EXTENSION,
                        config.child_span("types"),
                        f"endpoint type `{types[0]}` is not REGIONAL, EDGE or PRIVATE",
                    )
            if "vpcEndpointIds" in config.value:
                self.not_represented(
                    config, "vpcEndpointIds", "VPC endpoints of a private API", security=True
                )
            return endpoint, disable if isinstance(disable, bool) else None
        return None, None

    def request_validators(self) -> dict[str, ValidationMode]:
        found: dict[str, ValidationMode] = {}
        validators = self.mapping(self.root, "x-amazon-apigateway-request-validators")
        for name, validator in validators.items() if validators else ():
            if not isinstance(validator.value, dict):
                continue
            body = bool(validator.value.get("validateRequestBody"))
            params = bool(validator.value.get("validateRequestParameters"))
            found[name] = {
                (True, True): ValidationMode.FULL,
                (True, False): ValidationMode.BODY,
                (False, True): ValidationMode.PARAMS,
                (False, False): ValidationMode.NONE,
            }[(body, params)]
        return found

    def gateway_responses(self) -> tuple[GatewayResponse, ...]:
        responses = self.mapping(self.root, "x-amazon-apigateway-gateway-responses")
        found = []
        for kind, response in responses.items() if responses else ():
            if kind not in GATEWAY_RESPONSE_TYPES:
                self.report(
                    codes.INVALID_EXTENSION, response.key_span(), f"`{kind}` is not a gateway response type"
                )
                continue
            if not isinstance(response.value, dict):
                continue
            status = response.value.get("statusCode")
            headers = self.response_headers(response.get("responseParameters"))
            found.append(
                GatewayResponse(
                    type=kind,
                    status=status_code(status),
                    headers=headers,
                    templates=self.templates(response.get("responseTemplates")),
                    span=response.node_span,
                )
            )
        return tuple(sorted(found, key=lambda g: g.type))

    def cors(self) -> tuple[CorsPolicy, ...]:
        config = self.mapping(self.root, "x-amazon-apigateway-cors")
        if config is None:
            return ()
        value = config.value
        max_age = value.get("maxAge")
        return (
            CorsPolicy(
                allow_origins=tuple(self.strings(config, "allowOrigins")),
                allow_methods=tuple(self.strings(config, "allowMethods")),
                allow_headers=tuple(self.strings(config, "allowHeaders")),
                expose_headers=tuple(self.strings(config, "exposeHeaders")),
                allow_credentials=value.get("allowCredentials")
                if isinstance(value.get("allowCredentials"), bool)
                else None,
                max_age=Duration(milliseconds=max_age * 1000)
                if isinstance(max_age, int) and not isinstance(max_age, bool) and 0 <= max_age <= 2**31
                else None,
                span=config.span,
            ),
        )

    # -- security ------------------------------------------------------------------------
    def read_security_schemes(self) -> None:
        if self.swagger2:
            schemes = self.root.get("securityDefinitions")
        else:
            components = self.root.get("components")
            schemes = components.get("securitySchemes") if components else None
        for name, scheme in schemes.items() if schemes else ():
            if isinstance(scheme.value, dict):
                self.schemes[name] = self.scheme(name, scheme)

    def scheme(self, name: str, scheme: Cursor) -> _Scheme:
        value = scheme.value
        authtype = str(value.get("x-amazon-apigateway-authtype", "")).lower()
        aws = scheme.get("x-amazon-apigateway-authorizer")
        if authtype in ("awssigv4", "aws_iam"):
            return _Scheme(AuthKind.IAM)
        if aws is not None and isinstance(aws.value, dict):
            return _Scheme(AuthKind.AUTHORIZER, self.aws_authorizer(name, aws))
        kind = value.get("type")
        if kind == "apiKey":
            where, key_name = value.get("in"), str(value.get("name", ""))
            if where == "header" and key_name.lower() == "x-api-key":
                return _Scheme(AuthKind.API_KEY)
            if where == "cookie":
                self.report(
                    codes.NOT_REPRESENTED,
                    scheme.span,
                    f"API key in cookie `{key_name}`: apic's model has no cookie sources",
                    severity=Severity.ERROR,
                )
                return _Scheme(
                    AuthKind.AUTHORIZER,
                    Authorizer(name=name, type=AuthorizerType.API_KEY, span=scheme.node_span),
                )
            source = ParamSource(
                kind=SourceKind.HEADER if where == "header" else SourceKind.QUERY,
                name=key_name,
                span=scheme.child_span("name") if "name" in scheme.value else scheme.node_span,
            )
            return _Scheme(
                AuthKind.AUTHORIZER,
                Authorizer(
                    name=name, type=AuthorizerType.API_KEY, identity_source=(source,), span=scheme.node_span
                ),
            )
        if kind == "basic" or (kind == "http" and str(value.get("scheme", "")).lower() == "basic"):
            return _Scheme(
                AuthKind.AUTHORIZER, Authorizer(name=name, type=AuthorizerType.BASIC, span=scheme.node_span)
            )
        if kind == "http" and str(value.get("scheme", "")).lower() == "bearer":
            return _Scheme(
                AuthKind.AUTHORIZER, Authorizer(name=name, type=AuthorizerType.BEARER, span=scheme.node_span)
            )
        if kind == "oauth2":
            scopes: list[str] = []
            flows = value.get("flows") if isinstance(value.get("flows"), dict) else {"flow": value}
            for flow in flows.values():
                if isinstance(flow, dict) and isinstance(flow.get("scopes"), dict):
                    scopes.extend(s for s in flow["scopes"] if s not in scopes)
            return _Scheme(
                AuthKind.AUTHORIZER,
                Authorizer(
                    name=name, type=AuthorizerType.OAUTH2, scopes=tuple(scopes), span=scheme.node_span
                ),
            )
        if kind == "openIdConnect":
            url = str(value.get("openIdConnectUrl", ""))
            issuer = url.removesuffix("/.well-known/openid-configuration") or None
            return _Scheme(
                AuthKind.AUTHORIZER,
                Authorizer(name=name, type=AuthorizerType.OIDC, issuer=issuer, span=scheme.node_span),
            )
        self.report(
            codes.NOT_REPRESENTED,
            scheme.span,
            f"security scheme `{name}` of type `{kind}` is not supported",
            severity=Severity.ERROR,
        )
        return _Scheme(
            AuthKind.AUTHORIZER, Authorizer(name=name, type=AuthorizerType.BEARER, span=scheme.node_span)
        )

    def aws_authorizer(self, name: str, aws: Cursor) -> Authorizer:
        value = aws.value
        kind = str(value.get("type", "")).lower()
        written = value.get("identitySource", "")
        texts = written if isinstance(written, list) else str(written).split(",")  # HTTP APIs: a list
        sources = [str(s).strip() for s in texts if str(s).strip()]
        identity = []
        for text in sources:
            where = aws.child_span("identitySource")
            source = parse_source(text, where) or parse_source(text.removeprefix("$"), where)
            if source is None:
                self.report(
                    codes.INVALID_EXTENSION,
                    aws.child_span("identitySource"),
                    f"cannot read identity source `{text}`",
                )
            else:
                identity.append(source)
        ttl = value.get("authorizerResultTtlInSeconds")
        function = None
        uri = value.get("authorizerUri")
        if isinstance(uri, dict) and set(uri) == {"Fn::Sub"} and isinstance(uri["Fn::Sub"], str):
            uri = uri["Fn::Sub"]
        if isinstance(uri, str):
            match = LAMBDA_URI.search(uri)
            function = match.group("fn") if match else uri
        common = {
            "name": name,
            "identity_source": tuple(identity),
            "span": aws.span,
            "ttl": Duration(milliseconds=ttl * 1000)
            if isinstance(ttl, int) and not isinstance(ttl, bool) and 0 <= ttl <= 2**31
            else None,
        }
        if kind in ("token", "request"):
            return Authorizer(
                type=AuthorizerType.LAMBDA, function=function, payload=AuthorizerPayload(kind), **common
            )
        if kind == "cognito_user_pools":
            arns = self.strings(aws, "providerARNs")
            issuer = None
            if arns:
                match = re.match(r"arn:aws:cognito-idp:([^:]+):\d+:userpool/(.+)", arns[0])
                issuer = (
                    f"https://cognito-idp.{match.group(1)}.amazonaws.com/{match.group(2)}"
                    if match
                    else arns[0]
                )
            return Authorizer(type=AuthorizerType.COGNITO, issuer=issuer, **common)
        if kind == "jwt":
            jwt = self.mapping(aws, "jwtConfiguration")
            issuer = jwt.value.get("issuer") if jwt is not None else None
            return Authorizer(
                type=AuthorizerType.JWT,
                issuer=issuer if isinstance(issuer, str) else None,
                audience=tuple(self.strings(jwt, "audience")) if jwt is not None else (),
                **common,
            )
        self.report(
            codes.INVALID_EXTENSION,
            aws.child_span("type"),
            f"authorizer type `{value.get('type')}` is not token, request, cognito_user_pools or jwt",
        )
        return Authorizer(type=AuthorizerType.LAMBDA, function=function, **common)

    def security(self, cursor: Cursor | None) -> tuple[tuple[AuthRequirement, ...], ...] | None:
        if cursor is None:
            return None
        if not isinstance(cursor.value, list):
            self.report(
                codes.INVALID_OPENAPI, cursor.span, "`security` must be a list of requirement objects"
            )
            return None
        if not cursor.value:
            return ((AuthRequirement(kind=AuthKind.NONE, span=cursor.span),),)
        alternatives = []
        for requirement in cursor.elements():
            if not isinstance(requirement.value, dict):
                continue
            if not requirement.value:
                alternatives.append((AuthRequirement(kind=AuthKind.NONE, span=requirement.span),))
                continue
            needed = []
            for name, scopes in requirement.value.items():
                scheme = self.schemes.get(name)
                span = requirement.document.index.key_span(f"{requirement.pointer}/{escape(name)}")
                if scheme is None:
                    self.report(
                        codes.UNKNOWN_REFERENCE,
                        span,
                        f"unknown security scheme `{name}`",
                        help="declare it under components.securitySchemes",
                    )
                    continue
                needed.append(
                    AuthRequirement(
                        kind=scheme.kind,
                        authorizer=scheme.authorizer.name if scheme.authorizer else None,
                        scopes=tuple(map(str, scopes)) if isinstance(scopes, list) else (),
                        span=span,
                    )
                )
            if needed:
                alternatives.append(tuple(needed))
        return tuple(alternatives)

    # -- routes --------------------------------------------------------------------------
    def routes(self, validators: dict[str, ValidationMode], default_validator: str | None) -> Iterator[Route]:
        paths = self.root.get("paths")
        document_security = self.security(self.root.get("security"))
        for path, item in paths.items() if paths else ():
            if path == "$default" and isinstance(item.value, dict):
                yield from self.default_route(item, document_security, validators, default_validator)
                continue
            if not path.startswith("/") or not isinstance(item.value, dict):
                continue
            methods = [m for m in METHODS if m in item.value]
            if "x-amazon-apigateway-any-method" in item.value:
                methods.append("x-amazon-apigateway-any-method")
            if "trace" in item.value:
                self.report(
                    codes.ROUTE_LEFT_OUT,
                    item.document.index.key_span(f"{item.pointer}/trace"),
                    f"TRACE {path}: API gateways do not route TRACE; the operation is left out",
                )
            if path != "/" and path.endswith("/") and path_problem(path.rstrip("/")) is None:
                self.report(
                    codes.INVALID_PATH,
                    item.key_span(),
                    f"path `{path}` ends with `/`; apic treats it as `{path.rstrip('/')}`",
                    help="API Gateway resources have no trailing slash",
                    severity=Severity.WARNING,
                )
                path = path.rstrip("/")
            problem = path_problem(path)
            if problem is not None:
                self.report(
                    codes.ROUTE_LEFT_OUT,
                    item.key_span(),
                    problem[0] + " (the route is left out)",
                    help=problem[1],
                    severity=Severity.WARNING,
                )
                continue
            for method in methods:
                operation = item.get(method)
                if operation is not None and isinstance(operation.value, dict):
                    if operation.value.get("x-apic-preflight") is True:
                        continue  # API Gateway's answer to a CORS preflight, written from x-apic-cors
                    yield self.route(
                        path, method, item, operation, document_security, validators, default_validator
                    )

    def default_route(
        self,
        item: Cursor,
        document_security: tuple[tuple[AuthRequirement, ...], ...] | None,
        validators: dict[str, ValidationMode],
        default_validator: str | None,
    ) -> Iterator[Route]:
        """`paths: {$default: …}`: the catch-all route of an HTTP API, as API Gateway exports it."""
        if self.api_kind is not ApiKind.HTTP:
            self.report(
                codes.ROUTE_LEFT_OUT,
                item.key_span(),
                "`$default` is the catch-all route of an HTTP API; this document describes a REST API "
                "(the route is left out)",
                help="a REST API catches all with `/{proxy+}` and `x-amazon-apigateway-any-method`",
            )
            return
        for method in [m for m in METHODS if m in item.value] + [
            m for m in ("x-amazon-apigateway-any-method",) if m in item.value
        ]:
            operation = item.get(method)
            if operation is not None and isinstance(operation.value, dict):
                yield self.route(
                    "$default", method, item, operation, document_security, validators, default_validator
                )

    def route(
        self,
        path: str,
        method: str,
        item: Cursor,
        operation: Cursor,
        document_security: tuple[tuple[AuthRequirement, ...], ...] | None,
        validators: dict[str, ValidationMode],
        default_validator: str | None,
    ) -> Route:
        http_method = HttpMethod.ANY if method.startswith("x-") else HttpMethod[method.upper()]
        query, headers = self.parameters(item, operation)
        security = (
            self.security(operation.get("security")) if "security" in operation.value else document_security
        )
        validator = self.string(operation, "x-amazon-apigateway-request-validator") or default_validator
        validate = None
        if validator is not None:
            validate = validators.get(validator)
            if validate is None:
                self.report(
                    codes.UNKNOWN_REFERENCE,
                    operation.child_span("x-amazon-apigateway-request-validator"),
                    f"unknown request validator `{validator}`",
                    help="declare it under x-amazon-apigateway-request-validators",
                )
        tags = operation.value.get("tags")
        route: dict[str, Any] = {
            "methods": (http_method,),
            "path": path,
            "auth": security or (),
            "operation_id": operation.value.get("operationId")
            if isinstance(operation.value.get("operationId"), str)
            else None,
            "tags": {str(t): "" for t in tags} if isinstance(tags, list) and tags else None,
            "query_params": tuple(sorted(query.values(), key=lambda p: p.name)),
            "header_params": tuple(sorted(headers.values(), key=lambda p: p.name)),
            "validate": validate,
        }
        spans = {"path": item.key_span(), "methods": operation.key_span()}
        if "security" in operation.value:
            spans["auth"] = operation.document.index.key_span(f"{operation.pointer}/security")
        integration = self.mapping(operation, "x-amazon-apigateway-integration")
        overrides = self.extensions.operation(operation)
        overrides.pop("preflight", None)
        if integration is not None and "backend" in overrides:
            route.update(self.integration_copy(integration, path, http_method))
        elif integration is not None:
            route.update(self.integration(integration, path, http_method))
        elif "backend" not in overrides:
            backend, upstream = self.server_backend(operation, item)
            route["backend"] = backend
            if upstream:
                route["upstream_path"] = upstream + (path if path != "/" else "")
        if "backend" in overrides and overrides["backend"] not in self.backends:
            self.extensions.unknown(
                operation,
                f"{operation.pointer}/x-apic-backend",
                "backend",
                overrides["backend"],
                self.backends,
            )
        route.update(overrides)
        return Route(**route, span=operation.node_span, field_spans=spans)

    def parameters(self, item: Cursor, operation: Cursor) -> tuple[dict[str, Param], dict[str, Param]]:
        merged: dict[tuple[str, str], Cursor] = {}
        for holder in (item, operation):
            params = holder.get("parameters")
            for param in params.elements() if params else ():
                if isinstance(param.value, dict) and "name" in param.value and "in" in param.value:
                    merged[(str(param.value["name"]), str(param.value["in"]))] = param
        query: dict[str, Param] = {}
        headers: dict[str, Param] = {}
        for (name, where), param in merged.items():
            if where == "cookie":
                self.report(
                    codes.NOT_REPRESENTED,
                    param.span,
                    f"cookie parameter `{name}` is not carried by apic's model",
                )
                continue
            if where not in ("query", "header"):
                continue
            value = param.value
            schema = value.get("schema") if isinstance(value.get("schema"), dict) else value  # 2.0: inline
            kind = schema.get("type") if isinstance(schema, dict) else None
            if isinstance(kind, list):  # OpenAPI 3.1: [string, "null"] is a nullable string
                kinds = [k for k in kind if k != "null"]
                kind = kinds[0] if len(kinds) == 1 else None
            if not isinstance(kind, str):
                kind = None
            enum = schema.get("enum") if isinstance(schema, dict) else None
            default = schema.get("default") if isinstance(schema, dict) else None
            scalar = (str, int, float, bool)
            lowered = Param(
                name=name,
                required=value.get("required") if isinstance(value.get("required"), bool) else None,
                type=ParamType(kind) if kind in PARAM_TYPES else None,
                enum=tuple(e for e in enum if isinstance(e, scalar)) if isinstance(enum, list) else None,
                default=default if isinstance(default, scalar) else None,
                span=param.span,
            )
            (query if where == "query" else headers)[name] = lowered
        return query, headers

    # -- backends ------------------------------------------------------------------------
    def server_backend(self, operation: Cursor, item: Cursor) -> tuple[str | None, str | None]:
        """The backend of the nearest `servers` (operation, path item, document)."""
        for holder in (operation, item, self.root):
            servers = holder.get("servers")
            if servers is not None and isinstance(servers.value, list) and servers.value:
                first = next(servers.elements(), None)
                if first is None or not isinstance(first.value, dict):
                    return None, None
                url = self.server_url(first)
                parts = split_url(url)
                if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
                    return None, None
                if parts is None or not HOST.fullmatch(parts.netloc):
                    if url not in self.unusable_servers:
                        self.unusable_servers.add(url)
                        self.report(
                            codes.NOT_REPRESENTED,
                            first.child_span("url"),
                            f"server `{url}` has no usable host name (a placeholder?); operations "
                            "under it get no backend",
                            help="give the server variable a real default",
                        )
                    return None, None
                base = f"{parts.scheme}://{parts.netloc}"
                name = self.backend(("server", base), parts.netloc, url=base, type=None, span=first.span)
                prefix = parts.path.rstrip("/")
                return name, prefix or None
        if self.swagger2 and isinstance(self.root.value.get("host"), str):
            schemes = self.root.value.get("schemes")
            scheme = (
                schemes[0]
                if isinstance(schemes, list) and schemes and schemes[0] in ("http", "https")
                else "https"
            )
            base = f"{scheme}://{self.root.value['host']}"
            name = self.backend(
                ("server", base), self.root.value["host"], url=base, type=None, span=self.root.span
            )
            prefix = str(self.root.value.get("basePath") or "").rstrip("/")
            return name, prefix or None
        return None, None

    @staticmethod
    def server_url(server: Cursor) -> str:
        url = str(server.value.get("url", ""))
        variables = server.value.get("variables") if isinstance(server.value.get("variables"), dict) else {}
        for var, spec in variables.items():
            if isinstance(spec, dict) and "default" in spec:
                url = url.replace("{" + var + "}", str(spec["default"]))
        return url

    def backend(
        self,
        key: tuple[Any, ...],
        label: str,
        *,
        span: Span,
        field_spans: dict[str, Span] | None = None,
        **fields: Any,
    ) -> str:
        if key in self.backend_keys:
            return self.backend_keys[key]
        name, n = label, 2
        while name in self.backends:
            name, n = f"{label}-{n}", n + 1
        self.backend_keys[key] = name
        self.backends[name] = Backend(name=name, **fields, span=span, field_spans=field_spans or {})
        return name

    def integration_copy(self, integration: Cursor, path: str, method: HttpMethod) -> dict[str, Any]:
        """An integration beside `x-apic-backend`: API Gateway's copy of what x-apic-* says (target
        `openapi` writes both). The backend, timeout, upstream path and cache are x-apic-*'s; the
        rest (mappings, templates, responses, the upstream method) is read from the
        integration, less what the target adds because API Gateway needs it and apic implies:
        identity mappings (`integration.request.path.id: method.request.path.id`), a bare 200
        response, a mock's status template, POST for an AWS service under an ANY route."""
        details = self.integration_details(integration, method)
        details["forward"] = tuple(
            f
            for f in details.get("forward", ())
            if not (f.location is f.source.kind and f.source.name == f.name)
        )
        # what the target adds because API Gateway needs it: a bare 200 response, a mock's
        # `{"statusCode": 200}` template
        responses = details.get("responses", ())
        bare = [(r.selection, r.status, bool(r.headers), bool(r.templates)) for r in responses]
        if bare == [("default", 200, False, False)]:
            details["responses"] = ()
        templates = details.get("request_templates", ())
        kind = str(integration.value.get("type", "")).lower()
        if kind == "aws" and method is HttpMethod.ANY and details.get("upstream_method") is HttpMethod.POST:
            del details["upstream_method"]  # an AWS service takes one method: POST stands for ANY
        if kind == "mock" and [(t.content_type, t.text) for t in templates] == [
            ("application/json", '{"statusCode": 200}')
        ]:
            details["request_templates"] = ()
        return details

    def integration_details(self, integration: Cursor, method: HttpMethod) -> dict[str, Any]:
        """What an integration says of the route besides its backend: the upstream method,
        forwarded values, mapping templates, integration responses."""
        value = integration.value
        result: dict[str, Any] = {}
        http_method = value.get("httpMethod")
        upstream_method = HttpMethod.__members__.get(str(http_method).upper()) if http_method else None
        kind = str(value.get("type", "")).lower()
        if upstream_method not in (None, method, HttpMethod.ANY) and kind != "aws_proxy":
            result["upstream_method"] = upstream_method
        result["forward"] = self.request_parameters(integration.get("requestParameters"))
        result["request_templates"] = self.templates(integration.get("requestTemplates"))
        result["responses"] = self.integration_responses(integration.get("responses"))
        return result

    def integration(self, integration: Cursor, path: str, method: HttpMethod) -> dict[str, Any]:
        value = integration.value
        kind = str(value.get("type", "")).lower()
        uri = value.get("uri")
        if isinstance(uri, dict) and set(uri) == {"Fn::Sub"} and isinstance(uri["Fn::Sub"], str):
            uri = uri["Fn::Sub"]  # a SAM or CloudFormation body: `uri: !Sub arn:${AWS::Partition}:…`
        result: dict[str, Any] = {}
        timeout = value.get("timeoutInMillis")
        if isinstance(timeout, int) and not isinstance(timeout, bool) and 0 <= timeout <= 2**53:
            result["timeout"] = Duration(milliseconds=timeout)
        elif timeout is not None:
            self.report(
                codes.INVALID_EXTENSION,
                integration.child_span("timeoutInMillis"),
                f"`timeoutInMillis` takes a whole number of milliseconds, got `{timeout}`",
            )
        vpc_link = None
        if str(value.get("connectionType", "")).upper() == "VPC_LINK":
            link_id = value.get("connectionId")
            if isinstance(link_id, str):
                vpc_link = link_id
                self.vpc_links.setdefault(link_id, VpcLink(name=link_id, id=link_id, span=integration.span))
        credentials = value.get("credentials") if isinstance(value.get("credentials"), str) else None
        tls = value.get("tlsConfig") if isinstance(value.get("tlsConfig"), dict) else {}
        tls_verify = False if tls.get("insecureSkipVerification") is True else None
        # where each backend field is written, so lint findings point at the integration's keys
        written = {
            "uri": "uri",
            "vpc_link": "connectionId",
            "tls_verify": "tlsConfig",
            "credentials": "credentials",
        }
        spans = {field: integration.child_span(key) for field, key in written.items() if key in value}
        if "uri" in spans:
            spans["url"] = spans["function"] = spans["uri"]
        if kind in ("http", "http_proxy"):
            parts = split_url(uri) if isinstance(uri, str) else None
            if parts is None or not parts.netloc:
                self.report(
                    codes.INVALID_EXTENSION,
                    integration.child_span("uri"),
                    f"an {kind} integration needs an absolute `uri`, got `{uri}`",
                )
                return result
            base = f"{parts.scheme}://{parts.netloc}"
            backend_type = BackendType.HTTP if kind == "http" else None
            result["backend"] = self.backend(
                ("http", base, backend_type, vpc_link, tls_verify),
                parts.netloc,
                url=base,
                type=backend_type,
                vpc_link=vpc_link,
                tls_verify=tls_verify,
                span=integration.span,
                field_spans=spans,
            )
            upstream = urllib.parse.unquote(parts.path) or "/"
            if upstream != path:
                result["upstream_path"] = upstream
        elif kind == "aws_proxy" and isinstance(uri, str) and LAMBDA_URI.search(uri):
            function = LAMBDA_URI.search(uri).group("fn")  # type: ignore[union-attr]
            label = function_label(function)
            result["backend"] = self.backend(
                ("lambda", function, credentials),
                label,
                type=BackendType.LAMBDA,
                function=function,
                credentials=credentials,
                span=integration.span,
                field_spans=spans,
            )
        elif kind == "aws" and isinstance(uri, str) and AWS_URI.fullmatch(uri):
            service = AWS_URI.fullmatch(uri).group("service")  # type: ignore[union-attr]
            result["backend"] = self.backend(
                ("aws", uri, credentials),
                service,
                type=BackendType.AWS,
                uri=uri,
                credentials=credentials,
                span=integration.span,
                field_spans=spans,
            )
        elif kind == "mock":
            result["backend"] = self.backend(("mock",), "mock", type=BackendType.MOCK, span=integration.span)
        else:
            self.report(
                codes.NOT_REPRESENTED,
                integration.child_span("type"),
                f"integration type `{value.get('type')}` with uri `{uri}` is not carried by apic's model",
                help="apic models http, http_proxy, mock, aws (with an arn:aws:apigateway:… uri) and "
                "Lambda (aws_proxy) integrations",
                severity=Severity.ERROR,
            )
            return result
        result.update(self.integration_details(integration, method))
        keys = self.strings(integration, "cacheKeyParameters")
        if keys:
            where = f"{integration.pointer}/cacheKeyParameters"
            sources = [
                parse_source(k, integration.document.index.span(f"{where}/{n}")) for n, k in enumerate(keys)
            ]
            result["cache"] = RouteCache(
                keys=tuple(s for s in sources if s is not None), span=integration.span
            )
        return result

    def request_parameters(self, cursor: Cursor | None) -> tuple[ForwardMapping, ...]:
        found = []
        for target, source_text in cursor.value.items() if cursor and isinstance(cursor.value, dict) else ():
            match = REQUEST_TARGET.fullmatch(str(target))
            source = parse_source(str(source_text), cursor.child_span(target))
            if match is None and (match := HTTP_TARGET.fullmatch(str(target))):  # an HTTP API's spelling
                source = parse_http_source(str(source_text), cursor.child_span(target))
            if match is None or source is None:
                self.report(
                    codes.INVALID_EXTENSION,
                    cursor.document.index.key_span(f"{cursor.pointer}/{escape(target)}"),
                    f"cannot read the mapping `{target}: {source_text}`",
                    help="map integration.request.{header|querystring|path}.NAME from "
                    "method.request.…, context.…, stageVariables.… or a 'static' value",
                )
                continue
            found.append(
                ForwardMapping(
                    location=LOCATIONS[match.group("where")],
                    name=match.group("name"),
                    source=source,
                    span=cursor.child_span(target),
                )
            )
        return tuple(sorted(found, key=lambda f: (f.location.value, f.name)))

    def templates(self, cursor: Cursor | None) -> tuple[Template, ...]:
        if cursor is None or not isinstance(cursor.value, dict):
            return ()
        return tuple(
            sorted(
                (
                    Template(content_type=ct, text=str(text), span=cursor.child_span(ct))
                    for ct, text in cursor.value.items()
                    if isinstance(text, str)
                ),
                key=lambda t: t.content_type,
            )
        )

    def response_headers(self, cursor: Cursor | None) -> dict[str, ParamSource] | None:
        if cursor is None or not isinstance(cursor.value, dict):
            return None
        headers = {}
        for target, source_text in cursor.value.items():
            match = RESPONSE_TARGET.fullmatch(str(target))
            source = parse_source(str(source_text), cursor.child_span(target))
            if match is None or source is None:
                self.report(
                    codes.INVALID_EXTENSION,
                    cursor.child_span(target),
                    f"cannot read the response mapping `{target}: {source_text}`",
                )
                continue
            headers[match.group("name")] = source
        return headers  # an explicit empty mapping stays empty, not unset

    def integration_responses(self, cursor: Cursor | None) -> tuple[IntegrationResponse, ...]:
        found = []
        for selection, response in cursor.items() if cursor else ():
            if not isinstance(response.value, dict):
                continue
            status = response.value.get("statusCode")
            found.append(
                IntegrationResponse(
                    selection=selection,
                    status=status_code(status),
                    headers=self.response_headers(response.get("responseParameters")),
                    templates=self.templates(response.get("responseTemplates")),
                    span=response.node_span,
                )
            )
        return tuple(sorted(found, key=lambda r: r.selection))
