"""apic's OpenAPI checks find what openapi-spec-validator finds, where they are.

apic validates descriptions with the published JSON Schemas (jsonschema-rs) and its own walk
(apic/compiler/frontends/openapi/semantics.py) instead of openapi-spec-validator's walk, which
cost 2 ms per operation. The library stays installed as the oracle: on every corpus document,
every openapi-2-kong fixture and documents with one problem each, both must report the same
findings; a Schema Object's meta-schema verdict must be the one of the library's Python
checker, on generated schemas too.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apic.api import load
from apic.compiler.frontends.base import LoadOptions
from apic.compiler.frontends.openapi.documents import DocumentSet
from apic.compiler.frontends.openapi.metaschemas import OAS31_DIALECT, schema_object_validator
from apic.compiler.frontends.openapi.semantics import SpecChecks
from apic.compiler.frontends.openapi.validate import spec_version

CORPUS_DOCUMENTS = [
    "openapi/oai/api-with-examples.yaml",
    "openapi/oai/callback-example.yaml",
    "openapi/oai/link-example.yaml",
    "openapi/oai/petstore-expanded.yaml",
    "openapi/oai/petstore.yaml",
    "openapi/oai/uspto.yaml",
    "openapi/museum-3.1.yaml",
    "openapi/github-2020-api.github.com.yaml",
    "openapi/github-2022-api.github.com.yaml",
    "openapi/digitalocean/specification/DigitalOcean-public.v2.yaml",
]


def both(path: Path, root: Path) -> tuple[set[str], bool, set[str], bool]:
    """(messages, any meta-schema error) from the library's walk, then from apic's."""
    documents = DocumentSet(root=root.resolve())
    document = documents.load_file(path)
    assert document is not None
    documents.close(document)
    version = spec_version(document.value)
    assert version is not None
    theirs, crashed = _library_walk(documents, document, version)
    checks = SpecChecks(documents, document, version)
    checks.run()
    ours = {f.message for f in checks.findings if not f.meta}
    their_messages = {m for m, meta in theirs if not meta}
    if crashed:
        # what the library found before it stopped, apic finds too, and it goes on
        assert their_messages <= ours
        assert any(f.meta for f in checks.findings) >= any(meta for _, meta in theirs)
        raise LibraryStopped(ours)
    return their_messages, any(meta for _, meta in theirs), ours, any(f.meta for f in checks.findings)


class LibraryStopped(Exception):
    """openapi-spec-validator raised part-way (apic's own walk did not)."""


def _library_walk(documents: DocumentSet, document: Any, version: str) -> tuple[list[tuple[str, bool]], bool]:
    """The library's findings past the schema check, and whether it raised on the way."""
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    base = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator, "3.1": OpenAPIV31SpecValidator}[
        version
    ]
    schema_class = base.keyword_validators["schema"]

    class MarkedMeta(schema_class):  # type: ignore[valid-type,misc]
        """The library's schema check, its meta-schema errors marked as such."""

        def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
            error = super()._validate_schema_meta(schema, schema_value)
            if error is not None:
                error.apic_meta = True
            return error

    def from_loaded(uri: str) -> Any:
        return documents.validation_value(documents.documents[uri.split("#", 1)[0]])

    validator_class = type(
        "Oracle",
        (base,),
        {
            "resolver_handlers": {"file": from_loaded, "http": from_loaded, "https": from_loaded},
            "keyword_validators": {**base.keyword_validators, "schema": MarkedMeta},
        },
    )
    validator = validator_class(documents.validation_value(document), base_uri=document.uri)
    found: list[tuple[str, bool]] = []
    try:
        for error in validator.root_validator(validator.schema_path):
            found.append((str(error.message).splitlines()[0], getattr(error, "apic_meta", False)))
    except Exception:
        return found, True
    return found, False


@pytest.mark.parametrize("relative", CORPUS_DOCUMENTS)
def test_corpus_documents_agree(relative: str) -> None:
    path = shared_path(f"corpus/{relative}")
    theirs, their_meta, ours, our_meta = both(path, shared_path("corpus"))
    assert (ours, our_meta) == (theirs, their_meta)


