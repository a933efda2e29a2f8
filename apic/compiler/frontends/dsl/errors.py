"""lark parse errors -> friendly, coded diagnostics anchored where the mistake is.

lark reports the token where parsing stopped, which is often one token too late (a missing
`=` is noticed at the value, a missing `}` at the end of the file). Each classifier below
recognises one usual mistake from the token, the expected terminals and the parser's value
stack, and re-anchors the diagnostic where the user must type. lark's own "Expected one of:
* RBRACE" text is never shown. The classes are depth-insensitive on purpose: lark's
`match_examples` compares stack depth, so an example one block deeper would not match.

`ERROR_EXAMPLES` lists, per code, small inputs that must produce it; a test holds every
classifier to its examples.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.frontends.dsl.parser import gw_parser
from apic.compiler.source import SourceFile, Span

DISPLAY = {
    "EQUAL": "`=`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "DOT": "`.`",
    "NAME": "a name",
    "STRING": "a string",
    "MLSTRING": "a multi-line string",
    "QUANTITY": "a number",
    "TRUE": "`true`",
    "FALSE": "`false`",
    "NULL": "`null`",
    "IMPORT": "`import`",
    "AS": "`as`",
    "$END": "the end of the file",
}
VALUE_STARTS = {"STRING", "MLSTRING", "QUANTITY", "TRUE", "FALSE", "NULL", "NAME", "LSQB", "LBRACE"}

ERROR_EXAMPLES: dict[str, Sequence[str]] = {
    "PA001": ['api "a" {\n  timeout 10s\n}\n', 'api "a" {\n  endpoint regional\n}\n', 'x "y" z\n'],
    "PA002": ['api "a" {\n  tracing: true\n}\n', "a { b { c: 1 } }"],
    "PA003": [
        'api "a" {\n  route GET "/x" {\n    timeout = 1s\n\n  stage "p" {}\n}\n',
        'api "a" {',
    ],
    "PA004": ['api "a" {\n  route GET /api/book {\n  }\n}\n', "x = /etc", "import x"],
    "PA005": ['api "a" {\n  timeout = 1s;\n}\n'],
    "PA006": ['api "a" { x = 1 = 2 }', "x = [1, }"],
    "PA007": ['api "a" {\n  description = "abc\n}\n', 'x = """abc\n'],
    "PA008": ["x = @", "x = 'single'"],
    "PA009": ['api "a" {\n}\n}\n'],
    "PA010": ['api "a" {\n  timeout =\n}\n', 'api "a" {\n  timeout =\n  region = "x"\n}\n'],
    "PA011": ['x = ["a" "b"]'],
    "PA012": ["x = 1 /* never closed"],
}


def syntax_diagnostic(error: UnexpectedInput, source: SourceFile) -> Diagnostic:
    """The one diagnostic for a syntax error (the parser stops at the first one)."""
    opener = _unclosed_multiline_string(source, error.pos_in_stream)
    if opener is not None:
        return codes.UNTERMINATED_STRING(
            source.span(opener, opener + 3),
            'multi-line string is not closed: no `"""` after this one',
            help='close it with """ where the text ends',
        )
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, source)
    assert isinstance(error, UnexpectedToken)
    return _unexpected_token(error, source)


MAX_SYNTAX_ERRORS = 20
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|//[^\n]*')
_STRUCTURAL = {"PA003", "PA007", "PA009", "PA012"}  # unclosed or stray braces, strings, comments


def syntax_diagnostics(first: UnexpectedInput, source: SourceFile) -> list[Diagnostic]:
    """Every syntax error the grammar lets apic find, not only the first: after an error on a
    line whose brackets balance, that line is blanked (newlines kept, so positions hold) and
    the text parsed again, until it parses, an error is structural (an unclosed block or
    string, which would make every later line an error), or MAX_SYNTAX_ERRORS are found."""
    found = [syntax_diagnostic(first, source)]
    text = source.text
    while len(found) < MAX_SYNTAX_ERRORS and found[-1].code not in _STRUCTURAL:
        at = found[-1].span.start  # the line the error is reported on is the one to skip
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line_end = len(text) if line_end == -1 else line_end
        line = _STRING_OR_COMMENT.sub("", text[line_start:line_end])
        if any(line.count(a) != line.count(b) for a, b in ("{}", "[]", "()")):
            break
        text = text[:line_start] + " " * (line_end - line_start) + text[line_end:]
        try:
            gw_parser().parse(text)
            break
        except UnexpectedInput as later:
            diagnostic = _on(source, syntax_diagnostic(later, SourceFile(source.path, text)))
            at_end = isinstance(later, UnexpectedToken) and later.token.type == "$END"
            if (later.pos_in_stream <= line_end and not at_end) or any(
                (d.code, d.span.start) == (diagnostic.code, diagnostic.span.start) for d in found
            ):
                break  # no progress: what follows depended on the skipped line
            found.append(diagnostic)
    return found


