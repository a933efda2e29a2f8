"""A Kong route path as `.gw` path templates.

Kong matches a plain path as a prefix of the request path (`/pets` matches `/pets`,
`/pets/1` and `/petshop`) and a regex path anchored at the start only (Kong prepends `^`).
Since Kong 3.0 a regex path starts with `~`; files of format 1.x and 2.x had no marker, and
Kong 2 treated a path as a regex when it held anything but letters, digits and `-._~/%`
(what `deck file convert` prefixes with `~`). The regexes converters write
(`/pets/(?<petId>[^/]+)$`) become templates; others cannot be carried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apic.compiler.frontends.dsl.paths import path_problem

PLAIN = re.compile(r"[A-Za-z0-9\-._~/%]*")
CAPTURE = re.compile(r"\(\?P?<(?P<name>[A-Za-z_][A-Za-z0-9_]*)>(?P<body>[^()]*)\)")
ESCAPED_LITERAL = re.compile(r"\\([/.\-_~%:@!$&'*+,;=])")
META = set(".^$*+?()[]{}|\\")
# a capture that takes one path segment: a negated class that excludes `/`
ONE_SEGMENT = re.compile(r"\[\^(?:[^\]]*?)(?:\\?/)(?:[^\]]*)\][+*]")
REST_OF_PATH = {".*", ".+"}


@dataclass(frozen=True)
class Converted:
    """`templates` route the path's requests (empty: not carried, `problem` says why);
    `notes` say where the templates route a little more or less than Kong did."""

    templates: tuple[str, ...]
    regex: bool
    notes: tuple[str, ...] = ()
    problem: str | None = None


def is_regex(path: str, kong2: bool) -> bool:
    return path.startswith("~") or (kong2 and PLAIN.fullmatch(path) is None)


def convert(path: str, kong2: bool) -> Converted:
    if not path.startswith(("/", "~")):
        return Converted((), False, problem=f"path `{path}` does not start with `/`")
    if not is_regex(path, kong2):
        return _prefix(path)
    return _regex(path[1:] if path.startswith("~") else path)


def _prefix(path: str) -> Converted:
    """A plain path: the path itself and everything below it."""
    if "{" in path or "}" in path:
        return Converted((), False, problem=f"path `{path}` holds braces, which a `.gw` path cannot")
    base = path.rstrip("/")
    if not base:
        return Converted(("/", "/{proxy+}"), False)
    if path.endswith("/"):
        # `.gw` paths do not end with `/`: `/pets/` itself is left to the 404
        return Converted(
            (f"{base}/{{proxy+}}",), False, (f"`{path}` itself (with its final `/`) is not routed",)
        )
    return Converted(
        (base, f"{base}/{{proxy+}}"), False, (f"`{path}` is a prefix in Kong and also matches `{path}-more`",)
    )


def _regex(pattern: str) -> Converted:
    text = pattern[1:] if pattern.startswith("^") else pattern
    anchored = text.endswith("$") and not text.endswith("\\$")
    out: list[str] = []
    notes: list[str] = []
    if anchored:
        text = text[:-1]
        if text.endswith("/?") and len(text) > 2:
            # `~/v1/?$`, how apic writes the root of a base path: the path, and with a final `/`
            text = text[:-2]
            notes.append(f"`~{pattern}` also matches with a final `/`, which no `.gw` path has")
    greedy = False
    position = 0
    while position < len(text):
        if greedy:
            return Converted((), True, problem=f"regex path `~{pattern}` goes on after a capture of the rest")
        capture = CAPTURE.match(text, position)
        if capture is not None:
            name, body = capture.group("name"), capture.group("body")
            if body in REST_OF_PATH:
                out.append(f"{{{name}+}}")
                greedy = True
                if body == ".*":
                    notes.append(f"`~{pattern}` also matches an empty `{name}`, which the template does not")
            else:
                out.append(f"{{{name}}}")
                if not ONE_SEGMENT.fullmatch(body):
                    notes.append(f"`{name}` in `~{pattern}` matches `{body}`; the template takes any segment")
            position = capture.end()
            continue
        escaped = ESCAPED_LITERAL.match(text, position)
        if escaped is not None:
            out.append(escaped.group(1))
            position = escaped.end()
            continue
        char = text[position]
        if char == "." and position + 1 < len(text) and text[position + 1] not in "*+?{":
            # `/v2.0/users`: converters leave dots unescaped, meaning the literal dot
            if not any("any character" in n for n in notes):
                notes.append(f"`.` in `~{pattern}` matches any character in Kong; the template takes a dot")
            out.append(char)
            position += 1
            continue
        if char in META:
            return Converted(
                (), True, problem=f"regex path `~{pattern}` is not a path template (at `{text[position:]}`)"
            )
        out.append(char)
        position += 1
    template = "".join(out)
    if template != "/" and template.endswith("/") and anchored:
        template = template.rstrip("/") or "/"
        notes.append(f"`~{pattern}` ends with `/`, which a `.gw` path cannot: the path without it is routed")
    problem = path_problem(template)
    if problem is not None:
        return Converted((), True, problem=f"regex path `~{pattern}` is no `.gw` path: {problem[0]}")
    if anchored or greedy:
        return Converted((template,), True, tuple(notes))
    notes.append(f"`~{pattern}` has no `$`: Kong also routes what follows it without a `/`")
    return Converted((template, f"{template.rstrip('/')}/{{proxy+}}"), True, tuple(notes))
