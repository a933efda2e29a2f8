"""The one way a user's string reaches nginx.conf: a double-quoted nginx string.

nginx's configuration parser reads a double-quoted string up to the next unescaped `"`, turns
`\\"` into `"` and `\\\\` into `\\`, and leaves every other character, `;`, `{`, `}` and `#`
included, as it is; so escaping `\\` and `"` is all a quoted value needs, wherever it stands.
What cannot be made safe is refused (`Unquotable`, which the builder turns into a diagnostic
on the value's span):
- control characters and line breaks (nginx would keep them, and a log or a header would
  carry them on);
- `$` in a value meant literally: nginx expands variables inside quoted strings and has no
  escape for `$`, so `"$host"` is the request's host whatever the quotes.

Regexes are quoted the same way; nginx does not expand variables in a `location` or
`rewrite` regex, so a regex may hold `$` (its end anchor). A string that mixes literal text
with nginx variables is built with `template`, which quotes the literal parts and keeps the
variable references apic chose.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class Unquotable(ValueError):
    """A value nginx.conf cannot hold as the literal it is meant to be; the message says why."""


def _escape(text: str) -> str:
    if _CONTROL.search(text):
        raise Unquotable(f"`{printable(text)}` holds a control character or line break")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def printable(text: str) -> str:
    """`text` with control characters shown as escapes, for messages."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)[:80]


def literal(text: str) -> str:
    """A value meant as written: a header value, a host name, an API key, an origin."""
    if "$" in text:
        raise Unquotable(f"`{printable(text)}` holds `$`, which nginx reads as a variable in any string")
    return '"' + _escape(text) + '"'


def regex(text: str) -> str:
    """A PCRE for `location ~` or `rewrite`: nginx expands no variables there."""
    return '"' + _escape(text) + '"'


class Variable(str):
    """A reference to an nginx variable apic chose (`$apic_book_id`, `$request_id`)."""


class Capture(str):
    """A numbered capture of the regex in force (`$1`-`$9`)."""


def template(*parts: str) -> str:
    """Literal parts, `Variable`s and `Capture`s joined into one quoted string; a variable is
    written `${name}`, so the text after it cannot extend its name (apic writes a capture
    only where `&` or the end follows it)."""
    out = []
    for part in parts:
        if isinstance(part, Capture):
            out.append("$" + part)
        elif isinstance(part, Variable):
            out.append("${" + part.removeprefix("$") + "}")
        else:
            if "$" in part:
                raise Unquotable(
                    f"`{printable(part)}` holds `$`, which nginx reads as a variable in any string"
                )
            out.append(_escape(part))
    return '"' + "".join(out) + '"'
