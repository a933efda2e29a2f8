"""API Gateway's own spelling of mapping sources (`method.request.path.id`, `'static'`).

Shared by the OpenAPI frontend's printer (x-amazon-apigateway-integration) and the `cfn`
target, which write the same strings into different documents.
"""

from __future__ import annotations

from apic.compiler.model import ParamSource, SourceKind

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
