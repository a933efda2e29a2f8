"""Route path templates: `/book/{bookId}`, greedy `{proxy+}`; checked once, here."""

from __future__ import annotations

import re

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.source import Span

PARAM = re.compile(r"\{([A-Za-z0-9._$-]+)(\+?)\}")
_FORBIDDEN = re.compile(r"[\s?#]")


def path_problem(path: str) -> tuple[str, str | None] | None:
    """Why `path` is not a valid template (message, help), or None when it is."""
    if not path.startswith("/"):
        return f"path `{path}` must start with `/`", f'write "/{path}"'
    if path != "/" and path.endswith("/"):
        return f"path `{path}` ends with `/`", f'write "{path.rstrip("/")}"'
    if "//" in path:
        return f"path `{path}` has an empty segment (`//`)", None
    bad = _FORBIDDEN.search(path)
    if bad:
        what = "white space" if bad.group().isspace() else f"`{bad.group()}`"
        return (
            f"path `{path}` contains {what}",
            'declare query parameters with `query "name" { … }`' if bad.group() == "?" else None,
        )
    names = [m.group(1) for m in PARAM.finditer(path)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        return (
            f"path `{path}` names the parameter `{{{repeated[0]}}}` twice",
            "give each path parameter its own name",
        )
    for segment in path.split("/")[1:]:
        if ("{" in segment or "}" in segment) and not PARAM.fullmatch(segment):
            if PARAM.search(segment):
                return (
                    f"`{segment}`: a path parameter must be a whole segment",
                    "write /res/{id}, not /res{id}",
                )
            return f"`{segment}` is not a valid path parameter", "write {name} or {name+}"
    return None


def check_path(path: str, span: Span, diagnostics: list[Diagnostic]) -> bool:
    problem = path_problem(path)
    if problem is None:
        return True
    message, help = problem
    diagnostics.append(codes.INVALID_PATH(span, message, help=help))
    return False


def join(prefix: str, path: str) -> str:
    """`/book` + `/{id}` = `/book/{id}`; `/book` + `/` = `/book`; `` + `/` = `/`."""
    if path == "/":
        return prefix or "/"
    return prefix + path