def _on(source: SourceFile, diagnostic: Diagnostic) -> Diagnostic:
    """`diagnostic` with its spans on `source` (the blanked copy keeps every offset)."""

    def moved(span: Span) -> Span:
        return source.span(span.start, span.end)

    return dataclasses.replace(
        diagnostic,
        span=moved(diagnostic.span),
        related=tuple(dataclasses.replace(r, span=moved(r.span)) for r in diagnostic.related),
    )


# -- unexpected characters: things that are not .gw tokens at all ---------------------------
def _unexpected_character(error: UnexpectedCharacters, source: SourceFile) -> Diagnostic:
    text, pos = source.text, error.pos_in_stream
    char = text[pos]
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end == -1 else line_end
    stack = _value_stack(error)

    if char == '"':
        return codes.UNTERMINATED_STRING(
            source.span(pos, line_end),
            "string is not closed before the end of the line",
            help='close it with `"`; for text over several lines use """…"""',
        )
    if text.startswith("/*", pos):
        return codes.UNTERMINATED_COMMENT(
            source.span(pos, pos + 2),
            "comment is not closed: no `*/` after this `/*`",
            help="close it with */",
        )
    if char == ";":
        return codes.SEMICOLON(
            source.span(pos, pos + 1),
            "`;` is not a statement terminator in .gw",
            help="remove it: a line break ends a statement (use `,` between items on one line)",
        )
    if char == "/":
        word_end = pos
        while word_end < line_end and not text[word_end].isspace() and text[word_end] not in ",]":
            word_end += 1
        if text[word_end - 1] == "{" and text[pos:word_end].count("{") > text[pos:word_end].count("}"):
            word_end -= 1  # `/x{` glued to the block's brace
        word = text[pos:word_end]
        prefix = _statement_prefix(stack)
        example = f'{prefix} "{word}" {{ … }}' if prefix else f'"{word}"'
        if prefix.startswith("route"):
            message = f"route path `{word}` must be quoted"
        else:
            message = f"`{word}` must be quoted"
        return codes.UNQUOTED_PATH(source.span(pos, word_end), message, help=f"write {example}")
    if char == "'":
        return codes.UNEXPECTED_CHARACTER(
            source.span(pos, pos + 1),
            "strings are written in double quotes in .gw",
            help="API Gateway's 'static' values are written inside a string: \"'static'\"",
        )
    return codes.UNEXPECTED_CHARACTER(
        source.span(pos, pos + 1),
        f"unexpected character `{char}`",
        help=_expected_help(error.allowed or set()),
    )


# -- unexpected tokens: valid tokens in the wrong place -------------------------------------
def _unexpected_token(error: UnexpectedToken, source: SourceFile) -> Diagnostic:
    token: Token = error.token
    expected = set(error.expected or ())
    stack = _value_stack(error)
    here = _token_span(token, source)
    prefix = _statement_prefix_tokens(stack)

    if stack and isinstance(stack[-1], Token) and stack[-1].type == "IMPORT":
        return codes.UNQUOTED_PATH(
            here,
            "the path after `import` must be a quoted string",
            help='write import "./other.gw"',
        )
    if token.type == "COLON" and "EQUAL" in expected:
        name = prefix[0] if prefix else "name"
        return codes.YAML_COLON(
            here,
            "`:` is not an assignment in .gw",
            help=f"use `=`: `{name} = …` (`:` is only allowed inside `{{ … }}` values)",
        )
    if "EQUAL" in expected and prefix:
        missing = _missing_equals(prefix, token, source)
        if missing is not None:
            return missing
    if token.type == "$END" and "RBRACE" in expected:
        return _unclosed_block(source)
    if token.type == "RBRACE" and "$END" in expected:
        return codes.UNMATCHED_BRACE(
            here, "`}` closes no block", help="remove it, or check the braces above it"
        )
    equals = _dangling_equals(stack, token)
    if equals is not None:
        return codes.MISSING_VALUE(
            _token_span(equals, source).at_end(),
            "expected a value after `=`",
            help='write a value such as `10s`, `"text"`, `true` or `backend.name`',
        )
    if expected <= {"COMMA", "RSQB"} and token.type in VALUE_STARTS:
        before = _last_end(stack)
        anchor = source.span(before, before) if before is not None else here
        return codes.MISSING_COMMA(anchor, "expected `,` between list items", help="add `,`")
    if token.type == "$END":
        return _unclosed_block(source)
    return codes.UNEXPECTED_TOKEN(
        here,
        f"unexpected {_describe(token)}",
        help=_expected_help(expected),
    )


