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
from apic.targets.unwritten import refuse_cors_clashes


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
    refuse_cors_clashes(reporter, plan)
    for preflight in plan.preflights:
        headers = preflight.fixed_headers()
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
