"""API Gateway's own spelling of mapping sources (`method.request.path.id`, `'static'`).

Shared by the OpenAPI frontend's printer (x-amazon-apigateway-integration) and the `cfn`
target, which write the same strings into different documents.
"""

from __future__ import annotations

import re

from apic.compiler.model import ParamSource, Route, SourceKind
from apic.compiler.source import Span

SOURCE_TEXT = {
    SourceKind.PATH: "method.request.path.",
    SourceKind.QUERY: "method.request.querystring.",
    SourceKind.HEADER: "method.request.header.",
    SourceKind.CONTEXT: "context.",
    SourceKind.STAGE_VARIABLE: "stageVariables.",
    SourceKind.INTEGRATION_HEADER: "integration.response.header.",
}


def source_text(source: ParamSource) -> str:
    return f"'{source.name}'" if source.kind is SourceKind.STATIC else SOURCE_TEXT[source.kind] + source.name


# A Lambda integration or authorizer URI, in every partition (`aws`, `aws-cn`,
# `aws-us-gov`) and in the Fn::Sub form SAM and CloudFormation bodies use:
# `arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations`.
LAMBDA_URI = re.compile(
    r"arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):apigateway:(?:[a-z0-9-]+|\$\{AWS::Region\}):lambda:"
    r"path/[^/]+/functions/(?P<fn>.+?)/invocations$"
)
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
STAGE_VARIABLE = re.compile(r"(?:stage\.var|stageVariables)\.([A-Za-z0-9_]+)")
STAGE_VAR = re.compile(r"\$\{stage\.var\.([A-Za-z0-9_]+)\}")


def stage_variables_in(text: str) -> str:
    """`${stage.var.env}` (the .gw spelling) -> `${stageVariables.env}` (API Gateway's)."""
    return STAGE_VAR.sub(lambda m: "${stageVariables." + m.group(1) + "}", text)


def function_references(function: str) -> list[str]:
    """The `${…}` expressions of a function ARN that CloudFormation resolves at deploy time:
    pseudo parameters (`AWS::Region`) and references to the source stack (`MyFunction.Arn`).
    Stage variables (`stage.var.x`, `stageVariables.x`) are API Gateway's, resolved per
    request, and are not among them."""
    return [e for e in EXPRESSION.findall(function) if not STAGE_VARIABLE.fullmatch(e)]


SOURCES = [
    (re.compile(r"method\.request\.path\.(.+)", re.S), SourceKind.PATH),
    (re.compile(r"method\.request\.querystring\.(.+)", re.S), SourceKind.QUERY),
    (re.compile(r"method\.request\.header\.(.+)", re.S), SourceKind.HEADER),
    (re.compile(r"integration\.response\.header\.(.+)", re.S), SourceKind.INTEGRATION_HEADER),
    (re.compile(r"\$?context\.(.+)", re.S), SourceKind.CONTEXT),
    (re.compile(r"\$?stageVariables\.(.+)", re.S), SourceKind.STAGE_VARIABLE),
    # HTTP APIs spell them `$request.…` (identity sources, parameter mappings)
    (re.compile(r"\$request\.path\.(.+)", re.S), SourceKind.PATH),
    (re.compile(r"\$request\.querystring\.(.+)", re.S), SourceKind.QUERY),
    (re.compile(r"\$request\.header\.(.+)", re.S), SourceKind.HEADER),
]


def parse_source(text: str, span: Span | None = None) -> ParamSource | None:
    """`method.request.header.X`, `context.requestId`, `'static'`… -> ParamSource at `span`."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return ParamSource(kind=SourceKind.STATIC, name=text[1:-1], span=span)
    for pattern, kind in SOURCES:
        match = pattern.fullmatch(text)
        if match:
            return ParamSource(kind=kind, name=match.group(1), span=span)
    return None


REQUEST_LOCATIONS = {SourceKind.PATH: "path", SourceKind.QUERY: "querystring", SourceKind.HEADER: "header"}
# HTTP APIs' parameter mappings: `overwrite:header.X-Id: $request.path.id`, a fixed value as
# it is, unquoted ("Transforming API requests and responses", API Gateway HTTP API guide)
HTTP_SOURCE_TEXT = {
    SourceKind.PATH: "$request.path.",
    SourceKind.QUERY: "$request.querystring.",
    SourceKind.HEADER: "$request.header.",
    SourceKind.CONTEXT: "$context.",
    SourceKind.STAGE_VARIABLE: "$stageVariables.",
    SourceKind.INTEGRATION_HEADER: "$response.header.",
}
HTTP_TARGET = re.compile(r"overwrite:(?P<where>header|querystring)\.(?P<name>.+)", re.S)


def http_source_text(source: ParamSource) -> str:
    """A source in HTTP API parameter mapping syntax: `$request.path.id`, or a fixed value."""
    return source.name if source.kind is SourceKind.STATIC else HTTP_SOURCE_TEXT[source.kind] + source.name


def parse_http_source(text: str, span: Span | None = None) -> ParamSource | None:
    """The inverse of `http_source_text`: a `$…` expression, or else a fixed value."""
    if text.startswith("$"):
        return parse_source(text, span)
    return ParamSource(kind=SourceKind.STATIC, name=text, span=span)


def http_request_parameters(route: Route) -> dict[str, str]:
    """The route's forwarded headers and query parameters as an HTTP API integration's
    `requestParameters`, sorted. A path parameter has no such mapping (HTTP APIs rewrite
    the whole path): the caller refuses it. Target cfn writes these into
    AWS::ApiGatewayV2::Integration, target openapi into x-amazon-apigateway-integration."""
    return dict(
        sorted(
            (f"overwrite:{REQUEST_LOCATIONS[f.location]}.{f.name}", http_source_text(f.source))
            for f in route.forward
            if f.location is not SourceKind.PATH
        )
    )


_VARIABLE = re.compile(r"\{([^}]+)\}")


def forward_parameters(route: Route) -> dict[str, str]:
    """The route's forwarded values as a REST integration's `requestParameters`
    (`integration.request.header.X-Id: method.request.path.id`), in the route's order."""
    return {
        f"integration.request.{REQUEST_LOCATIONS[f.location]}.{f.name}": source_text(f.source)
        for f in route.forward
    }


def rest_request_parameters(route: Route, upstream: str, proxy: bool) -> dict[str, str]:
    """An HTTP integration's `requestParameters` on a REST API, sorted: the forwarded values;
    each `{name}` of the upstream path template from the path parameter of that name (API
    Gateway fills a URI's variables only through these mappings); for a non-proxy
    integration, each declared query and header parameter passed on. A forwarded value wins
    over the implied mapping of the same target. Target cfn writes these into
    AWS::ApiGateway::Method, target openapi into x-amazon-apigateway-integration."""
    mappings = forward_parameters(route)
    for name in _VARIABLE.findall(upstream):
        mappings.setdefault(f"integration.request.path.{name}", f"method.request.path.{name}")
    if not proxy:
        for p in route.query_params:
            mappings.setdefault(
                f"integration.request.querystring.{p.name}", f"method.request.querystring.{p.name}"
            )
        for p in route.header_params:
            mappings.setdefault(f"integration.request.header.{p.name}", f"method.request.header.{p.name}")
    return dict(sorted(mappings.items()))
