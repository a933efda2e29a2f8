"""What the templates print: nginx.conf as plain data, every value already quoted.

The builders decide and quote (through `quote`); the templates only loop over these and
print them, so no decision and no unquoted user string lives in a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apic.compiler.diagnostics import Diagnostic
from apic.targets.base import Reporter


@dataclass
class Block:
    """A `location` (or named location): its match, a comment naming the routes, directives."""

    match: str
    comment: str
    directives: list[str] = field(default_factory=list)


@dataclass
class Map:
    source: str  # the expression mapped, quoted
    variable: str  # `$apic_…`
    default: str  # quoted
    entries: list[tuple[str, str]] = field(default_factory=list)  # (quoted key, quoted value)
    includes: list[str] = field(default_factory=list)  # quoted file names


@dataclass
class Server:
    """One `server`: a domain's host, or "" for APIs served on any host."""

    host: str
    listen: list[str] = field(default_factory=list)
    names: str = "_"
    tls: list[str] = field(default_factory=list)
    error_pages: list[str] = field(default_factory=list)
    exact: list[Block] = field(default_factory=list)
    ordered: list[tuple[tuple[int, int, int], Block]] = field(default_factory=list)  # sort key, block
    prefixes: list[Block] = field(default_factory=list)
    named: list[Block] = field(default_factory=list)
    retry_after: int = 1

    @property
    def locations(self) -> list[Block]:
        return [*self.exact, *(b for _, b in sorted(self.ordered, key=lambda kb: kb[0])), *self.prefixes]


@dataclass
class Upstream:
    name: str
    servers: list[str]


@dataclass
class HttpConf(Reporter):
    """Everything inside `http {}`, and what was reported while deciding it."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    upstreams: dict[str, Upstream] = field(default_factory=dict)
    maps: dict[str, Map] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)  # zone name -> limit_req_zone arguments
    resolver: str | None = None
    servers: dict[str, Server] = field(default_factory=dict)
    once_per_place = True

    @property
    def server_list(self) -> list[Server]:
        return [self.servers[k] for k in sorted(self.servers)]