def kong_inputs() -> list[str]:
    root = shared_path("corpus/openapi-2-kong")
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and "expected" not in p.name and ".expected" not in str(p)
    )


def test_openapi_2_kong_fixtures_agree() -> None:
    root = shared_path("corpus/openapi-2-kong")
    compared = 0
    for relative in kong_inputs():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        if "openapi:" not in text and '"openapi"' not in text and "swagger" not in text:
            continue
        documents = DocumentSet(root=root.resolve())
        document = documents.load_file(path)
        if document is None or spec_version(document.value) is None or documents.diagnostics:
            continue
        documents.close(document)
        if documents.diagnostics or _cyclic(relative):
            continue
        theirs, their_meta, ours, our_meta = both(path, root)
        assert (relative, ours, our_meta) == (relative, theirs, their_meta)
        compared += 1
    assert compared >= 20, "the fixtures were not found or not read"


def _cyclic(relative: str) -> bool:
    """The library recurses without end on schemas that combine each other in a cycle."""
    return "circular" in relative


# -- one problem per document ------------------------------------------------------------

BASE_30: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "checks", "version": "1"},
    "tags": [{"name": "books"}],
    "paths": {
        "/books/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getBook",
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer", "default": 1}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}},
                    }
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Book": {
                "type": "object",
                "required": ["id"],
                "allOf": [{"properties": {"id": {"type": "string"}}}],
                "properties": {"title": {"type": "string", "default": "untitled"}},
            }
        }
    },
}


def _set(document: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    parts = pointer.strip("/").split("/")
    target = changed
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part.replace("~1", "/")]
    last = parts[-1].replace("~1", "/")
    if isinstance(target, list):
        target.append(value) if last == "-" else target.__setitem__(int(last), value)
    else:
        target[last] = value
    return changed


GET = "/paths/~1books~1{id}/get"
PROBLEMS: dict[str, tuple[Any, ...]] = {
    # name: (pointer, value, the messages apic must give, or "meta" for a meta-schema error)
    "duplicate parameter": (f"{GET}/parameters/-", {"name": "q", "in": "query"}, "Duplicate parameter 'q'"),
    "undeclared path parameter": (
        "/paths/~1books~1{id}~1{page}",
        {"get": {"responses": {"200": {"description": "ok"}}}},
        "Path parameter 'id' for 'get' operation in '/books/{id}/{page}' was not resolved",
        "Path parameter 'page' for 'get' operation in '/books/{id}/{page}' was not resolved",
    ),
    "path parameter not in the template": (
        f"{GET}/parameters/-",
        {"name": "shelf", "in": "path", "required": True, "schema": {"type": "string"}},
        "Path parameter 'shelf' for 'get' operation in '/books/{id}' was not resolved",
    ),
    "duplicate operation id": (
        "/paths/~1books",
        {"get": {"operationId": "getBook", "responses": {"200": {"description": "ok"}}}},
        "Operation ID 'getBook' for 'get' in '/books' is not unique",
    ),
    "duplicate tag": ("/tags/-", {"name": "books", "description": "again"}, "Duplicate tag name 'books'"),
    "required property nobody defines": (
        "/components/schemas/Book/required",
        ["id", "isbn"],
        "Required list has not defined properties: ['isbn']",
    ),
    "default of the wrong type": (
        f"{GET}/parameters/0/schema/default",
        "one",
        "'one' is not of type 'integer'",
    ),
    "nested default of the wrong type": (
        "/components/schemas/Book/properties/title/default",
        7,
        "7 is not of type 'string'",
    ),
    "schema that is a number": ("/components/schemas/Count", 3, "3 is not of type 'object', 'boolean'"),
    "keyword of the wrong type": ("/components/schemas/Book/properties/title/minLength", "x", "meta"),
    "unknown type name": ("/components/schemas/Book/properties/title/type", "strin", "meta"),
}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_each_problem_is_found_as_the_library_finds_it(tmp_path: Path, name: str, version: str) -> None:
    pointer, value, *expected = PROBLEMS[name]
    document = _set({**BASE_30, "openapi": version}, pointer, value)
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    try:
        theirs, their_meta, ours, our_meta = both(path, tmp_path)
    except LibraryStopped as stopped:
        ours, our_meta = stopped.args[0], True
        assert ours == STOPPED_LIBRARY[name]
    else:
        assert (ours, our_meta) == (theirs, their_meta)
    if expected == ["meta"]:
        assert our_meta
    else:
        assert ours == set(expected)


