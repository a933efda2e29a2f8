"""What every controller's builder writes into: the Kubernetes objects and the findings, and
the names Kubernetes accepts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apic.compiler.diagnostics import Diagnostic
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
