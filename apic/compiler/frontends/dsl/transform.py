"""lark tree -> surface AST (ast.py), with a Span on every node.

String escapes are decoded here; a bad escape is collected as a diagnostic (not raised) so
that the rest of the file is still read.
"""

from __future__ import annotations

import re

from lark import Token, Transformer, Tree, v_args

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl import ast
from apic.compiler.source import SourceFile, Span

EXACT_NUMBER_MAX = 2**53  # the largest integer a float (and JSON's number) holds exactly
_QUANTITY = re.compile(r"(-?\d+(?:\.\d+)?)(.*)", re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "t": "\t", "r": "\r"}


class _ToSurface(Transformer):
    def __init__(self, source: SourceFile) -> None:
        super().__init__(visit_tokens=False)
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    # -- helpers ------------------------------------------------------------------------
    def _span(self, meta: object) -> Span:
        if getattr(meta, "empty", True):
            return self.source.span(0, 0)
        return self.source.span(meta.start_pos, meta.end_pos)  # type: ignore[attr-defined]

    def _tok_span(self, token: Token) -> Span:
        return self.source.span(token.start_pos, token.end_pos)

    def _decode(self, token: Token) -> str:
        body = str(token)[1:-1]
        if "\\" not in body:
            return body

        def replace(match: re.Match[str]) -> str:
            escape = match.group(1)
            if escape in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[escape]
            if escape.startswith("u") and len(escape) == 5:
                return chr(int(escape[1:], 16))
            start = token.start_pos + 1 + match.start()
            self.diagnostics.append(
                codes.INVALID_ESCAPE(
                    self.source.span(start, start + 1 + len(escape)),
                    f"unknown escape `\\{escape}` in a string",
                    help='use one of \\" \\\\ \\n \\t \\r \\/ \\uXXXX, or a """raw string"""',
                )
            )
            return escape

        decoded = _ESCAPE.sub(replace, body)
        if not _SURROGATE.search(decoded):
            return decoded
        # `\ud83d\ude00` is one character, as in JSON; half of such a pair is none
        decoded = decoded.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        for lone in _SURROGATE.finditer(decoded):
            self.diagnostics.append(
                codes.INVALID_ESCAPE(
                    self._tok_span(token),
                    f"`\\u{ord(lone.group()):04x}` is half of a UTF-16 surrogate pair, not a character",
                    help="write the character itself, or both halves of the pair",
                )
            )
        return _SURROGATE.sub("\ufffd", decoded)

    def _label(self, child: object) -> ast.Label:
        if isinstance(child, ast.Label):
            return child
        assert isinstance(child, Token)
        if child.type == "STRING":
            return ast.Label("string", self._decode(child), self._tok_span(child))
        return ast.Label("name", str(child), self._tok_span(child))

    # -- rules --------------------------------------------------------------------------
    @v_args(meta=True)
    def start(self, meta: object, children: list[object]) -> ast.GwFile:
        imports = tuple(c for c in children if isinstance(c, ast.Import))
        items = tuple(c for c in children if not isinstance(c, ast.Import))
        return ast.GwFile(imports, items, (), self.source.span(0, len(self.source.text)))  # type: ignore[arg-type]

    @v_args(meta=True)
    def import_stmt(self, meta: object, children: list[Token | None]) -> ast.Import:
        path, alias = children
        assert path is not None
        return ast.Import(
            self._decode(path),
            self._tok_span(path),
            str(alias) if alias else None,
            self._span(meta),
        )

    @v_args(meta=True)
    def block(self, meta: object, children: list[object]) -> ast.Block:
        name = children[0]
        assert isinstance(name, Token)
        labels: list[ast.Label] = []
        items: list[ast.Item] = []
        for child in children[1:]:
            if isinstance(child, (ast.Attribute, ast.Block, ast.Import)):
                items.append(child)
            else:
                labels.append(self._label(child))
        return ast.Block(str(name), self._tok_span(name), tuple(labels), tuple(items), self._span(meta))

    @v_args(meta=True)
    def attribute(self, meta: object, children: list[object]) -> ast.Attribute:
        name = children[0]
        assert isinstance(name, Token)
        labels = tuple(self._label(c) for c in children[1:-1])
        value = children[-1]
        return ast.Attribute(str(name), self._tok_span(name), labels, value, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def name_list(self, meta: object, children: list[Token]) -> ast.Label:
        return ast.Label("names", tuple(str(c) for c in children), self._span(meta))

    @v_args(meta=True)
    def string(self, meta: object, children: list[Token]) -> ast.Str:
        return ast.Str(self._decode(children[0]), self._span(meta))

    @v_args(meta=True)
    def mlstring(self, meta: object, children: list[Token]) -> ast.MLStr:
        return ast.MLStr(str(children[0])[3:-3], self._span(meta))

    @v_args(meta=True)
    def quantity(self, meta: object, children: list[Token]) -> ast.Quantity:
        match = _QUANTITY.fullmatch(str(children[0]))
        assert match is not None
        number, unit = match.groups()
        value = float(number)
        if abs(value) > EXACT_NUMBER_MAX:
            # past 2^53 a float silently changes the number (and a 310-digit one is infinity)
            self.diagnostics.append(
                codes.INVALID_VALUE(
                    self._span(meta),
                    f"the number `{number[:20]}{'…' if len(number) > 20 else ''}` is too large: apic reads "
                    f"numbers up to {EXACT_NUMBER_MAX:,} exactly",
                )
            )
            value = 0.0
        return ast.Quantity(value, unit, "." not in number, str(children[0]), self._span(meta))

    @v_args(meta=True)
    def true(self, meta: object, children: list[Token]) -> ast.Bool:
        return ast.Bool(True, self._span(meta))

    @v_args(meta=True)
    def false(self, meta: object, children: list[Token]) -> ast.Bool:
        return ast.Bool(False, self._span(meta))

    @v_args(meta=True)
    def null(self, meta: object, children: list[Token]) -> ast.Null:
        return ast.Null(self._span(meta))

    @v_args(meta=True)
    def ref(self, meta: object, children: list[Token]) -> ast.Ref:
        parts = tuple(self._decode(c) if c.type == "STRING" else str(c) for c in children)
        spans = tuple(self._tok_span(c) for c in children)
        return ast.Ref(parts, spans, self._span(meta))

    @v_args(meta=True)
    def call(self, meta: object, children: list[object]) -> ast.Call:
        name = children[0]
        assert isinstance(name, Token)
        args = tuple(c for c in children[1:] if c is not None)
        return ast.Call(str(name), args, self._span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def list(self, meta: object, children: list[object]) -> ast.ListValue:
        return ast.ListValue(tuple(c for c in children if c is not None), self._span(meta))  # type: ignore[misc]

    @v_args(meta=True)
    def object(self, meta: object, children: list[ast.Pair]) -> ast.ObjectValue:
        return ast.ObjectValue(tuple(children), self._span(meta))

    @v_args(meta=True)
    def pair(self, meta: object, children: list[object]) -> ast.Pair:
        key, value = children
        assert isinstance(key, Token)
        text = self._decode(key) if key.type == "STRING" else str(key)
        return ast.Pair(text, self._tok_span(key), value, self._span(meta))  # type: ignore[arg-type]


def to_surface(tree: Tree, comments: list[Token], source: SourceFile) -> tuple[ast.GwFile, list[Diagnostic]]:
    transformer = _ToSurface(source)
    result = transformer.transform(tree)
    assert isinstance(result, ast.GwFile)
    surface = ast.GwFile(
        result.imports,
        result.items,
        tuple(ast.Comment(str(tok), source.span(tok.start_pos, tok.end_pos)) for tok in comments),
        result.span,
    )
    return surface, transformer.diagnostics