STOPPED_LIBRARY = {
    # the schema breaks its dialect, and a property's default cannot be checked against it
    "keyword of the wrong type": {
        "default not checked: '<' not supported between instances of 'int' and 'str'"
    },
    "unknown type name": {"default not checked: Unknown type 'strin' for validator with schema:"},
}


def test_findings_point_at_the_offending_place(tmp_path: Path) -> None:
    document = _set(BASE_30, f"{GET}/parameters/-", {"name": "q", "in": "query"})
    document = _set(document, "/components/schemas/Book/properties/title/minLength", "x")
    document = _set(
        document, "/paths/~1books~1{id}~1{page}", {"get": {"responses": {"200": {"description": "d"}}}}
    )
    (tmp_path / "api.yaml").write_text(_yaml(document), encoding="utf-8")
    result = load(tmp_path / "api.yaml", LoadOptions(project_root=tmp_path))
    found = [(d.code, d.severity.value, *d.span.start_location, d.message) for d in result.diagnostics]
    one_of = "is not valid under any of the schemas listed in the 'oneOf' keyword"
    assert found == [
        ("SC019", "error", 23, 9, "Duplicate parameter 'q' at `/paths/~1books~1{id}/get/parameters/1`"),
        # the published schema's own finding on the same parameter (neither schema nor content)
        (
            "SC019",
            "error",
            23,
            9,
            f'{{"in":"query","name":"q"}} {one_of} at `/paths/~1books~1{{id}}/get/parameters/1`',
        ),
        *[
            (
                "SC019",
                "error",
                33,
                5,
                f"Path parameter '{name}' for 'get' operation in '/books/{{id}}/{{page}}' was not resolved "
                "at `/paths/~1books~1{id}~1{page}/get`",
            )
            for name in ("id", "page")
        ],
        (
            "SC019",
            "warning",
            40,
            7,
            '{"allOf":[{"properties":{"id":{"type":"string"}}}],"properties":{"title":{"default":"untitled",'
            f'"minLength":"x","type":"string"}}}},"required":["id"],"type":"object"}} {one_of} '
            "at `/components/schemas/Book`",
        ),
        (
            "SC019",
            "warning",
            50,
            20,
            "default not checked: '<' not supported between instances of 'int' and 'str' "
            "at `/components/schemas/Book/properties/title/default`",
        ),
        (
            "SC019",
            "warning",
            51,
            22,
            '"x" is not of type "integer" at `/components/schemas/Book/properties/title/minLength`',
        ),
    ]


def _yaml(value: Any) -> str:
    import yaml

    return yaml.safe_dump(value, sort_keys=False)


def test_a_schema_in_another_file_is_reported_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text(
        "type: object\nproperties:\n  pages:\n    minimum: many\n", encoding="utf-8"
    )
    document = _set(BASE_30, "/components/schemas/Book", {"$ref": "book.yaml"})
    (tmp_path / "api.yaml").write_text(_yaml(document), encoding="utf-8")
    result = load(tmp_path / "api.yaml", LoadOptions(project_root=tmp_path))
    found = [(Path(d.span.path).name, *d.span.start_location, d.message) for d in result.diagnostics]
    assert found == [("book.yaml", 4, 14, '"many" is not of type "number" at `/properties/pages/minimum`')]


