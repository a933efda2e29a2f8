"""Merging an Api read from OpenAPI into the Api of the same name read from `.gw`.

This is what `import "./openapi.yaml" as shop` means: the document's routes, backends and
authorizers join `api "shop"`, whose `.gw` blocks add stages, plans, domains and tracing
around them. Everything is defined once: a named block in both, or an attribute set in
both to different values, is an error naming both places.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.model import Api, ApiKind, GatewayModel

NAMED = {
    "backends": "name",
    "vpc_links": "name",
    "authorizers": "name",
    "stages": "name",
    "usage_plans": "name",
    "consumers": "name",
    "domains": "host",
    "gateway_responses": "type",
    "cors": "name",
}


def merge_api(base: Api, extra: Api, diagnostics: list[Diagnostic]) -> Api:
    changes: dict[str, Any] = {}
    for f in fields(Api):
        name = f.name
        if name in ("span", "field_spans", "name"):
            continue
        mine, theirs = getattr(base, name), getattr(extra, name)
        if name == "routes":
            changes[name] = tuple(
                sorted(mine + theirs, key=lambda r: (r.path, [METHOD_ORDER[m] for m in r.methods]))
            )
        elif name in NAMED:
            key = NAMED[name]
            merged = {getattr(item, key): item for item in mine}
            for item in theirs:
                other = merged.get(getattr(item, key))
                if other is not None and other != item:
                    diagnostics.append(
                        codes.DUPLICATE_DEFINITION(
                            item.span or extra.span,
                            f"{name[:-1].replace('_', ' ')} `{getattr(item, key)}` is defined "
                            f"both in the OpenAPI document and in .gw",
                            related=[(other.span or base.span, "also defined here")],
                        )
                    )
                merged[getattr(item, key)] = item
            changes[name] = tuple(sorted(merged.values(), key=lambda i: getattr(i, key) or ""))
        elif theirs in (None, (), {}) or (name == "kind" and theirs is ApiKind.REST):
            continue
        elif mine in (None, (), {}) or (name == "kind" and "kind" not in base.field_spans):
            changes[name] = theirs
        elif mine != theirs:
            diagnostics.append(
                codes.REDEFINED_ATTRIBUTE(
                    base.span_of(name) or base.span,
                    f"`{name}` of api `{base.name}` is set in .gw and differently "
                    "in the imported OpenAPI document",
                    related=[(extra.span, "the OpenAPI document")],
                )
            )
    return replace(base, **changes)


def merge_models(base: GatewayModel, extra: GatewayModel, diagnostics: list[Diagnostic]) -> GatewayModel:
    apis = {api.name: api for api in base.apis}
    for api in extra.apis:
        apis[api.name] = merge_api(apis[api.name], api, diagnostics) if api.name in apis else api
    return replace(base, apis=tuple(sorted(apis.values(), key=lambda a: a.name)))
