"""Load a `.gw` file with its imports into one GatewayModel.

Imports are merged at the AST level: every file's top-level blocks join one module, `api`
blocks with the same label merge, and everything else is defined once. The file order is
the root file, then the imported files sorted by path, so the result (and which definition
counts as "first") never depends on the order of `import` lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from lark.exceptions import UnexpectedInput

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.base import (
    GW_SUFFIX,
    OPENAPI_SUFFIXES,
    InputTooLarge,
    LoadOptions,
    LoadResult,
    decode,
    display_path,
    read_bounded,
    too_large,
    unusable_path,
)
from apic.compiler.frontends.dsl import ast
from apic.compiler.frontends.dsl.bind import Binder, Bound
from apic.compiler.frontends.dsl.errors import syntax_diagnostics
from apic.compiler.frontends.dsl.globbing import MAX_ENTRIES, expand, is_glob
from apic.compiler.frontends.dsl.lower import Lowerer
from apic.compiler.frontends.dsl.parser import MAX_NESTING, parse_text, too_deep
from apic.compiler.frontends.dsl.schema import FILE, VARS
from apic.compiler.frontends.dsl.transform import to_surface
from apic.compiler.frontends.dsl.values import BindContext, Invalid
from apic.compiler.frontends.merge import merge_models
from apic.compiler.source import SourceFile, Span
from apic.compiler.suppress import StatementSpan, parse_directives


@dataclass
class _Loaded:
    path: Path
    source: SourceFile
    surface: ast.GwFile | None


@dataclass
class _Loader:
    root: Path
    max_bytes: int = LoadOptions.max_input_bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: dict[Path, _Loaded] = field(default_factory=dict)
    real_paths: dict[int, Path] = field(default_factory=dict)
    openapi_imports: list[tuple[Path, ast.Import]] = field(default_factory=list)

    def read(self, path: Path, text: str | None = None) -> _Loaded:
        if text is None:
            try:
                data = read_bounded(path, self.max_bytes)
            except InputTooLarge as error:
                self.diagnostics.append(too_large(display_path(path), error))
                loaded = _Loaded(path, SourceFile(display_path(path), ""), None)
                self.files[path] = loaded
                return loaded
            source, problem = decode(data, display_path(path))
            if problem:
                self.diagnostics.append(problem)
        else:
            source = SourceFile(display_path(path), text)
        surface = None
        deep = too_deep(source.text)
        if deep is not None:
            self.diagnostics.append(
                codes.NESTING_TOO_DEEP(
                    source.span(deep, deep + 1),
                    f"blocks and lists nest deeper than {MAX_NESTING} levels here",
                    help=f"flatten the structure; apic reads at most {MAX_NESTING} nested blocks or lists",
                )
            )
            loaded = _Loaded(path, source, None)
            self.files[path] = loaded
            self.real_paths[id(source)] = path
            return loaded
        try:
            tree, comments = parse_text(source.text)
            surface, problems = to_surface(tree, comments, source)
            self.diagnostics.extend(problems)
        except UnexpectedInput as error:
            self.diagnostics.extend(syntax_diagnostics(error, source))
        loaded = _Loaded(path, source, surface)
        self.files[path] = loaded
        self.real_paths[id(source)] = path
        return loaded

    def load_closure(self, path: Path, text: str | None, stack: tuple[Path, ...] = ()) -> None:
        """Depth-first over imports; `stack` holds the files being loaded (cycle detection)."""
        loaded = self.read(path, text)
        if loaded.surface is None:
            return
        for statement in loaded.surface.imports:
            for target in self.resolve_import(statement, path):
                if target in (*stack, path):
                    chain = " -> ".join(display_path(p) for p in (*stack, path, target))
                    self.diagnostics.append(
                        codes.IMPORT_CYCLE(
                            statement.path_span,
                            f"import cycle: {chain}",
                            help="move what both files need into a third file that both import",
                        )
                    )
                elif target not in self.files:
                    self.load_closure(target, None, (*stack, path))

    def resolve_import(self, statement: ast.Import, importer: Path) -> list[Path]:
        base = importer.parent
        pattern = statement.path
        if statement.alias is not None and not pattern.endswith(OPENAPI_SUFFIXES):
            self.diagnostics.append(
                codes.NOT_ALLOWED_HERE(
                    statement.span,
                    "`as` names an imported OpenAPI document; a .gw import takes no name",
                    help=f'write import "{pattern}"',
                )
            )
        problem = unusable_path(base / pattern)
        if problem:
            self.diagnostics.append(
                codes.IMPORT_NOT_FOUND(statement.path_span, f"`{pattern[:80]}`: the file name {problem}")
            )
            return []
        if is_glob(pattern):
            expansion = expand(base, pattern, self.root)
            if expansion.outside_root:
                self.report_outside(statement.path_span, "import")
                return []
            if expansion.truncated:
                self.diagnostics.append(
                    codes.IMPORT_NOT_FOUND(
                        statement.path_span,
                        f"`{pattern}` was not expanded: its folders hold over {MAX_ENTRIES:,} entries",
                        help="import a narrower pattern",
                    )
                )
                return []
            targets = [m.resolve() for m in expansion.matches if m.resolve() != importer.resolve()]
            if not targets:
                self.diagnostics.append(
                    codes.IMPORT_NOT_FOUND(
                        statement.path_span,
                        f"`{pattern}` matches no file",
                        help="import paths are relative to the importing file",
                    )
                )
        else:
            targets = [(base / pattern).resolve()]
        result = []
        for target in targets:
            if not self.inside_root(target, statement.path_span, "import"):
                continue
            if target.suffix.lower() in OPENAPI_SUFFIXES:
                if not target.is_file():
                    self.diagnostics.append(
                        codes.IMPORT_NOT_FOUND(
                            statement.path_span, f"imported file `{pattern}` does not exist"
                        )
                    )
                else:
                    self.openapi_imports.append((target, statement))
                continue
            if target.suffix != GW_SUFFIX:
                self.diagnostics.append(
                    codes.UNSUPPORTED_IMPORT(
                        statement.path_span,
                        f"cannot import `{pattern}`: only .gw files can be imported",
                    )
                )
                continue
            if not target.is_file():
                self.diagnostics.append(
                    codes.IMPORT_NOT_FOUND(
                        statement.path_span,
                        f"imported file `{pattern}` does not exist (looked for {display_path(target)})",
                        help=_nearby_hint(target),
                    )
                )
                continue
            result.append(target)
        return result

    def inside_root(self, target: Path, span: Span, what: str) -> bool:
        if target.is_relative_to(self.root):
            return True
        self.report_outside(span, what)
        return False

    def report_outside(self, span: Span, what: str) -> None:
        self.diagnostics.append(
            codes.OUTSIDE_ROOT(
                span,
                f"{what} `{span.text.strip(chr(34))}` leaves the project root",
                help=self.root_help(),
            )
        )

    def root_help(self) -> str:
        return (
            f"the project root is `{display_path(self.root)}/` (the input's folder unless --project-root "
            "says otherwise): move the file into it, or widen it with --project-root"
        )

    def read_template(self, path_node: ast.Str, call_span: Span) -> str:
        importer = self.real_paths.get(id(call_span.source), self.root / "_")
        problem = unusable_path(importer.parent / path_node.value)
        if problem:
            raise Invalid(
                codes.FILE_NOT_FOUND(path_node.span, f"file `{path_node.value[:80]}`: the name {problem}")
            )
        target = (importer.parent / path_node.value).resolve()
        if not target.is_relative_to(self.root):
            raise Invalid(
                codes.OUTSIDE_ROOT(
                    path_node.span,
                    f"file `{path_node.value}` is outside the project root",
                    help=self.root_help(),
                )
            )
        if not target.is_file():
            raise Invalid(
                codes.FILE_NOT_FOUND(
                    path_node.span,
                    f"file `{path_node.value}` does not exist (looked for {display_path(target)})",
                )
            )
        try:
            data = read_bounded(target, self.max_bytes)
        except InputTooLarge as error:
            raise Invalid(
                codes.INPUT_TOO_LARGE(
                    path_node.span,
                    f"file `{path_node.value}` is {error.size:,} bytes; apic reads inputs of at most "
                    f"{error.limit:,} bytes",
                    help="raise the limit with --max-input-bytes if the file is meant to be this large",
                )
            ) from None
        source, problem = decode(data, display_path(target))
        if problem:
            raise Invalid(
                codes.INVALID_ENCODING(path_node.span, f"file `{path_node.value}`: {problem.message}")
            )
        return source.text


def _nearby_hint(target: Path) -> str | None:
    from apic.compiler.suggest import did_you_mean

    if not target.parent.is_dir():
        return None
    return did_you_mean(target.name, (p.name for p in target.parent.glob("*.gw")))


def load_gw(path: Path, options: LoadOptions | None = None, text: str | None = None) -> LoadResult:
    """Parse, bind and lower `path` (or `text` as if it were that file) with its imports."""
    options = options or LoadOptions()
    path = path.resolve()
    root = (options.project_root or path.parent).resolve()
    loader = _Loader(root, options.max_input_bytes)
    loader.load_closure(path, text)
    imported = sorted((f for p, f in loader.files.items() if p != path), key=lambda f: str(f.path))
    ordered = [loader.files[path], *imported]
    sources = [f.source for f in ordered]

    fatal = any(f.surface is None for f in ordered) or _has_errors(loader.diagnostics)
    suppressions = []
    for f in ordered:
        if f.surface is not None:
            found, problems = parse_directives(
                (c.span for c in f.surface.comments), statement_spans(f.surface), f.source
            )
            suppressions.extend(found)
            loader.diagnostics.extend(problems)

    if fatal:
        return LoadResult(None, loader.diagnostics, sources, suppressions)

    diagnostics = loader.diagnostics
    items = [item for f in ordered for item in f.surface.items]  # type: ignore[union-attr]
    ctx = BindContext(read_file=loader.read_template)
    binder = Binder(ctx, diagnostics)
    ctx.variables = collect_vars([i for i in items if isinstance(i, ast.Block) and i.type == "vars"], binder)
    top = Bound(FILE, ordered[0].source.span(0, len(ordered[0].source.text)), ordered[0].source.whole())
    binder.bind_items(
        top,
        tuple(merge_apis([i for i in items if not (isinstance(i, ast.Block) and i.type == "vars")])),
    )
    model = Lowerer(diagnostics).lower(top)
    for target, statement in loader.openapi_imports:
        # The alias names the api the document joins; without one, its info.title does.
        from apic.compiler.frontends.openapi.load import load_openapi  # only for an imported document

        imported = load_openapi(
            target,
            replace(options, project_root=root),
            api_name=statement.alias,
        )
        diagnostics.extend(imported.diagnostics)
        sources.extend(s for s in imported.sources if s not in sources)
        suppressions.extend(imported.suppressions)
        if imported.model is not None:
            model = merge_models(model, imported.model, diagnostics)
    return LoadResult(None if _has_errors(diagnostics) else model, diagnostics, sources, suppressions)


def collect_vars(blocks: list[ast.Block], binder: Binder) -> dict[str, ast.Value]:
    variables: dict[str, ast.Value] = {}
    first: dict[str, Span] = {}
    for block in blocks:
        bound = binder.bind(VARS, block)
        for name, attr in bound.attrs.items():
            if name in first:
                binder.report(
                    codes.REDEFINED_ATTRIBUTE(
                        attr.node.name_span,
                        f"variable `{name}` is defined twice",
                        related=[(first[name], "first defined here")],
                    )
                )
                continue
            first[name] = attr.node.name_span
            variables[name] = attr.node.value
        for child in block.items:
            if isinstance(child, ast.Block):
                binder.report(
                    codes.NOT_ALLOWED_HERE(child.header_span, "`vars` holds `name = value` lines, not blocks")
                )
    return variables


def merge_apis(items: list[ast.Item]) -> list[ast.Item]:
    """Same-label `api` blocks, in any files, become one block (at the first one's place)."""
    merged: dict[str, int] = {}
    result: list[ast.Item] = []
    for item in items:
        if (
            isinstance(item, ast.Block)
            and item.type == "api"
            and len(item.labels) == 1
            and item.labels[0].kind == "string"
        ):
            key = str(item.labels[0].value)
            if key in merged:
                index = merged[key]
                first = result[index]
                assert isinstance(first, ast.Block)
                result[index] = ast.Block(
                    first.type, first.type_span, first.labels, first.items + item.items, first.span
                )
                continue
            merged[key] = len(result)
        result.append(item)
    return result


def statement_spans(surface: ast.GwFile) -> list[StatementSpan]:
    result: list[StatementSpan] = []

    def walk(items: tuple[ast.Item, ...], depth: int) -> None:
        for item in items:
            result.append(StatementSpan(item.span, depth))
            if isinstance(item, ast.Block):
                walk(item.items, depth + 1)

    walk(surface.imports + surface.items, 0)
    return result


def _has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