def test_schemas_that_combine_each_other_in_a_cycle_are_checked_to_the_end(tmp_path: Path) -> None:
    """openapi-spec-validator recursed without end here; apic reported 'incomplete'."""
    document = _set(
        BASE_30,
        "/components/schemas/B",
        {"required": ["ghost"], "allOf": [{"$ref": "#/components/schemas/A"}], "properties": {"b": {}}},
    )
    document = _set(document, "/components/schemas/A", {"allOf": [{"$ref": "#/components/schemas/B"}]})
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = load(path, LoadOptions(project_root=tmp_path))
    assert [(d.code, d.severity.value, d.message) for d in result.diagnostics] == [
        (
            "SC019",
            "warning",
            "Required list has not defined properties: ['ghost'] at `/components/schemas/B/required`",
        )
    ]


# -- the meta-schema verdict, engine against engine ---------------------------------------

KEYWORD_VALUES = {
    "type": st.sampled_from(["string", "integer", "object", "array", "strin", 3, ["string", "null"]]),
    "minimum": st.one_of(st.integers(-5, 5), st.text(max_size=2)),
    "maxLength": st.one_of(st.integers(-2, 5), st.floats(allow_nan=False, allow_infinity=False), st.none()),
    "required": st.one_of(st.lists(st.text(max_size=3), max_size=3), st.just([]), st.text(max_size=2)),
    "enum": st.one_of(st.lists(st.integers(), max_size=3), st.integers()),
    "pattern": st.sampled_from(["^a+$", "[a-z]{2}", "(", "a{2,1}"]),
    "format": st.one_of(st.sampled_from(["date", "uuid"]), st.integers()),
    "uniqueItems": st.one_of(st.booleans(), st.integers(0, 1)),
    "additionalProperties": st.one_of(st.booleans(), st.just({"type": "string"}), st.just("no")),
    "nullable": st.booleans(),
    "description": st.one_of(st.text(max_size=3), st.integers()),
}


def schemas(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    flat = st.dictionaries(st.sampled_from(sorted(KEYWORD_VALUES)), st.just(None), max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries({k: KEYWORD_VALUES[k] for k in keys})
    )
    if depth == 0:
        return flat
    inner = schemas(depth - 1)
    return st.one_of(
        flat,
        st.builds(
            lambda s, p: {**s, "properties": p}, flat, st.dictionaries(st.text(max_size=2), inner, max_size=2)
        ),
        st.builds(lambda s, items: {**s, "items": items}, flat, inner),
        st.builds(lambda s, parts: {**s, "allOf": parts}, flat, st.lists(inner, max_size=2)),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas(), version=st.sampled_from(["3.0", "3.1"]))
def test_meta_schema_verdicts_match_the_python_checker(schema: dict[str, Any], version: str) -> None:
    from jsonschema.exceptions import SchemaError, ValidationError
    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        oas30_format_checker,
        oas31_format_checker,
    )

    checker = OAS30Validator if version == "3.0" else OAS31Validator
    formats = oas30_format_checker if version == "3.0" else oas31_format_checker
    try:
        checker.check_schema(schema, format_checker=formats)
        theirs = True
    except (SchemaError, ValidationError):
        theirs = False
    ours = schema_object_validator("3.0" if version == "3.0" else OAS31_DIALECT).is_valid(schema)
    assert ours == theirs, schema


def test_a_misspelt_type_lists_every_type_and_suggests_the_closest(tmp_path: Path) -> None:
    document = _set(BASE_30, "/components/schemas/Book/properties/title/type", "strng")
    document = _set(document, "/components/schemas/Book/properties/title/default", None)
    (tmp_path / "api.yaml").write_text(_yaml(document), encoding="utf-8")
    result = load(tmp_path / "api.yaml", LoadOptions(project_root=tmp_path))
    meta = [d for d in result.diagnostics if d.message.startswith('"strng"')]
    assert [(d.message, d.help) for d in meta] == [
        (
            '"strng" is not one of "array", "boolean", "integer", "null", "number", "object" or "string" '
            "at `/components/schemas/Book/properties/title/type`",
            "did you mean `string`? (the gateway does not depend on this part, so apic goes on; "
            "fix it for other tools)",
        )
    ]
