"""The checks of an OpenAPI description that its JSON Schema cannot express, on apic's documents.

These are the checks openapi-spec-validator 0.9 makes after the schema check (its
`keywords` module), made here on the values apic has already read, with `$ref`s resolved
through apic's own DocumentSet:

- every Schema Object reached from an operation or from `components/schemas` is checked
  against its dialect's meta-schema (jsonschema-rs, compiled once per dialect);
- `required` names under `allOf` that no branch defines;
- a schema's `default` that its own schema refuses;
- duplicate parameters, duplicate operation ids, duplicate tag names;
- path templates and `in: path` parameters that do not match.

Why not the library itself: its walk goes through jsonschema-path's lazily resolving
accessors and checks each schema with pure-Python jsonschema, which was 1.6 s of a 2.2 s lint
of GitHub's description (about 2 ms per operation). Here the same walk costs tens of
milliseconds, and every finding carries the file and pointer where it is, not 1:1 of the root
document. The suite holds this module to the library's findings (tests/test_spec_checks.py).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apic.compiler.frontends.openapi.documents import Document, DocumentSet
from apic.compiler.frontends.openapi.metaschemas import OAS31_DIALECT, describe, schema_object_validator
from apic.compiler.frontends.openapi.yamlindex import escape

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Node:
    """A value and where it is written: the document's URI and a JSON Pointer into it."""

    uri: str
    pointer: str
    value: Any

    def child(self, key: str | int) -> Node | None:
        value = self.value
        if isinstance(value, dict) and isinstance(key, str) and key in value:
            return Node(self.uri, f"{self.pointer}/{escape(key)}", value[key])
        if isinstance(value, list) and isinstance(key, int) and key < len(value):
            return Node(self.uri, f"{self.pointer}/{key}", value[key])
        return None


@dataclass(frozen=True)
class Finding:
    """One problem: where (the node, and whether to point at its key), what, and whether it
    lies in a part the gateway does not depend on (payload schemas, documentation)."""

    uri: str
    pointer: str
    message: str
    on_key: bool = False
    documentation: bool = False
    meta: bool = False  # a Schema Object its dialect's meta-schema refuses
    help: str | None = None


