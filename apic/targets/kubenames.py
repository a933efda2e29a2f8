"""Names Kubernetes takes, for every target that writes Kubernetes objects (gateway-api, k8s).

Not a target: metadata names and section names are DNS-1123 labels, and two targets write
them for the same routes.
"""

from __future__ import annotations

import hashlib
import re

from apic.compiler.model import Route

_NOT_DNS = re.compile(r"[^a-z0-9-]+")


def dns_name(*parts: str) -> str:
    """A DNS-1123 label from `parts` (what metadata.name takes)."""
    text = "-".join(_NOT_DNS.sub("-", p.lower()).strip("-") for p in parts if p)
    return text[:63].strip("-") or "api"


def hashed_name(readable: str, key: str) -> str:
    """A DNS-1123 label that reads like `readable` and stays unique by a hash of `key`."""
    return dns_name(readable[:54], hashlib.sha256(key.encode()).hexdigest()[:8])


def route_name(route: Route) -> str:
    """A route's methods and path made a DNS label, with a hash of its label, which keeps names
    apart that read the same (`/a-b` and `/a_b`) and does not change when routes are added."""
    readable = dns_name("-".join(m.value for m in route.methods), route.path.replace("$", ""))
    return hashed_name(readable, route.label)
