"""Kubernetes path matches as `.gw` path templates.

`Exact` is the path itself. `Prefix` (Ingress) and `PathPrefix` (Gateway API) match by path
element: `/a` matches `/a` and `/a/b`, never `/ab`, and a final `/` changes nothing
(Kubernetes Ingress reference, "Examples" table), which is a template and its `{proxy+}`
below it, exactly. `ImplementationSpecific` means what the controller makes of it: Kong
reads `/~…` as a regex and anything else as a string prefix, ingress-nginx a regex when
`use-regex` is on and a string prefix otherwise, the AWS Load Balancer Controller an ALB
path pattern (`*` any run of characters, `/` included, `?` one character). Gateway API's
`RegularExpression` names no groups; its groups become `{p1}`, `{p2}` ….
"""

from __future__ import annotations

import re

from apic.compiler.frontends.dsl.paths import path_problem
from apic.compiler.frontends.kong.paths import Converted, convert

_GROUP = re.compile(r"\((?!\?)")


def exact(path: str) -> Converted:
    if "{" in path or "}" in path:
        return Converted((), False, problem=f"path `{path}` holds braces, which a `.gw` path cannot")
    if path != "/" and path.endswith("/"):
        return Converted((), False, problem=f"exact path `{path}` ends with `/`, which a `.gw` path cannot")
    problem = path_problem(path)
    if problem is not None:
        return Converted((), False, problem=f"path `{path}` is no `.gw` path: {problem[0]}")
    return Converted((path,), False)


def element_prefix(path: str) -> Converted:
    """An Ingress `Prefix` or a Gateway API `PathPrefix`: the path and every path below it."""
    base = path.rstrip("/")
    if not base:
        return Converted(("/", "/{proxy+}"), False)
    found = exact(base)
    if found.problem:
        return found
    return Converted((base, f"{base}/{{proxy+}}"), False)


def string_prefix(path: str, controller: str) -> Converted:
    """A path a controller matches as the start of the request path, `/ab` included."""
    found = element_prefix(path)
    if found.problem or path.rstrip("/") == "":
        return found
    if path.endswith("/"):
        return Converted(found.templates[1:], False, (f"`{path}` itself (with its final `/`) is not routed",))
    return Converted(
        found.templates, False, (f"`{path}` is a prefix to {controller} and also matches `{path}-more`",)
    )


def regex(pattern: str, engine: str = "Kong") -> Converted:
    """A regex path: Kong's and ingress-nginx's named groups, or Gateway API's unnamed ones;
    `engine` names who matches it in what the conversion notes."""
    count = 0

    def name(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"(?<p{count}>"

    named = _GROUP.sub(name, pattern)
    found = convert("~" + named, kong2=False)
    if engine == "Kong":
        return found
    return Converted(
        found.templates,
        found.regex,
        tuple(
            note.replace("in Kong", f"to {engine}").replace("Kong also", f"{engine} also")
            for note in found.notes
        ),
        found.problem,
    )


def alb_pattern(pattern: str) -> Converted:
    """An ALB path pattern: `*` or `?*` as a whole segment is a parameter, or at the end the
    rest of the path; a pattern without wildcards is the path itself."""
    if "*" not in pattern and "?" not in pattern:
        return exact(pattern)
    segments = pattern.split("/")
    out: list[str] = []
    notes: list[str] = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment in ("*", "?*"):
            if last:
                out.append("{proxy+}")
                if segment == "*":
                    notes.append(
                        f"`{pattern}` also matches an empty last segment, which the template does not"
                    )
            else:
                out.append(f"{{p{position}}}")
                notes.append(
                    f"`*` in `{pattern}` matches across `/` on an ALB; the template takes one segment"
                )
        elif "*" in segment or "?" in segment:
            return Converted((), False, problem=f"ALB pattern `{pattern}` has a wildcard inside a segment")
        else:
            out.append(segment)
    template = "/".join(out)
    problem = path_problem(template)
    if problem is not None:
        return Converted((), False, problem=f"ALB pattern `{pattern}` is no `.gw` path: {problem[0]}")
    return Converted((template,), False, tuple(notes))