class SpecChecks:
    """One walk over a description from its root, as openapi-spec-validator walks it."""

    def __init__(self, documents: DocumentSet, root: Document, version: str) -> None:
        self.documents = documents
        self.root = root
        self.version = version
        self.findings: list[Finding] = []
        self._operation_ids: set[Any] = set()
        self._meta_checked: set[tuple[str, str]] = set()
        self._visited: set[tuple[str, str]] = set()
        self._targets: dict[tuple[str, str], Node | None] = {}
        self._dialect: str | None = None
        self._default_checker: Any = None

    # -- references ----------------------------------------------------------------------
    def resolve(self, node: Node | None) -> Node | None:
        """The node a `$ref` chain ends at (None for a broken or cyclic chain: both were
        reported when the documents were read)."""
        seen: set[tuple[str, str]] = set()
        while node is not None and isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
            place = (node.uri, node.pointer)
            if place in seen:
                return None
            seen.add(place)
            node = self._target(node)
        return node

    def _target(self, node: Node) -> Node | None:
        ref = node.value["$ref"]
        key = (node.uri, ref)
        if key not in self._targets:
            document = self.documents.documents[node.uri]
            found = self.documents.target(ref, document, node.pointer)
            self._targets[key] = (
                None if found is None else Node(found[0].uri, found[1], found[0].at(found[1]))
            )
        return self._targets[key]

    def _items(self, node: Node | None) -> Iterator[tuple[str, Node]]:
        node = self.resolve(node)
        if node is not None and isinstance(node.value, dict):
            for key in node.value:
                child = node.child(key)
                assert child is not None
                yield key, child

    def _elements(self, node: Node | None) -> Iterator[Node]:
        node = self.resolve(node)
        if node is not None and isinstance(node.value, list):
            for n in range(len(node.value)):
                child = self.resolve(node.child(n))
                if child is not None:
                    yield child

    def _report(self, node: Node, message: str, *, on_key: bool = False, documentation: bool = False) -> None:
        self.findings.append(Finding(node.uri, node.pointer, message, on_key, documentation))

    # -- the walk ------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        spec = Node(self.root.uri, "", self.root.value)
        self.tags(spec.child("tags"))
        for url, path_item in self._items(spec.child("paths")):
            if url != "$default":  # API Gateway's catch-all, read as a route (validate.py)
                self.path(url, path_item)
        components = self.resolve(spec.child("components"))
        if components is not None:
            for _, schema in self._items(components.child("schemas")):
                self.schema(schema)
        return self.findings

    def tags(self, tags: Node | None) -> None:
        seen: set[Any] = set()
        for tag in self._elements(tags):
            name = tag.value.get("name") if isinstance(tag.value, dict) else None
            if not isinstance(name, str):
                continue
            if name in seen:
                self._report(tag, f"Duplicate tag name '{name}'", documentation=True)
            seen.add(name)

    def path(self, url: str, path_item: Node) -> None:
        item = self.resolve(path_item)
        if item is None or not isinstance(item.value, dict):
            return
        shared = item.child("parameters")
        self.parameters(shared)
        for method in item.value:
            if method in OPERATIONS:
                operation = self.resolve(item.child(method))
                if operation is not None and isinstance(operation.value, dict):
                    self.operation(url, method, operation, item, shared)

    def operation(self, url: str, method: str, operation: Node, item: Node, shared: Node | None) -> None:
        operation_id = operation.child("operationId")
        if operation_id is not None and operation_id.value is not None:
            if _hashable(operation_id.value) in self._operation_ids:
                self._report(
                    operation_id,
                    f"Operation ID '{operation_id.value}' for '{method}' in '{url}' is not unique",
                )
            self._operation_ids.add(_hashable(operation_id.value))
        for _, response in self._items(operation.child("responses")):
            self.response(response)
        own = operation.child("parameters")
        self.parameters(own)
        declared = {**self._path_parameters(shared), **self._path_parameters(own)}
        in_template = _template_names(url)
        where = item.child(method) or operation
        for name in sorted(in_template - set(declared)):
            self._report(
                where,
                f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved",
                on_key=True,
            )
        for name in sorted(set(declared) - in_template):
            self._report(
                declared[name],
                f"Path parameter '{name}' for '{method}' operation in '{url}' was not resolved",
            )

    def _path_parameters(self, parameters: Node | None) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for parameter in self._elements(parameters):
            value = parameter.value
            if isinstance(value, dict) and value.get("in") == "path" and isinstance(value.get("name"), str):
                found.setdefault(value["name"], parameter)
        return found

    def parameters(self, parameters: Node | None) -> None:
        seen: set[tuple[Any, Any]] = set()
        for parameter in self._elements(parameters):
            if not isinstance(parameter.value, dict):
                continue
            self.schema(parameter.child("schema"))
            if self.version == "2.0" and "default" in parameter.value:
                # Swagger 2.0 parameters carry their type and default themselves
                self.default(parameter, parameter.value["default"])
            key = (_hashable(parameter.value.get("name")), _hashable(parameter.value.get("in")))
            if key in seen:
                self._report(parameter, f"Duplicate parameter '{parameter.value.get('name')}'")
            seen.add(key)

    def response(self, response: Node) -> None:
        response = self.resolve(response)  # type: ignore[assignment]
        if response is None or not isinstance(response.value, dict):
            return
        if self.version == "2.0":
            self.schema(response.child("schema"))
            return
        for _, media_type in self._items(response.child("content")):
            media = self.resolve(media_type)
            if media is not None and isinstance(media.value, dict):
                self.schema(media.child("schema"))

    # -- Schema Objects ------------------------------------------------------------------
    def schema(
        self, node: Node | None, *, require_properties: bool = True, meta_checked: bool = False
    ) -> None:
        schema = self.resolve(node)
        if schema is None:
            return
        if not isinstance(schema.value, (dict, bool)):
            self._report(schema, f"{schema.value!r} is not of type 'object', 'boolean'", documentation=True)
            return
        place = (schema.uri, schema.pointer)
        if not meta_checked and place not in self._meta_checked:
            self._meta_checked.add(place)
            if self.meta_check(schema):
                return
        if place in self._visited:
            return
        self._visited.add(place)
        if not isinstance(schema.value, dict):
            return
        value = schema.value
        nested: set[str] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            for inner in self._elements(schema.child(keyword)):
                self.schema(inner, require_properties=False, meta_checked=True)
                if keyword == "allOf":
                    nested |= self._properties(inner, set())
        for keyword in ("not", "items"):
            if keyword in value:
                self.schema(schema.child(keyword), require_properties=False, meta_checked=True)
        for _, property_schema in self._items(schema.child("properties")):
            self.schema(property_schema, require_properties=False, meta_checked=True)
        if require_properties and "allOf" in value:
            required = value.get("required") or []
            defined = set(value.get("properties") or ()) | nested
            extra = (
                [name for name in _unique(required) if name not in defined]
                if isinstance(required, list)
                else []
            )
            if extra:
                self._report(
                    schema.child("required") or schema,
                    f"Required list has not defined properties: {extra}",
                    documentation=True,
                )
        if "default" in value and (value["default"] is not None or value.get("nullable") is not True):
            self.default(schema, value["default"])

    def _properties(self, node: Node, seen: set[tuple[str, str]]) -> set[str]:
        """Every property name a schema and the schemas it combines define."""
        schema = self.resolve(node)
        if schema is None or not isinstance(schema.value, dict) or (schema.uri, schema.pointer) in seen:
            return set()
        seen.add((schema.uri, schema.pointer))
        names = set(schema.value["properties"]) if isinstance(schema.value.get("properties"), dict) else set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            for inner in self._elements(schema.child(keyword)):
                names |= self._properties(inner, seen)
        for keyword in ("items", "not"):
            inner_node = schema.child(keyword)
            if inner_node is not None:
                names |= self._properties(inner_node, seen)
        return names

    def meta_check(self, schema: Node) -> bool:
        """Check a Schema Object against its dialect; report the most specific error (the
        deepest, then the first by path and message) and say whether there was one."""
        try:
            validator = schema_object_validator(self._schema_dialect(schema.value))
        except LookupError as error:
            self.findings.append(Finding(schema.uri, schema.pointer, str(error), False, True, True))
            return True
        value = self.documents.validation_value_at(schema.uri, schema.pointer)
        errors = [_deepest(e) for e in validator.iter_errors(value)]
        if not errors:
            return False
        chosen = min(errors, key=_order)
        inside = "".join(f"/{escape(str(p))}" for p in chosen.instance_path)
        message, hint = describe(chosen)
        self.findings.append(Finding(schema.uri, schema.pointer + inside, message, False, True, True, hint))
        return True

    def _schema_dialect(self, value: Any) -> str:
        if self.version != "3.1":
            return self.version
        if isinstance(value, dict) and "$schema" in value:
            dialect = value["$schema"]
            if not isinstance(dialect, str):
                raise LookupError(f"Unknown JSON Schema dialect: {dialect!r}")
            return dialect
        if self._dialect is None:
            chosen = self.root.value.get("jsonSchemaDialect")
            self._dialect = chosen if isinstance(chosen, str) else OAS31_DIALECT
        return self._dialect

    def default(self, schema: Node, value: Any) -> None:
        """A `default` its own schema refuses, checked by openapi-schema-validator's OAS
        validators (they know `nullable`, OpenAPI's formats and its type rules; imported
        only for descriptions that have defaults)."""
        if self._default_checker is None:
            self._default_checker = DefaultChecker(self.documents, self.version)
        try:
            errors = list(self._default_checker.errors(schema, value))
        except Exception as error:
            # The Python validator cannot run a schema that breaks its dialect (`minLength:
            # x`, an unknown type name); the schema itself is reported by its meta-check, and
            # openapi-spec-validator stopped validating altogether here.
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            self._report(
                schema.child("default") or schema, f"default not checked: {first}", documentation=True
            )
            return
        for path, message in errors:
            where = "".join(f"/{escape(str(p))}" for p in path)
            self._report(
                Node(schema.uri, f"{schema.pointer}/default{where}", None), message, documentation=True
            )


