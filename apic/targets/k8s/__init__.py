"""Target `k8s`: Kubernetes Ingress objects (networking.k8s.io/v1) for an Ingress controller.

`--option controller=alb` (the AWS Load Balancer Controller) is written; the controller
picks the capability row lint and refusals read. Other controllers (ingress-nginx, Kong)
are the rest of issue 14.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import ClassVar

from apic.compiler.capabilities import K8S_ALB, Platform
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.base import Artifact, CompileResult, OptionValue, Target, TargetOption
from apic.targets.k8s.alb import AlbApi, Ingresses
from apic.targets.yamltext import IndentedListDumper, dump_all

PLATFORMS = {"alb": K8S_ALB}


class K8sTarget(Target):
    name: ClassVar[str] = "k8s"
    description: ClassVar[str] = "Kubernetes Ingress (networking.k8s.io/v1) for an Ingress controller"
    output_formats: ClassVar[tuple[str, ...]] = ("yaml",)
    options: ClassVar[dict[str, TargetOption]] = {
        "controller": TargetOption(str, "alb", "the Ingress controller: alb", choices=tuple(PLATFORMS)),
    }

    def platform(self, options: Mapping[str, OptionValue]) -> Platform | None:
        return PLATFORMS[str(options["controller"])]

    def emit(
        self, model: GatewayModel, output_format: str | None, options: Mapping[str, OptionValue]
    ) -> CompileResult:
        out = Ingresses()
        for api in model.apis:
            if api.kind is not ApiKind.WEBSOCKET:  # refused as a whole by the capability table
                AlbApi(api, out).build()
        text = dump_all(out.objects, dumper=IndentedListDumper)
        return CompileResult(
            (Artifact(PurePosixPath("ingress.yaml"), text, "application/yaml"),), tuple(out.diagnostics)
        )