def _missing_equals(prefix: list[Token], token: Token, source: SourceFile) -> Diagnostic | None:
    """`timeout 10s`, `endpoint regional }`, `api_key env("X")`: the `=` after the name."""
    labels = prefix[1:]
    if token.type in {"QUANTITY", "MLSTRING", "TRUE", "FALSE", "NULL"}:
        value_text = str(token) if token.type != "MLSTRING" else '"""…"""'
        where = prefix[-1]
    elif token.type in {"RBRACE", "$END", "COMMA", "DOT", "LPAR"} and labels and labels[-1].type == "NAME":
        # The value was read as a label: re-anchor before it.
        value_token = labels[-1]
        value_text = str(value_token) + ("…" if token.type in {"DOT", "LPAR"} else "")
        where = prefix[-2]
    elif token.type in {"RBRACE", "$END", "COMMA"}:
        return codes.MISSING_EQUALS(
            _token_span(prefix[-1], source).at_end(),
            f"expected `=` or `{{` after `{' '.join(map(str, prefix))}`",
            help=block_or_attribute_help(str(prefix[0])),
        )
    else:
        return None
    return codes.MISSING_EQUALS(
        _token_span(where, source).at_end(),
        "expected `=` between attribute name and value",
        help=f"did you mean `{' '.join(str(t) for t in prefix[: prefix.index(where) + 1])} = {value_text}`?",
    )


def _dangling_equals(stack: list[object], token: Token) -> Token | None:
    """The `=` whose value is missing: `timeout =` followed by `}` or by the next line."""
    tokens = [v for v in stack if isinstance(v, Token)]
    if not tokens:
        return None
    last = stack[-1]
    if isinstance(last, Token) and last.type == "EQUAL" and token.type in {"RBRACE", "$END", "COMMA"}:
        return last
    # `timeout =` then `region = "x"`: `region` was read as the value; the next `=` fails.
    if token.type == "EQUAL" and len(stack) >= 2 and isinstance(stack[-2], Token):
        before, value = stack[-2], stack[-1]
        value_is_name = (isinstance(value, Tree) and value.data == "ref") or (
            isinstance(value, Token) and value.type == "NAME"
        )
        value_line = value.line if isinstance(value, Token) else getattr(value.meta, "line", None)
        if before.type == "EQUAL" and value_is_name and value_line is not None and value_line > before.line:
            return before
    return None


def _unclosed_block(source: SourceFile) -> Diagnostic:
    """Find the block whose `}` is missing, by brace matching plus indentation.

    The culprit is the first `{` whose matching `}` (or lack of one) sits at another
    indentation than the line that opened it; the `}` belongs before the first later line
    indented no deeper than that opener.
    """
    tokens = _tokens(source.text)
    pairs: list[tuple[Token, Token | None]] = []
    stack: list[Token] = []
    for tok in tokens:
        if tok.type == "LBRACE":
            stack.append(tok)
        elif tok.type == "RBRACE" and stack:
            pairs.append((stack.pop(), tok))
    pairs.extend((opener, None) for opener in stack)
    pairs.sort(key=lambda p: p[0].start_pos)
    if not pairs:
        end = _content_end(source, len(source.text))
        return codes.UNCLOSED_BLOCK(source.span(end, end), "a block is not closed", help="add `}`")

    def indent(line: int) -> int:
        text = source.line_text(line)
        return len(text) - len(text.lstrip())

    # An inner block that took an outer block's `}` is the real culprit; the outer blocks
    # left unclosed are its victims. Without such a block, the innermost unclosed one.
    culprit = next(
        (
            opener
            for opener, closer in pairs
            if closer is not None
            and closer.line != opener.line
            and indent(closer.line) != indent(opener.line)
        ),
        stack[-1] if stack else pairs[-1][0],
    )
    opener_indent = indent(culprit.line)
    anchor = None
    for line in range(culprit.line + 1, source.line_count + 1):
        text = source.line_text(line)
        stripped = text.strip()
        if stripped and not stripped.startswith(("#", "//")) and indent(line) <= opener_indent:
            anchor = _content_end(source, source.line_starts[line - 1])
            break
    if anchor is None:
        anchor = _content_end(source, len(source.text))
    header = _header_before(source, culprit)
    return codes.UNCLOSED_BLOCK(
        source.span(anchor, anchor),
        f"block `{header}` is not closed" if header else "block is not closed",
        help="add `}` here",
        related=[(source.span(culprit.start_pos, culprit.end_pos), "block opened here")],
    )


