"""Target `gateway-api`: Kubernetes Gateway API HTTPRoute objects (gateway.networking.k8s.io/v1).

Routes reach the Kubernetes services of the model's backends; paths, methods, hosts, the
upstream path (when a whole path is replaced), fixed request headers, CORS and timeouts are
written; what an HTTPRoute cannot say is refused or said (see `build`). With
`--option gateway-class=NAME` the Gateway comes first in the file (see `listeners`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler.capabilities import GATEWAY_API, Platform
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.base import Artifact, CompileResult, OptionValue, Target, TargetOption
from apic.targets.gateway_api.build import ApiRoutes, HttpRoutes
from apic.targets.yamltext import IndentedListDumper, dump_all


class GatewayApiTarget(Target):
    name: ClassVar[str] = "gateway-api"
    description: ClassVar[str] = "Kubernetes Gateway API HTTPRoutes (gateway.networking.k8s.io/v1)"
    output_formats: ClassVar[tuple[str, ...]] = ("yaml",)
    capabilities: ClassVar[Platform] = GATEWAY_API
    options: ClassVar[dict[str, TargetOption]] = {
        "gateway": TargetOption(str, "gateway", "the Gateway the routes attach to (parentRefs)"),
        "gateway-namespace": TargetOption(str, "", "the Gateway's namespace, when not the routes' own"),
        "gateway-class": TargetOption(
            str, "", "write the Gateway too, of this GatewayClass, with a listener per domain"
        ),
    }

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        gateway_class = str(options["gateway-class"])
        out = HttpRoutes(str(options["gateway"]), str(options["gateway-namespace"]), gateway_class)
        for api in model.apis:
            if api.kind is not ApiKind.WEBSOCKET:  # refused as a whole by the capability table
                ApiRoutes(api, out).build()
        objects = out.objects
        if gateway_class:
            namespace = str(options["gateway-namespace"]) or "default"
            gateway = out.listeners.gateway(out, str(options["gateway"]), namespace, gateway_class)
            objects = ([gateway] if gateway is not None else []) + objects
        text = dump_all(objects, dumper=IndentedListDumper)
        artifact = Artifact(PurePosixPath("httproutes.yaml"), text, "application/yaml")
        return CompileResult((artifact,), tuple(out.diagnostics))
