"""`--backend NAME=URL`: point a model's backends at other addresses (a local run, a staging
copy) without editing the source. Every target compiles the model this returns; a backend
keeps its name, type and settings, and the URL becomes its only address (a `k8s` service or
VPC link it had is dropped, so a target that prefers them reaches the URL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from apic.compiler.model import GatewayModel
from apic.compiler.plan.upstream import url_problem


class BackendOverrideError(ValueError):
    """An override that names no backend or gives no usable URL; the message says which, and
    `name` is the backend name (or the whole item) it is about."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


def parse_overrides(given: list[str]) -> dict[str, str]:
    """`NAME=URL` items as a mapping; BackendOverrideError on the first malformed one."""
    found: dict[str, str] = {}
    for item in given:
        name, equals, url = item.partition("=")
        if not equals or not name:
            raise BackendOverrideError(f"`--backend {item}` needs the form NAME=URL", item)
        problem = url_problem(url)
        if problem is not None:
            raise BackendOverrideError(f"backend `{name}`: {problem}", name)
        found[name] = url
    return found


def with_backends(model: GatewayModel, urls: Mapping[str, str]) -> GatewayModel:
    """The model with each named backend's URL replaced, in every API that has one by that
    name; BackendOverrideError when a name matches no backend."""
    known = {b.name for api in model.apis for b in api.backends}
    unknown = sorted(set(urls) - known)
    if unknown:
        raise BackendOverrideError(
            f"no backend is named {', '.join(f'`{n}`' for n in unknown)} "
            f"(backends: {', '.join(sorted(known)) or 'none'})",
            unknown[0],
        )
    apis = []
    for api in model.apis:
        backends = tuple(
            # the URL is the backend's only address now: not a Kubernetes service or VPC link
            dataclasses.replace(b, url=urls[b.name], k8s=None, vpc_link=None) if b.name in urls else b
            for b in api.backends
        )
        apis.append(dataclasses.replace(api, backends=backends) if backends != api.backends else api)
    return dataclasses.replace(model, apis=tuple(apis))
