"""A CloudFormation template under construction: logical ids, intrinsics, rendering.

Logical ids are derived from the names in the model, never from positions, counters or
what else the model holds: a resource's id is a function of that resource's own name, so
adding or removing another route, stage, domain or consumer never renames it (a renamed
Method or Resource is a replacement, and API Gateway refuses to create the new one beside
the old: the deploy fails).

An id is the readable form of its parts (`bookstore` + `Method` + `/book/list` + `GET` gives
`BookstoreMethodBookListGET`). The readable form drops separators and case, so two names can
share it (`/a-b` and `/a_b`); therefore a name whose readable form could be shared carries a
hash of the whole key (`BookstoreResourceAB1f2e3d4c`), whatever else is present. Names that
cannot be shared keep the plain form: one lowercase word (`prod`), a path of lowercase words
(`/book/list`), a host of lowercase labels (`api.example.com`). Among those, capital letters
mark word starts and each part's separator is fixed by its kind, so the plain form is
one-to-one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.targets.base import Reporter
from apic.targets.yamltext import BlockDumper, dump

Json = Any

LOGICAL_ID_MAX = 255


INTRINSIC_KEYS = ("Ref", "Condition")
INTRINSIC_PREFIX = "Fn::"


class Intrinsic(dict):  # type: ignore[type-arg]
    """A function call apic writes (`{"Ref": …}`, `{"Fn::Sub": …}`). Any other mapping
    whose key CloudFormation would read as a function is a user's map gone wrong, and
    `Template.add` refuses it (see `user_intrinsic`)."""


def ref(logical_id: str) -> Intrinsic:
    return Intrinsic(Ref=logical_id)


def get_att(logical_id: str, attribute: str) -> Intrinsic:
    return Intrinsic({"Fn::GetAtt": [logical_id, attribute]})


def fn(name: str, *arguments: Json) -> Intrinsic:
    """`fn("If", condition, a, b)` -> `{"Fn::If": [condition, a, b]}`."""
    return Intrinsic({f"Fn::{name}": list(arguments)})


def sub(template: str, *values: str) -> Intrinsic:
    """`Fn::Sub` of apic's own `template`; every `%s` is one of `values`, which are user
    text (a stage name, a function ARN) and so pass through `escape_sub`: a stage named
    `p${AWS::AccountId}` must print as written, not substitute the account id."""
    return Intrinsic({"Fn::Sub": template % tuple(escape_sub(v) for v in values) if values else template})


def escape_sub(text: str) -> str:
    """A literal inside `Fn::Sub`: `${x}` must be written `${!x}` (`$${x}` likewise keeps
    its `$` and prints `$${x}`)."""
    return text.replace("${", "${!")


def is_intrinsic_key(key: object) -> bool:
    return isinstance(key, str) and (key in INTRINSIC_KEYS or key.startswith(INTRINSIC_PREFIX))


def user_intrinsic(value: Json) -> str | None:
    """The first key of a plain (user) mapping inside `value` that CloudFormation would read
    as a function call, or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not isinstance(item, Intrinsic):
                found = next((k for k in item if is_intrinsic_key(k)), None)
                if found is not None:
                    return found
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def pascal(text: str) -> str:
    """`book-svc/{bookId}` -> `BookSvcBookId`: the alphanumeric words, capitalised."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words)


@dataclass(frozen=True)
class Name:
    """A user-chosen name inside a logical id. `simple` when its readable form cannot be
    shared with another name of the same kind (see the module docstring)."""

    text: str
    pattern: re.Pattern[str]
    shown: str | None = None  # the readable form's source, when not `text` itself

    @property
    def simple(self) -> bool:
        return self.pattern.fullmatch(self.text) is not None

    @property
    def readable(self) -> str:
        return pascal(self.shown if self.shown is not None else self.text)


_WORD = re.compile(r"[a-z][a-z0-9]*")
_PATH = re.compile(r"/|(?:/[a-z][a-z0-9]*)+")
_HOST = re.compile(r"[a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+")
_ROUTE_KEY = re.compile(r"\$[a-z][a-z0-9]*")  # $connect, $default; custom keys carry a hash


def label_name(text: str) -> Name:
    """A label (api, stage, consumer, plan, authorizer, backend, link, rule name)."""
    return Name(text, _WORD)


def path_name(text: str) -> Name:
    """A resource path; `/` reads as nothing."""
    return Name(text, _PATH)


def host_name(text: str) -> Name:
    return Name(text, _HOST)


NEVER_PLAIN = re.compile(r"(?!)")  # names that always carry a hash (source references)
_ENV = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z][A-Z0-9]*)*")


def env_name(text: str) -> Name:
    """An environment variable: `ACME_API_KEY` reads `AcmeApiKey`; any other spelling
    (`acme_api_key`, `AcmeApiKey`) carries a hash, so no two variables share a parameter."""
    return Name(text, _ENV, shown=text.lower() if _ENV.fullmatch(text) else None)


def route_key_name(text: str) -> Name:
    """A WebSocket route key: `$connect` reads `Connect`; custom keys always carry a hash."""
    return Name(text, _ROUTE_KEY)


def pruned(value: Json) -> Json:
    """Unset (None) values are left out at every depth, so emitters can write `x or None`."""
    if isinstance(value, dict):
        kind = Intrinsic if isinstance(value, Intrinsic) else dict
        return kind({k: pruned(v) for k, v in value.items() if v is not None})
    if isinstance(value, list):
        return [pruned(v) for v in value if v is not None]
    return value


def short_hash(*parts: object, length: int = 8) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:length]


@dataclass
class Template(Reporter):
    """Resources keyed by logical id; `allocate` keeps ids unique and stable."""

    description: str
    resources: dict[str, dict[str, Json]] = field(default_factory=dict)
    parameters: dict[str, dict[str, Json]] = field(default_factory=dict)
    conditions: dict[str, Json] = field(default_factory=dict)
    stages: dict[int, str] = field(default_factory=dict)  # id(model Stage) -> its logical id
    outputs: dict[str, dict[str, Json]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _owners: dict[str, str] = field(default_factory=dict)

    def allocate(self, key: str, *parts: str | Name) -> str:
        """The logical id for `key` (a unique description of the thing), readable from
        `parts`: fixed words (`Method`, `GET`) as plain strings, user names as `Name`s."""
        fixed = [p for p in parts if not isinstance(p, Name)]
        if not all(p.isalnum() for p in fixed):
            raise ValueError(f"fixed logical-id words must be alphanumeric: {fixed}")
        base = "".join(p.readable if isinstance(p, Name) else p for p in parts) or "Resource"
        if not base[0].isalpha():
            base = "R" + base
        plain = all(p.simple for p in parts if isinstance(p, Name)) and len(base) <= LOGICAL_ID_MAX - 9
        candidate = base if plain else f"{base[: LOGICAL_ID_MAX - 9]}{short_hash(key)}"
        owner = self._owners.get(candidate)
        if owner is not None and owner != key:
            # Only a SHA-256 prefix collision gets here; a longer prefix of the same hash.
            candidate = f"{base[: LOGICAL_ID_MAX - 17]}{short_hash(key, length=16)}"
        self._owners[candidate] = key
        return candidate

    @property
    def failed(self) -> bool:
        """An error was reported: the template will not be written."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def owners(self) -> list[str]:
        """The keys (`api:kind:name`) of everything allocated so far."""
        return list(self._owners.values())

    def add(
        self,
        logical_id: str,
        resource_type: str,
        properties: Mapping[str, Json],
        *,
        depends_on: Iterable[str] = (),
        condition: str | None = None,
        retain: bool = False,
    ) -> str:
        resource: dict[str, Json] = {"Type": resource_type}
        dependencies = sorted(set(depends_on))
        if dependencies:
            resource["DependsOn"] = dependencies
        if condition:
            resource["Condition"] = condition
        if retain:
            resource["DeletionPolicy"] = "Retain"
            resource["UpdateReplacePolicy"] = "Retain"
        resource["Properties"] = pruned(dict(properties))
        found = user_intrinsic(resource["Properties"])
        if found is not None and not self.failed:
            # validity.check_map_keys refuses these with a position first (and then nothing is
            # written); reaching here means a place it does not check: a bug, never an output
            raise ValueError(f"{logical_id}: a user mapping with the key `{found}` would be a function call")
        self.resources[logical_id] = resource
        return logical_id

    def parameter(
        self, logical_id: str, description: str, *, no_echo: bool = False, default: str | None = None
    ) -> str:
        """A String parameter under `logical_id` (from `allocate`: parameters and resources
        share one namespace, the one `Ref` reads)."""
        if logical_id in self.parameters:
            return logical_id
        spec: dict[str, Json] = {"Type": "String", "Description": description}
        if default is not None:
            spec["Default"] = default
        if no_echo:
            spec["NoEcho"] = True
        self.parameters[logical_id] = spec
        return logical_id

    def output(self, name: str, description: str, value: Json) -> None:
        self.outputs[name] = {"Description": description, "Value": value}

    def document(self) -> dict[str, Json]:
        doc: dict[str, Json] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": self.description,
        }
        if self.parameters:
            doc["Parameters"] = dict(sorted(self.parameters.items()))
        if self.conditions:
            doc["Conditions"] = dict(sorted(self.conditions.items()))
        doc["Resources"] = dict(sorted(self.resources.items()))
        if self.outputs:
            doc["Outputs"] = dict(sorted(self.outputs.items()))
        return doc


class _Dumper(BlockDumper):
    """Keys in the order given; `Intrinsic` functions written as the mappings they are."""


_Dumper.add_representer(Intrinsic, yaml.SafeDumper.represent_dict)


def to_yaml(document: Json) -> str:
    return dump(document, dumper=_Dumper, sort_keys=False)


def to_json(document: Json) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
