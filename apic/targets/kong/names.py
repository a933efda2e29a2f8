"""Names and ids of Kong entities: readable, unique in the file, and stable.

Kong keys its entities by UUID and decK matches a file to a running Kong by name or id, so
an id must not change when other entities are added: it is a UUIDv5 of what the entity is
(`route:<api>:<method> <path>:<base path>`), never of its position. Names keep the
characters Kong accepts in every entity name (letters, digits, `.`, `_`, `~`, `-`); when two
different things read the same, the one met later in the model's (sorted) order gets a hash
of what it is appended.
"""

from __future__ import annotations

import hashlib
import re
import uuid

# uuid5(NAMESPACE_URL, "https://apic.dev/targets/kong"): fixed forever, or every id changes
NAMESPACE = uuid.UUID("7cbac86c-d2e0-5ef8-ae09-376c5a53f42a")
_NOT_NAME = re.compile(r"[^A-Za-z0-9._~-]+")
_NOT_HOST = re.compile(r"[^a-z0-9-]+")
NAME_MAX = 128


def entity_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def slug(text: str) -> str:
    """`GET /book/{book-id}` -> `GET.book.book-id`: what Kong takes in a name."""
    return _NOT_NAME.sub(".", text).strip(".") or "root"


def host_label(text: str) -> str:
    """A DNS label: Kong's upstream names are host names."""
    return _NOT_HOST.sub("-", text.lower()).strip("-")[:40] or "x"


def short_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


class Names:
    """Allocates one unique name per key within an entity kind."""

    def __init__(self) -> None:
        self._owners: dict[tuple[str, str], str] = {}
        self._by_key: dict[tuple[str, str], str] = {}

    def name(self, kind: str, key: str, readable: str) -> str:
        if (kind, key) in self._by_key:
            return self._by_key[(kind, key)]
        candidate = readable[:NAME_MAX]
        owner = self._owners.get((kind, candidate))
        if owner is not None and owner != key:
            candidate = f"{readable[: NAME_MAX - 9]}-{short_hash(key)}"
        self._owners[(kind, candidate)] = key
        self._by_key[(kind, key)] = candidate
        return candidate
