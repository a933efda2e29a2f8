"""What every controller's builder writes into: the Kubernetes objects and the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import K8sService
from apic.compiler.plan.routes import RoutePlan
from apic.targets.base import Reporter
from apic.targets.kubetls import ingress_tls


@dataclass
class Ingresses(Reporter):
    objects: list[dict[str, Any]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    once_per_place: ClassVar[bool] = True


def k8s_service(reporter: Reporter, plan: RoutePlan) -> K8sService | None:
    """The Kubernetes service a route's requests go to, or None after a TG003 on the route."""
    backend, route = plan.upstream.backend, plan.route
    if backend is None or backend.k8s is None:
        reporter.report(
            codes.TARGET_MISSING_FIELD,
            route,
            None,
            f"{route.label}: an Ingress sends requests to a Kubernetes service, and backend "
            f"`{backend.name if backend else route.backend}` has no `k8s` block",
            help='add `k8s { service = "…", namespace = "…", port = … }` to the backend',
        )
        return None
    return backend.k8s


def ingress_spec(ingress_class: str, rules: list[dict[str, Any]], hosts: tuple[str, ...]) -> dict[str, Any]:
    """An Ingress's spec: its class, its rules, and a TLS section per host (a controller in the
    cluster terminates TLS with the Secret `kubetls` names)."""
    spec: dict[str, Any] = {"ingressClassName": ingress_class, "rules": rules}
    if hosts:
        spec["tls"] = ingress_tls(hosts)
    return spec
