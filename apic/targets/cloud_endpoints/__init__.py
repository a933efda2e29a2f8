"""Target `cloud-endpoints`: Google Cloud Endpoints service configurations (Swagger 2.0 with
`x-google-*` extensions) for ESP / ESPv2, one file per api.

What Endpoints cannot express is refused through the capability table (CLOUD_ENDPOINTS) or
reported by the builder, as on every target: security it cannot check is an error, what it
does approximately (quotas per minute and project, CORS left to the backend) a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from apic.compiler.capabilities import CLOUD_ENDPOINTS, Feature, Platform
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import Api, GatewayModel
from apic.targets.base import CompileResult, OptionValue, Target, TargetOption
from apic.targets.cloud_endpoints.build import EndpointsDocument, slug
from apic.targets.unwritten import TLS_IN_CONFIG
from apic.targets.yamltext import api_documents

# a Google Cloud project id: 6-30 lower-case letters, digits and hyphens, starting with a letter
PROJECT_ID = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]")


class CloudEndpointsTarget(Target):
    name: ClassVar[str] = "cloud-endpoints"
    description: ClassVar[str] = "Google Cloud Endpoints service configuration (Swagger 2.0, ESP / ESPv2)"
    output_formats: ClassVar[tuple[str, ...]] = ("yaml", "json")
    capabilities: ClassVar[Platform] = CLOUD_ENDPOINTS
    options: ClassVar[dict[str, TargetOption]] = {
        "project": TargetOption(
            str,
            "",
            "the Google Cloud project of the service: its name is <api>.endpoints.<project>.cloud.goog",
            form=PROJECT_ID,
            form_text="a Google Cloud project id (6-30 lower-case letters, digits and hyphens)",
        ),
        TLS_IN_CONFIG: TargetOption(
            bool,
            False,
            "the load balancer's SSL policy enforces the domains' TLS policies: say them, not refuse",
        ),
        "backend-id-token": TargetOption(
            bool,
            False,
            "let ESPv2 send the backend its own ID token in Authorization (Cloud Run, Cloud Functions); "
            "by default the caller's headers go through unchanged",
        ),
    }

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        return CLOUD_ENDPOINTS.granting(Feature.TLS_POLICIES) if options[TLS_IN_CONFIG] else CLOUD_ENDPOINTS

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:

        def build(api: Api) -> tuple[str, Any, list[Diagnostic]]:
            builder = EndpointsDocument(api, options)
            document = builder.build()
            return slug(api.name), document, builder.diagnostics

        return api_documents(model, "Cloud Endpoints", output_format, "endpoints", build)
