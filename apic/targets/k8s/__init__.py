"""Target `k8s`: Kubernetes Ingress objects (networking.k8s.io/v1) for an Ingress controller.

`--option controller=alb` (the AWS Load Balancer Controller) or `kong` (the Kong Ingress
Controller) or `nginx` (ingress-nginx); the controller picks the capability row lint and
refusals read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler.capabilities import K8S_ALB, K8S_NGINX, KONG, Feature, Platform
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.base import Artifact, CompileResult, OptionValue, Target, TargetOption
from apic.targets.k8s.alb import AlbApi
from apic.targets.k8s.kong import KongApi
from apic.targets.k8s.nginx import NginxApi
from apic.targets.k8s.objects import Ingresses
from apic.targets.unwritten import TLS_IN_CONFIG, say_tls_policies_elsewhere
from apic.targets.yamltext import IndentedListDumper, dump_all

BUILDERS = {"alb": AlbApi, "kong": KongApi, "nginx": NginxApi}
PLATFORMS = {"alb": K8S_ALB, "kong": KONG, "nginx": K8S_NGINX}
# where a controller in the cluster takes its TLS protocols (the ALB takes them per Ingress)
TLS_SETTINGS = {
    "kong": "kong.conf: `ssl_protocols = {protocols}` (the chart's `env.ssl_protocols`)",
    "nginx": 'the controller\'s ConfigMap: `ssl-protocols: "{protocols}"`',
}


class K8sTarget(Target):
    name: ClassVar[str] = "k8s"
    description: ClassVar[str] = "Kubernetes Ingress (networking.k8s.io/v1) for an Ingress controller"
    output_formats: ClassVar[tuple[str, ...]] = ("yaml",)
    options: ClassVar[dict[str, TargetOption]] = {
        "controller": TargetOption(
            str,
            "alb",
            "the Ingress controller: alb, kong, or nginx (ingress-nginx, retired in March 2026)",
            choices=tuple(PLATFORMS),
        ),
        TLS_IN_CONFIG: TargetOption(
            bool,
            False,
            "the controller's own configuration enforces the domains' TLS policies (kong, nginx): "
            "say them, not refuse",
        ),
    }

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        controller = str(options["controller"])
        if options[TLS_IN_CONFIG] and controller in TLS_SETTINGS:
            return PLATFORMS[controller].granting(Feature.TLS_POLICIES)
        return PLATFORMS[controller]

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        out = Ingresses()
        for api in model.apis:
            if api.kind is not ApiKind.WEBSOCKET:  # refused as a whole by the capability table
                BUILDERS[str(options["controller"])](api, out).build()
                if options[TLS_IN_CONFIG] and str(options["controller"]) in TLS_SETTINGS:
                    say_tls_policies_elsewhere(out, api, TLS_SETTINGS[str(options["controller"])])
        objects = sorted(
            out.objects, key=lambda o: (o["kind"], o["metadata"]["namespace"], o["metadata"]["name"])
        )
        text = dump_all(objects, dumper=IndentedListDumper)
        return CompileResult(
            (Artifact(PurePosixPath("ingress.yaml"), text, "application/yaml"),), tuple(out.diagnostics)
        )
