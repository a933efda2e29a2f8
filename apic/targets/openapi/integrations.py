"""`x-amazon-apigateway-integration` per operation: how API Gateway's import sends a route on.

The same decisions the `cfn` target makes for AWS::ApiGateway::Method and
AWS::ApiGatewayV2::Integration, in the import's spelling (API Gateway developer guide,
"x-amazon-apigateway-integration object"): a Lambda backend is an `aws_proxy` integration
(POST to the function's invocation ARN; payload format 2.0 on HTTP APIs), a URL backend an
`http_proxy` (or `http` for `type = http`) integration to the URL plus the route's upstream
path, whose `{name}` variables API Gateway fills only through `integration.request.path.name`
mappings on REST APIs; a mock backend `mock`, an AWS service backend `aws`. The import reads
literal ARNs only: a function named by a CloudFormation reference, or a VPC link apic would
create, cannot be imported and is said on the construct.
"""

from __future__ import annotations

import re
from typing import Any

from apic.compiler import codes
from apic.compiler.apigateway import (
    forward_parameters,
    http_request_parameters,
    rest_request_parameters,
    source_text,
    stage_variables_in,
)
from apic.compiler.model import Api, ApiKind, BackendType, HttpMethod, Route, SourceKind
from apic.compiler.plan.caching import cache_keys, cached_routes
from apic.compiler.plan.upstream import effective_timeout, upstream_template
from apic.targets.base import Reporter

LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?"
)


class Integrations:
    def __init__(self, api: Api, reporter: Reporter) -> None:
        self.api = api
        self.reporter = reporter
        self.cached = {id(r) for r in cached_routes(api)} if api.kind is ApiKind.REST else set()

    def integration(self, route: Route, method: HttpMethod) -> dict[str, Any] | None:
        backend = self.api.backend(route.backend)
        if backend is None:
            return None
        rest = self.api.kind is ApiKind.REST
        written: dict[str, Any] = {}
        timeout = effective_timeout(self.api, route)
        if timeout is not None:
            written["timeoutInMillis"] = int(timeout.milliseconds)
        if backend.type is BackendType.LAMBDA:
            uri = self.lambda_uri(backend)
            if uri is None:
                return None
            written |= {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
            if not rest:
                written["payloadFormatVersion"] = "2.0"
            if backend.credentials:
                written["credentials"] = backend.credentials
            return written
        if backend.type is BackendType.MOCK:
            written = {
                "type": "mock",
                "requestTemplates": self.templates(route) or {"application/json": '{"statusCode": 200}'},
            }
            written["responses"] = self.responses(route) or {"default": {"statusCode": "200"}}
            return written
        if backend.type is BackendType.AWS:
            written |= {
                "type": "aws",
                "httpMethod": (
                    route.upstream_method or (HttpMethod.POST if method is HttpMethod.ANY else method)
                ).value,
                "uri": stage_variables_in(backend.uri or ""),
            }
            if backend.credentials:
                written["credentials"] = backend.credentials
            if rest:
                written["requestParameters"] = dict(sorted(forward_parameters(route).items()))
            self.details(route, written, proxy=False)
            return written
        if backend.url is None:
            self.reporter.report(
                codes.TARGET_MISSING_FIELD,
                backend,
                None,
                f"backend `{backend.name}` needs `url`: API Gateway cannot reach a Kubernetes service by "
                "name",
            )
            return None
        proxy = backend.type is not BackendType.HTTP
        upstream = upstream_template(route)
        written |= {
            "type": "http_proxy" if proxy else "http",
            "httpMethod": (route.upstream_method or method).value,
            "uri": stage_variables_in(backend.url.rstrip("/") + upstream),
        }
        if not rest:
            written["payloadFormatVersion"] = "1.0"
        if backend.vpc_link is not None:
            link = next((v for v in self.api.vpc_links if v.name == backend.vpc_link), None)
            if link is None or link.id is None:
                self.reporter.report(
                    codes.TARGET_MISSING_FIELD,
                    link or backend,
                    None,
                    f"vpc_link `{backend.vpc_link}`: API Gateway's import connects to an existing VPC link; "
                    "give it its `id`",
                )
                return None
            written |= {"connectionType": "VPC_LINK", "connectionId": stage_variables_in(link.id)}
        if backend.tls_verify is False:
            written["tlsConfig"] = {"insecureSkipVerification": True}
        if rest:
            written["requestParameters"] = rest_request_parameters(route, upstream, proxy)
        self.details(route, written, proxy=proxy)
        if rest and id(route) in self.cached:
            written["cacheKeyParameters"] = [source_text(k) for k in cache_keys(route)]
        return written

    def details(self, route: Route, written: dict[str, Any], *, proxy: bool) -> None:
        """Mapping templates and integration responses (REST API spellings); an empty
        `requestParameters` is left out."""
        if not written.get("requestParameters"):
            written.pop("requestParameters", None)
        if self.api.kind is not ApiKind.REST:
            for mapping in route.forward:
                if mapping.location is SourceKind.PATH:
                    self.reporter.report(
                        codes.TARGET_UNSUPPORTED,
                        mapping,
                        None,
                        f"{route.label}: HTTP APIs rewrite the whole path, not one path parameter "
                        f"(`{mapping.name}`)",
                    )
            if route.forward:
                written["requestParameters"] = http_request_parameters(route)
            return
        templates = self.templates(route)
        if templates:
            written["requestTemplates"] = templates
            written["passthroughBehavior"] = "when_no_templates"
        if not proxy:
            written["responses"] = self.responses(route) or {"default": {"statusCode": "200"}}

    def templates(self, route: Route) -> dict[str, str]:
        return {t.content_type: t.text for t in sorted(route.request_templates, key=lambda t: t.content_type)}

    def responses(self, route: Route) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for r in route.responses:
            entry: dict[str, Any] = {"statusCode": str(r.status or 200)}
            if r.headers:
                entry["responseParameters"] = {
                    f"method.response.header.{k}": source_text(v) for k, v in sorted(r.headers.items())
                }
            if r.templates:
                entry["responseTemplates"] = {t.content_type: t.text for t in r.templates}
            found[r.selection] = entry
        return found

    def lambda_uri(self, backend: Any) -> str | None:
        function = backend.function or ""
        match = LAMBDA_ARN.fullmatch(function)
        if match is None:
            self.reporter.report(
                codes.TARGET_MISSING_FIELD,
                backend,
                "function",
                f"backend `{backend.name}`: API Gateway's import needs the function's ARN "
                f"(arn:aws:lambda:REGION:ACCOUNT:function:NAME), not `{function}`",
            )
            return None
        partition = function.split(":")[1]
        region = match.group("region")
        return f"arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/{function}/invocations"
