"""Target `kong`: Kong Gateway 3.x declarative configuration (DB-less, `deck gateway sync`).

One file for every API in the model: services (one per backend and timeout), their routes
(regex paths with explicit methods and `regex_priority`, see `services`), upstreams with
health checks, consumers with key-auth credentials and acl groups, and the plugins that
say auth, limits, CORS, caching, forwarding and sampling. What Kong cannot say is refused
through the capability table or reported by the builders.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler.capabilities import KONG, Feature, Platform
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.base import Artifact, CompileResult, OptionValue, Target, TargetOption
from apic.targets.kong.build import ApiBuilder
from apic.targets.kong.config import KongConfig, to_json, to_yaml
from apic.targets.kong.templating import refuse_templates
from apic.targets.unwritten import TLS_IN_CONFIG, say_tls_policies_elsewhere

KONG_CONF_TLS = "kong.conf: `ssl_protocols = {protocols}`"


def build_config(model: GatewayModel) -> KongConfig:
    config = KongConfig()
    for api in model.apis:
        if api.kind is not ApiKind.WEBSOCKET:  # refused as a whole by the capability table
            ApiBuilder(api, config).build()
    return config


class KongTarget(Target):
    name: ClassVar[str] = "kong"
    description: ClassVar[str] = "Kong Gateway 3.x declarative configuration (decK / DB-less)"
    output_formats: ClassVar[tuple[str, ...]] = ("yaml", "json")
    capabilities: ClassVar[Platform] = KONG
    options: ClassVar[dict[str, TargetOption]] = {
        TLS_IN_CONFIG: TargetOption(
            bool, False, "kong.conf enforces the domains' TLS policies (ssl_protocols): say them, not refuse"
        ),
    }

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        return KONG.granting(Feature.TLS_POLICIES) if options[TLS_IN_CONFIG] else KONG

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        config = build_config(model)
        if options[TLS_IN_CONFIG]:
            for api in model.apis:
                say_tls_policies_elsewhere(config, api, KONG_CONF_TLS)
        document = config.document()
        refuse_templates(config, model, document)
        if (output_format or "yaml") == "json":
            artifact = Artifact(PurePosixPath("kong.json"), to_json(document), "application/json")
        else:
            artifact = Artifact(PurePosixPath("kong.yaml"), to_yaml(document), "application/yaml")
        return CompileResult((artifact,), tuple(config.diagnostics))
