"""Target `openapi`: each api as an OpenAPI 3.0 document, `<api>.openapi.yaml`.

`--option flavor=aws` (the default, `--flavor aws`) writes what API Gateway's import reads
(`x-amazon-apigateway-integration` per operation, authorizers, validators, gateway responses,
binary media types, the API key source, CORS: `x-amazon-apigateway-cors` on HTTP APIs, an
OPTIONS operation answering each path's preflight on REST APIs) and `x-apic-*` for what only
apic says, so that loading the document with apic gives the same model. `flavor=plain`
leaves API Gateway's extensions out (a document for people and other tools); what that
loses of an authorizer is said on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from apic.compiler import codes
from apic.compiler.capabilities import API_GATEWAY, Feature, Platform
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import Api, ApiKind, GatewayModel, HttpMethod, Route
from apic.targets.base import CompileResult, OptionValue, Target, TargetOption
from apic.targets.openapi.cors import cors_extensions
from apic.targets.openapi.document import Output, api_document
from apic.targets.openapi.integrations import Integrations
from apic.targets.yamltext import api_documents

OPENAPI = API_GATEWAY.without(
    Feature.WEBSOCKET_APIS,
    frozenset({ApiKind.WEBSOCKET}),
    "API Gateway imports OpenAPI for REST and HTTP APIs; a WebSocket api has no OpenAPI form",
)
VENDOR = "x-amazon-apigateway-"


class OpenApiTarget(Target):
    name: ClassVar[str] = "openapi"
    description: ClassVar[str] = (
        "OpenAPI 3.0 with API Gateway's import extensions (or plain), one file per api"
    )
    output_formats: ClassVar[tuple[str, ...]] = ("yaml", "json")
    capabilities: ClassVar[Platform] = OPENAPI
    options: ClassVar[dict[str, TargetOption]] = {
        "flavor": TargetOption(
            str,
            "aws",
            "aws: with API Gateway's x-amazon-apigateway-* extensions; plain: without them",
            choices=("aws", "plain"),
        ),
    }

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:

        def build(api: Api) -> tuple[str, Any, list[Diagnostic]]:
            out = Output()
            integrations = Integrations(api, out)

            def extras(route: Route, method: HttpMethod, operation: dict[str, Any]) -> None:
                written = integrations.integration(route, method)
                if written is not None:
                    operation["x-amazon-apigateway-integration"] = written

            document = api_document(api, out, extras)
            cors_extensions(api, document, out)
            say_not_imported(api, out)
            if options["flavor"] == "plain":
                document = plain(api, document, out)
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", api.name).strip("-") or "api"
            return name, document, out.diagnostics

        return api_documents(model, "target openapi", output_format, "openapi", build)


def say_not_imported(api: Api, out: Output) -> None:
    """What the document carries in x-apic-* for apic but API Gateway's import does not
    create (the import makes the API; stages, keys and domains are deployments): said once
    per kind, on its first construct."""
    kinds = [
        (api.stages, "stage", "its stages (variables, caches, throttles, logging, canaries)"),
        (api.usage_plans, "usage plan", "usage plans"),
        (api.consumers, "consumer", "API keys"),
        (api.domains, "domain", "custom domain names"),
        (
            [r.throttle for r in api.routes if r.throttle is not None],
            None,
            "route throttles (stage settings)",
        ),
        ([api.tracing] if api.tracing is not None else [], None, "X-Ray tracing (a stage setting)"),
    ]
    for nodes, label, what in kinds:
        if not nodes:
            continue
        first = nodes[0]
        name = f"{label} `{getattr(first, 'name', None) or getattr(first, 'host', '')}`: " if label else ""
        out.report(
            codes.TARGET_APPROXIMATION,
            first,
            None,
            f"{name}API Gateway's import creates the API, not {what}; the document keeps them in x-apic-* "
            "for apic",
            help="deploy them with target cfn, or create them after the import",
        )


def plain(api: Api, document: dict[str, Any], out: Output) -> dict[str, Any]:
    """The document without API Gateway's extensions and its preflight operations; an
    authorizer whose settings lived in them is said to be approximated."""
    for authorizer in api.authorizers:
        scheme = document.get("components", {}).get("securitySchemes", {}).get(authorizer.name, {})
        if VENDOR + "authorizer" in scheme:
            out.report(
                codes.TARGET_APPROXIMATION,
                authorizer,
                None,
                f"authorizer `{authorizer.name}` is a plain `Authorization` header scheme in the plain "
                "document; its API Gateway settings (x-amazon-apigateway-authorizer) are left out",
            )
    return _strip(document)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip(v)
            for k, v in value.items()
            if not (isinstance(k, str) and k.startswith(VENDOR))
            and not (isinstance(v, dict) and v.get("x-apic-preflight") is True)
        }
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value
