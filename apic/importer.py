"""`apic import`: a gateway's own configuration as canonical `.gw`.

Teams start from what they run. An API Gateway export is OpenAPI with
`x-amazon-apigateway-*` extensions, which apic already reads into its model; a Kong
declarative file is read by the Kong frontend; the `.gw` printer (the one the round-trip
property tests hold to an equal model) writes the model out.
What the `.gw` language cannot say is left out of the text, written as a comment at the top
with where it came from, and reported as a diagnostic (IM001); before anything is written
the printed text is loaded back and must give the model it was printed from, so an import
never writes a file that means something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from apic.api import load
from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.frontends.base import OPENAPI_SUFFIXES, LoadOptions, display_path
from apic.compiler.frontends.dsl.printer import print_model
from apic.compiler.model import Api, AuthRequirement, GatewayModel
from apic.compiler.source import SourceFile

SOURCES = {
    "aws-export": "an API Gateway export (OpenAPI 3 or Swagger 2 with x-amazon-apigateway-* extensions)",
    "kong": "a Kong declarative configuration (a decK file, YAML or JSON)",
    "k8s": "Kubernetes Ingress or HTTPRoute objects (a YAML stream or a List, with Kong's KongPlugins)",
}
CATCH_ALL = "$default"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True)
class Imported:
    """The `.gw` text (None when nothing may be written), what the import says about the
    source, and the files it read."""

    text: str | None
    diagnostics: list[Diagnostic]
    sources: list[SourceFile]


def import_file(
    path: Path, source: str, options: LoadOptions | None = None, text: str | None = None
) -> Imported:
    """Import `path` (or `text`, standing for its content) read as `source` (see SOURCES)."""
    if source not in SOURCES:
        raise ValueError(f"unknown import source {source!r}")
    if source in ("kong", "k8s") and path.suffix.lower() in OPENAPI_SUFFIXES:
        from apic.compiler.frontends.k8s.load import load_k8s
        from apic.compiler.frontends.kong.load import load_kong

        loaded = (load_kong if source == "kong" else load_k8s)(path, options, text)
    else:
        loaded = load(path, options, text)
    diagnostics = list(loaded.diagnostics)
    if path.suffix.lower() not in OPENAPI_SUFFIXES:
        whole = loaded.sources[0].whole() if loaded.sources else SourceFile(display_path(path), "").whole()
        return Imported(
            None,
            [
                codes.UNSUPPORTED_IMPORT(
                    whole,
                    f"`{path.name}` is not {SOURCES[source].split(' (')[0]}: --from {source} reads "
                    ".yaml, .yml or .json",
                )
            ],
            loaded.sources,
        )
    if loaded.model is None or any(d.severity is Severity.ERROR for d in diagnostics):
        return Imported(None, diagnostics, loaded.sources)
    model, left_out = without_unsayable(loaded.model)
    text = print_model(model)
    back = load(path.with_suffix(".gw"), options, text=text)
    if back.model != model or any(d.severity is Severity.ERROR for d in back.diagnostics):
        first = next(
            (d.message for d in back.diagnostics if d.severity is Severity.ERROR), "a different model"
        )
        diagnostics.append(
            codes.INTERNAL_ERROR(
                loaded.sources[0].whole(),
                f"the .gw apic printed for `{path.name}` does not load back to the imported model "
                f"({first}); nothing is written",
                help="this is a bug in apic: please report it with the input",
            )
        )
        return Imported(None, diagnostics, loaded.sources)
    diagnostics.extend(left_out)
    return Imported(
        header(path, source, [*loaded.diagnostics, *left_out]) + text, diagnostics, loaded.sources
    )


def without_unsayable(model: GatewayModel) -> tuple[GatewayModel, list[Diagnostic]]:
    """The model less what the `.gw` language cannot say, and an IM001 for each part left
    out. Today that is an HTTP API's `$default` catch-all route, which `.gw` v1 has no path
    for (language.md: every route path starts with `/`)."""
    apis: list[Api] = []
    left_out: list[Diagnostic] = []
    for api in model.apis:
        kept = []
        for route in api.routes:
            if route.path == CATCH_ALL:
                left_out.append(
                    codes.NOT_CARRIED(
                        route.span or api.span,  # type: ignore[arg-type]
                        f"api `{api.name}`: the `$default` route (an HTTP API's catch-all, to backend "
                        f"`{route.backend}`) has no `.gw` form; it is left out of the imported file",
                        help='a `route ANY "/{proxy+}"` catches every path below `/`, though not `/` itself',
                    )
                )
            else:
                kept.append(route)
        api = replace(api, routes=tuple(kept)) if len(kept) != len(api.routes) else api
        apis.append(scopes_on_authorizers(api))
    return replace(model, apis=tuple(apis)), left_out


def scopes_on_authorizers(api: Api) -> Api:
    """OpenAPI and Kong ask scopes per operation; `.gw` asks them of an authorizer
    (`scopes = [...]`), which the plan uses for every route whose requirement names none.
    So each authorizer a route asks scopes of gets them, when every such route asks the same
    ones; otherwise each other set of scopes gets a copy of the authorizer (same issuer and
    audience, so the same check) named after them. Every route then makes the same checks."""
    asked: dict[str, set[tuple[str, ...]]] = {}
    for route in api.routes:
        for alternative in route.auth:
            for requirement in alternative:
                if requirement.authorizer is not None and requirement.scopes:
                    asked.setdefault(requirement.authorizer, set()).add(requirement.scopes)
    if not asked:
        return api
    authorizers = {a.name: a for a in api.authorizers}
    renamed: dict[tuple[str, tuple[str, ...]], str] = {}
    for name, sets in sorted(asked.items()):
        original = authorizers.get(name)
        if original is None:
            continue
        for scopes in sorted(sets):
            if len(sets) == 1 and not original.scopes:
                authorizers[name] = replace(original, scopes=scopes)
                renamed[name, scopes] = name
                continue
            copy_name = f"{name}-" + "-".join(re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-") for s in scopes)
            while copy_name in authorizers and authorizers[copy_name].scopes != scopes:
                copy_name += "-2"
            authorizers[copy_name] = replace(original, name=copy_name, scopes=scopes)
            renamed[name, scopes] = copy_name

    def moved(requirement: AuthRequirement) -> AuthRequirement:
        key = (requirement.authorizer or "", requirement.scopes)
        if requirement.scopes and key in renamed:
            return replace(requirement, authorizer=renamed[key], scopes=())
        return requirement

    routes = tuple(
        replace(route, auth=tuple(tuple(moved(r) for r in alternative) for alternative in route.auth))
        for route in api.routes
    )
    return replace(api, routes=routes, authorizers=tuple(sorted(authorizers.values(), key=lambda a: a.name)))


def header(path: Path, source: str, said: list[Diagnostic]) -> str:
    """The comment block at the top of an imported file: where it came from, and every
    warning the import gave, with its place in the source."""
    lines = [f"# Imported by `apic import --from {source}` from {_comment_text(path.name)}."]
    notes = [d for d in said if d.severity is not Severity.ERROR]
    if notes:
        lines.append("# Not carried over, or carried with a warning (each is also a diagnostic):")
        for d in sorted(notes, key=lambda d: (d.span.path, d.span.start, d.code)):
            line, column = d.span.start_location
            place = f"{Path(d.span.path).name}:{line}:{column}"
            lines.append(f"#   {place} {d.code} {_comment_text(d.message)}")
    return "\n".join(lines) + "\n"  # no blank line: `apic fmt` keeps a leading comment against the block


def _comment_text(text: str) -> str:
    """Text that stays inside one `#` comment line: a line break or control character in a
    name from the source would otherwise end the comment and become `.gw` text."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
