"""What every controller's builder writes into: the Kubernetes objects and the findings, and
the names Kubernetes accepts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import K8sService
from apic.compiler.plan.routes import RoutePlan
from apic.targets.base import Reporter

_NOT_DNS = re.compile(r"[^a-z0-9-]+")


def dns_name(*parts: str) -> str:
    """A DNS-1123 label from `parts` (what metadata.name takes)."""
    text = "-".join(_NOT_DNS.sub("-", p.lower()).strip("-") for p in parts if p)
    return text[:63].strip("-") or "api"


def hashed_name(readable: str, key: str) -> str:
    """A DNS-1123 label that reads like `readable` and stays unique by a hash of `key`."""
    return dns_name(readable[:54], hashlib.sha256(key.encode()).hexdigest()[:8])


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
