"""CORS in API Gateway's import: `x-amazon-apigateway-cors` for an HTTP API's api-wide policy,
and for a REST API an OPTIONS operation per path whose MOCK integration answers the
preflight (the import has no CORS setting for REST APIs; the console's "Enable CORS" writes
the same methods). The preflights come from the plan (`plan.cors`), as the `cfn` target's
OPTIONS methods do; each is marked `x-apic-preflight` so that apic reads the policy from
`x-apic-cors`, not the answer back as a route.
"""

from __future__ import annotations

from typing import Any

from apic.compiler import codes
from apic.compiler.model import Api, ApiKind
from apic.compiler.plan.cors import cors_plan
from apic.targets.base import Reporter
from apic.targets.openapi.document import PATH_PARAMETER


def cors_extensions(api: Api, document: dict[str, Any], reporter: Reporter) -> None:
    if api.kind is ApiKind.HTTP:
        policy = next((c for c in api.cors if c.name is None), None)
        if policy is not None:
            config = {
                "allowOrigins": list(policy.allow_origins) or None,
                "allowMethods": list(policy.allow_methods) or None,
                "allowHeaders": list(policy.allow_headers) or None,
                "exposeHeaders": list(policy.expose_headers) or None,
                "allowCredentials": policy.allow_credentials,
                "maxAge": int(policy.max_age.seconds) if policy.max_age else None,
            }
            document["x-amazon-apigateway-cors"] = {k: v for k, v in config.items() if v is not None}
        return
    plan = cors_plan(api, api.routes)
    for route in plan.clashes:
        reporter.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "cors",
            f"{route.label} uses another CORS policy than a route on the same path: a REST resource "
            "answers one preflight",
        )
    for preflight in plan.preflights:
        headers = {
            "Access-Control-Allow-Origin": ",".join(preflight.allow_origins),
            "Access-Control-Allow-Methods": ",".join(preflight.allow_methods),
            "Access-Control-Allow-Headers": ",".join(preflight.allow_headers),
        }
        if preflight.expose_headers:
            headers["Access-Control-Expose-Headers"] = ",".join(preflight.expose_headers)
        if preflight.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if preflight.max_age_seconds is not None:
            headers["Access-Control-Max-Age"] = str(int(preflight.max_age_seconds))
        if len(preflight.policy.allow_origins) > 1:
            reporter.report(
                codes.TARGET_APPROXIMATION,
                preflight.policy,
                "allow_origins",
                "a REST preflight answers one Access-Control-Allow-Origin value; the origins "
                f"`{', '.join(preflight.policy.allow_origins)}` are sent as one list, which browsers reject",
                help="allow one origin, or echo the caller's origin from a Lambda backend",
            )
        item = document["paths"].setdefault(preflight.path, {})
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in PATH_PARAMETER.findall(preflight.path)
        ]
        item["options"] = {
            "x-apic-preflight": True,
            **({"parameters": parameters} if parameters else {}),
            "responses": {
                "204": {
                    "description": "CORS preflight",
                    "headers": {name: {"schema": {"type": "string"}} for name in sorted(headers)},
                }
            },
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 204}'},
                "responses": {
                    "default": {
                        "statusCode": "204",
                        "responseParameters": {
                            f"method.response.header.{k}": f"'{v}'" for k, v in sorted(headers.items())
                        },
                    }
                },
            },
        }
