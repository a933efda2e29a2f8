"""`apic lsp`: a language server over stdio (pygls) for `.gw` files and the OpenAPI documents
apic reads.

- Diagnostics on open and change, debounced (a burst of keystrokes is linted once), from
  the editor's buffer (imports are read from disk, relative to the file), for that file.
- Positions in the encoding the client negotiated (UTF-16 unless it offers UTF-8 or
  UTF-32): pygls's document converts between code points, which apic's spans count, and
  the client's units.
- Hover: on a reference (`backend.books`), what it names and where; inside a route, its
  effective settings and where each was written (`apic explain`'s lines).
- Go to definition: a reference's block, an import's file.
- Completion: the block and attribute names the schema allows in the enclosing block.
- Code actions: a diagnostic whose help says "did you mean `x`?" offers replacing its range
  with `x`.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from apic import __version__
from apic.api import lint, load
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.parser import parse_text
from apic.compiler.frontends.dsl.schema import FILE, BlockSpec
from apic.compiler.frontends.dsl.transform import to_surface
from apic.compiler.source import SourceFile
from apic.explain import settings_lines

DEBOUNCE_SECONDS = 0.15
REFERENCE_KINDS = {
    "backend": "backend",
    "stage": "stage",
    "usage_plan": "usage_plan",
    "authorizer": "authorizer",
    "vpc_link": "vpc_link",
    "cors": "cors",
}
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`")


class ApicServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("apic", __version__)
        self.pending: dict[str, asyncio.Task[None]] = {}


server = ApicServer()


def path_of(document: TextDocument) -> Path:
    return Path(to_fs_path(document.uri) or document.uri)


def lsp_range(document: TextDocument, start: int, end: int) -> types.Range:
    return types.Range(document.client_position_at_offset(start), document.client_position_at_offset(end))


def to_lsp(document: TextDocument, diagnostic: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=lsp_range(document, diagnostic.span.start, diagnostic.span.end),
        severity=SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source="apic",
        message=diagnostic.message + (f"\n{diagnostic.help}" if diagnostic.help else ""),
        data={"help": diagnostic.help} if diagnostic.help else None,
    )


def diagnostics_for(document: TextDocument) -> list[types.Diagnostic]:
    path = path_of(document)
    if path.suffix != ".gw" and path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return []
    result = lint(path, text=document.source)
    own = [
        d
        for d in result.diagnostics
        if Path(d.span.path).resolve() == path.resolve() or d.span.path == str(path)
    ]
    return [to_lsp(document, d) for d in own]


def publish(ls: ApicServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics_for(document), version=document.version
        )
    )


async def debounced(ls: ApicServer, uri: str) -> None:
    await asyncio.sleep(DEBOUNCE_SECONDS)
    publish(ls, uri)


def schedule(ls: ApicServer, uri: str) -> None:
    earlier = ls.pending.pop(uri, None)
    if earlier is not None:
        earlier.cancel()
    ls.pending[uri] = asyncio.get_event_loop().create_task(debounced(ls, uri))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ApicServer, params: types.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ApicServer, params: types.DidChangeTextDocumentParams) -> None:
    schedule(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ApicServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


# --- the surface syntax at a position ----------------------------------------------------


def surface(document: TextDocument) -> ast.GwFile | None:
    if not document.uri.endswith(".gw"):
        return None
    try:
        tree, comments = parse_text(document.source)
    except Exception:  # the buffer does not parse while typing: nothing to point at
        return None
    parsed, _ = to_surface(tree, comments, SourceFile(str(path_of(document)), document.source))
    return parsed


def walk(items: tuple[ast.Item, ...], trail: tuple[ast.Block, ...] = ()):  # type: ignore[no-untyped-def]
    for item in items:
        yield item, trail
        if isinstance(item, ast.Block):
            yield from walk(item.items, (*trail, item))


def values(value: ast.Value):  # type: ignore[no-untyped-def]
    yield value
    if isinstance(value, ast.ListValue):
        for item in value.items:
            yield from values(item)
    elif isinstance(value, ast.ObjectValue):
        for pair in value.pairs:
            yield from values(pair.value)
    elif isinstance(value, ast.Call):
        for argument in value.args:
            yield from values(argument)


def reference_at(parsed: ast.GwFile, offset: int) -> ast.Ref | None:
    for item, _ in walk(parsed.items):
        if isinstance(item, ast.Attribute):
            for value in values(item.value):
                if isinstance(value, ast.Ref) and value.span.start <= offset <= value.span.end:
                    return value
    return None


def definition_of(parsed: ast.GwFile, ref: ast.Ref) -> ast.Block | None:
    if len(ref.parts) != 2 or ref.parts[0] not in REFERENCE_KINDS:
        return None
    kind, name = REFERENCE_KINDS[ref.parts[0]], ref.parts[1]
    for item, _ in walk(parsed.items):
        if isinstance(item, ast.Block) and item.type == kind and item.labels and item.labels[0].value == name:
            return item
    return None


def enclosing(parsed: ast.GwFile, offset: int) -> tuple[ast.Block, ...]:
    found: tuple[ast.Block, ...] = ()
    for item, trail in walk(parsed.items):
        if isinstance(item, ast.Block) and item.span.start < offset < item.span.end:
            found = (*trail, item)
    return found


# --- hover, definition, completion, code actions ----------------------------------------


def at(
    ls: ApicServer, params: types.TextDocumentPositionParams
) -> tuple[TextDocument, ast.GwFile, int] | None:
    """The document, its surface syntax and the offset a request points at (None while the
    buffer does not parse)."""
    document = ls.workspace.get_text_document(params.text_document.uri)
    parsed = surface(document)
    if parsed is None:
        return None
    return document, parsed, document.offset_at_position(params.position)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ApicServer, params: types.HoverParams) -> types.Hover | None:
    found = at(ls, params)
    if found is None:
        return None
    document, parsed, offset = found
    ref = reference_at(parsed, offset)
    if ref is not None:
        block = definition_of(parsed, ref)
        if block is not None:
            line = block.span.start_location[0]
            return types.Hover(
                contents=types.MarkupContent(
                    kind=types.MarkupKind.Markdown,
                    value=f"`{ref.dotted}`: `{block.header}`, line {line}",
                ),
                range=lsp_range(document, ref.span.start, ref.span.end),
            )
    trail = enclosing(parsed, offset)
    routes = [b for b in trail if b.type == "route"]
    if routes:
        return route_hover(document, routes[-1])
    return None


def route_hover(document: TextDocument, block: ast.Block) -> types.Hover | None:
    loaded = load(path_of(document), text=document.source)
    if loaded.model is None:
        return None
    for api in loaded.model.apis:
        for route in api.routes:
            if route.span is not None and route.span.start == block.span.start:
                lines = [
                    f"**{route.label}**",
                    "",
                    "```",
                    *(line.strip() for line in settings_lines(route)),
                    "```",
                ]
                return types.Hover(
                    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n".join(lines)),
                    range=lsp_range(document, block.header_span.start, block.header_span.end),
                )
    return None


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: ApicServer, params: types.DefinitionParams) -> types.Location | None:
    found = at(ls, params)
    if found is None:
        return None
    document, parsed, offset = found
    for item in parsed.imports:
        if item.path_span.start <= offset <= item.path_span.end and "*" not in item.path:
            target = (path_of(document).parent / item.path).resolve()
            start = types.Position(line=0, character=0)
            return types.Location(
                uri=from_fs_path(str(target)) or str(target), range=types.Range(start, start)
            )
    ref = reference_at(parsed, offset)
    block = definition_of(parsed, ref) if ref is not None else None
    if block is None:
        return None
    return types.Location(
        uri=document.uri, range=lsp_range(document, block.header_span.start, block.header_span.end)
    )


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" "]))
def completion(ls: ApicServer, params: types.CompletionParams) -> types.CompletionList:
    document = ls.workspace.get_text_document(params.text_document.uri)
    spec = FILE
    parsed = surface(document)
    if parsed is not None:
        for block in enclosing(parsed, document.offset_at_position(params.position)):
            spec = spec.blocks.get(block.type, spec)
    return types.CompletionList(is_incomplete=False, items=completions(spec))


def completions(spec: BlockSpec) -> list[types.CompletionItem]:
    items = [
        types.CompletionItem(label=name, kind=types.CompletionItemKind.Property, detail=attr.doc or None)
        for name, attr in sorted(spec.attrs.items())
    ]
    items += [
        types.CompletionItem(label=name, kind=types.CompletionItemKind.Module, detail=child.doc or "block")
        for name, child in sorted(spec.blocks.items())
    ]
    return items


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
def code_action(ls: ApicServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    actions = []
    for diagnostic in params.context.diagnostics:
        help = (diagnostic.data or {}).get("help") if isinstance(diagnostic.data, dict) else None
        match = _DID_YOU_MEAN.search(help or diagnostic.message)
        if match is None:
            continue
        replacement = match.group(1)
        start, end = diagnostic.range.start, diagnostic.range.end
        if " " in replacement or (start.line, start.character) == (end.line, end.character):
            continue  # only a name for a name: a longer suggestion is the user's to apply
        edit = types.WorkspaceEdit(
            changes={params.text_document.uri: [types.TextEdit(range=diagnostic.range, new_text=replacement)]}
        )
        actions.append(
            types.CodeAction(
                title=f"Replace with `{replacement}`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=edit,
            )
        )
    return actions


def main() -> None:
    server.start_io()
