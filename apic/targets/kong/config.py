"""The Kong declarative file being built, its diagnostics, and how it is printed.

Entities are plain dicts in decK's shape. Routes sit inside their service, plugins inside
the route, service or consumer they apply to; only plugins scoped to a route *and* a
consumer are top-level. Printing sorts every list by name (and every mapping by key), so
the file is the same bytes whatever order the model was declared or the builders ran in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.targets.base import Reporter
from apic.targets.kong.names import Names, entity_id
from apic.targets.yamltext import IndentedListDumper, dump

FORMAT_VERSION = "3.0"
Json = Any


@dataclass
class KongConfig(Reporter):
    names: Names = field(default_factory=Names)
    services: dict[str, dict[str, Json]] = field(default_factory=dict)
    routes: list[dict[str, Json]] = field(default_factory=list)  # routes without a service
    upstreams: dict[str, dict[str, Json]] = field(default_factory=dict)
    consumers: dict[str, dict[str, Json]] = field(default_factory=dict)
    plugins: list[dict[str, Json]] = field(default_factory=list)  # route + consumer scoped
    diagnostics: list[Diagnostic] = field(default_factory=list)
    once_per_place: ClassVar[bool] = True

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def consumer(self, username: str) -> dict[str, Json]:
        """The consumer `username`, created on first use."""
        return self.consumers.setdefault(
            username, {"username": username, "id": entity_id("consumer", username)}
        )

    def document(self) -> dict[str, Json]:
        doc: dict[str, Json] = {"_format_version": FORMAT_VERSION}
        sections = {
            "services": [_sorted_service(s) for s in self.services.values()],
            "routes": [_sorted_entity(r) for r in self.routes],
            "upstreams": list(self.upstreams.values()),
            "consumers": [_sorted_consumer(c) for c in self.consumers.values()],
            "plugins": self.plugins,
        }
        for key, items in sections.items():
            if items:
                doc[key] = sorted(items, key=_entity_key)
        return doc


def _entity_key(entity: dict[str, Json]) -> tuple[str, ...]:
    return tuple(str(entity.get(k, "")) for k in ("name", "username", "route", "consumer", "target", "id"))


def _sorted_entity(entity: dict[str, Json]) -> dict[str, Json]:
    if "plugins" in entity:
        entity = {**entity, "plugins": sorted(entity["plugins"], key=_entity_key)}
    return entity


def _sorted_service(service: dict[str, Json]) -> dict[str, Json]:
    service = _sorted_entity(service)
    if "routes" in service:
        service = {
            **service,
            "routes": sorted((_sorted_entity(r) for r in service["routes"]), key=_entity_key),
        }
    return service


def _sorted_consumer(consumer: dict[str, Json]) -> dict[str, Json]:
    consumer = _sorted_entity(consumer)
    if "acls" in consumer:
        consumer = {**consumer, "acls": sorted(consumer["acls"], key=lambda a: a["group"])}
    return consumer


def to_yaml(document: dict[str, Json]) -> str:
    return dump(document, dumper=IndentedListDumper)


def to_json(document: dict[str, Json]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