class DefaultChecker:
    """openapi-schema-validator's value validator over apic's documents, with a registry that
    holds every document as the schema check sees it, so `$ref`s resolve without reading
    anything again."""

    def __init__(self, documents: DocumentSet, version: str) -> None:
        from openapi_schema_validator import (
            OAS30Validator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        specification = DRAFT202012 if version == "3.1" else DRAFT4
        self.validator = OAS31Validator if version == "3.1" else OAS30Validator
        self.format_checker = oas31_format_checker if version == "3.1" else oas30_format_checker
        self.documents = documents

        def retrieve(uri: str) -> Any:
            return Resource(
                contents=documents.validation_value(documents.documents[uri]), specification=specification
            )

        self.registry = Registry(retrieve=retrieve)

    def errors(self, schema: Node, value: Any) -> Iterator[tuple[list[Any], str]]:
        contents = self.documents.validation_value_at(schema.uri, schema.pointer)
        validator = self.validator(
            contents,
            _resolver=self.registry.resolver(base_uri=schema.uri),
            format_checker=self.format_checker,
        )
        for error in validator.iter_errors(value):
            yield list(error.absolute_path), error.message


def _deepest(error: Any) -> Any:
    """Down an `anyOf`/`oneOf` failure to its most specific reason."""
    while True:
        context = getattr(error.kind, "context", None)
        branches = [e for branch in context or () for e in branch]
        if not branches:
            return error
        error = min(branches, key=_order)


def _order(error: Any) -> tuple[int, bool, list[str], str]:
    """Deepest first; at one depth, a wrong value before a wrong type (`type: objekt` is
    better told "not one of …, did you mean "object"?" than "not of type array"); then by
    path and message, so the choice is the same on every run."""
    path = [str(p) for p in error.instance_path]
    return -len(path), getattr(error.kind, "name", "") == "type", path, str(error.message)


def _template_names(url: str) -> set[str]:
    """The `{names}` of a path template, read as openapi-spec-validator reads them (with
    Python's format-string parser), or by braces where that parser gives up (`/a}`)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(url) if name}
    except ValueError:
        return set(re.findall(r"\{([^{}]+)\}", url))


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(_hashable(v) for v in values))