# -- helpers -------------------------------------------------------------------------------
def _tokens(text: str) -> list[Token]:
    result: list[Token] = []
    try:
        for tok in gw_parser().lex(text):
            result.append(tok)
    except UnexpectedInput:
        pass
    return result


def _value_stack(error: UnexpectedInput) -> list[object]:
    parser = getattr(error, "interactive_parser", None)
    if parser is None:
        return []
    return list(parser.parser_state.value_stack)


def _statement_prefix_tokens(stack: list[object]) -> list[Token]:
    """The NAME and label tokens of the statement being read: `route GET` in `route GET /x`.

    lark reduces a run of labels into `__statement_star_N` trees, so those are flattened.
    """
    prefix: list[Token] = []
    for value in reversed(stack):
        if isinstance(value, Token) and value.type in {"NAME", "STRING"}:
            prefix.append(value)
        elif (
            isinstance(value, Tree)
            and str(value.data).startswith("__statement_star")
            and _is_label_run(value)
        ):
            prefix.extend(reversed([t for t in value.scan_values(lambda v: isinstance(v, Token))]))
        elif isinstance(value, Tree) and value.data == "name_list":
            continue
        else:
            break
    prefix.reverse()
    while prefix and prefix[0].type != "NAME":
        prefix.pop(0)
    return prefix


def _is_label_run(tree: Tree) -> bool:
    """lark's repetition trees hold either a run of labels or a run of block items."""
    return all(isinstance(c, Token) or (isinstance(c, Tree) and c.data == "name_list") for c in tree.children)


def _statement_prefix(stack: list[object]) -> str:
    return " ".join(str(t) for t in _statement_prefix_tokens(stack))


def _unclosed_multiline_string(source: SourceFile, error_pos: int | None) -> int | None:
    """The offset of a triple-quote opener that never closes, if one starts before the error.

    A closed multi-line string lexes as MLSTRING (it has priority); an unclosed one lexes as
    the empty string `""` followed by a stray quote, and its text then fails somewhere later.
    """
    limit = len(source.text) if error_pos is None else error_pos
    for tok in _tokens(source.text[: limit + 1]):
        if tok.type == "STRING" and tok == '""' and source.text.startswith('"""', tok.start_pos):
            return tok.start_pos
    return None


def _last_end(stack: list[object]) -> int | None:
    if not stack:
        return None
    last = stack[-1]
    if isinstance(last, Token):
        return last.end_pos
    meta = getattr(last, "meta", None)
    return None if meta is None or getattr(meta, "empty", True) else meta.end_pos


def _token_span(token: Token, source: SourceFile) -> Span:
    if token.type == "$END" or token.start_pos is None:
        end = _content_end(source, len(source.text))
        return source.span(end, end)
    return source.span(token.start_pos, token.end_pos or token.start_pos)


def _content_end(source: SourceFile, before: int) -> int:
    """The offset just after the last non-blank character before `before`."""
    end = before
    while end > 0 and source.text[end - 1].isspace():
        end -= 1
    return end


def _header_before(source: SourceFile, brace: Token) -> str:
    line_start = source.line_starts[brace.line - 1]
    return " ".join(source.text[line_start : brace.start_pos].split())


def _describe(token: Token) -> str:
    kinds = {"NAME": "name", "STRING": "string", "QUANTITY": "number"}
    if token.type in kinds:
        return f"{kinds[token.type]} `{token}`"
    return DISPLAY.get(token.type, f"`{token}`")


def _expected_help(expected: set[str]) -> str | None:
    shown = sorted(DISPLAY[e] for e in expected if e in DISPLAY)
    if not shown:
        return None
    return "expected " + (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1])


def block_or_attribute_help(name: str) -> str:
    """What a name left without `=` or `{` needs: only what the schema allows for it (a
    `route` is a block: offering `= value` would lead to another error)."""
    from apic.compiler.frontends.dsl.schema import schema_names

    blocks, attributes = schema_names()
    if name in blocks and name not in attributes:
        return f"a `{name}` is a block: add `{{ … }}` after it"
    if name in attributes and name not in blocks:
        return f"`{name}` is an attribute: add `= value`"
    return "add `{ … }` to make it a block, or `= value` to make it an attribute"
