"""Where a Kong service sends requests: the backend's Kubernetes service or its URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apic.compiler.model import Backend
from apic.compiler.plan.upstream import Origin, url_problem

_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)


@dataclass(frozen=True)
class Destination:
    """What a Kong service says about where requests go."""

    protocol: str
    host: str
    port: int
    path: str
    tls_verify: bool | None


def destination(backend: Backend, origin: Origin | None) -> Destination | str:
    """The backend as a Kong service target, or why it cannot be one. The Kubernetes service
    wins over a URL (language.md: Kong, Nginx, Ingress and HTTPRoute use `k8s`; the URL is
    how API Gateway reaches the cluster from outside, often through a load balancer Kong
    running in the cluster does not need)."""
    if backend.k8s is not None:
        k8s = backend.k8s
        host = f"{k8s.service}.{k8s.namespace}.svc" if k8s.namespace else k8s.service
        if not _HOST.match(host):
            return f"`{host}` is not a host name"
        return Destination("http", host, k8s.port, "", None)
    if origin is not None:
        if not _HOST.match(origin.host):
            return (
                f"the host `{origin.host}` of backend `{backend.name}` is not a host name "
                "(stage variables have no Kong counterpart)"
            )
        verify = backend.tls_verify if origin.scheme == "https" else None
        return Destination(origin.scheme, origin.host, origin.port, origin.path, verify)
    if backend.url is not None:
        return f"backend `{backend.name}`: {url_problem(backend.url) or 'the URL is not usable'}"
    return f"backend `{backend.name}` has neither a URL nor a Kubernetes service"
