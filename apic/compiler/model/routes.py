"""Route analysis over a segment trie: which route a request reaches, and where routes meet.

Every route-conflict rule asks the same question in a different form: "which other routes
can the same request reach?". Comparing all pairs is quadratic (50,000 routes would be
1.25 billion comparisons), so the routes of an API are inserted into a trie keyed by path
segment, with one child per literal, one shared child for any `{param}` and one for a greedy
`{name+}`. Routes that can collide end up at the same node or in subtrees that the rules
walk side by side; unrelated subtrees are never visited.

The matcher follows API Gateway's precedence, which is also what a reader of the file
expects: a literal segment beats a `{param}`, a `{param}` beats a greedy `{proxy+}`, and an
explicit method beats `ANY`. The lint rules then report where other gateways (ordered or
prefix routers) would decide differently.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from apic.compiler.model import Api, ApiKind, HttpMethod, Route
from apic.compiler.model.base import declaration_order

ANY = HttpMethod.ANY


@dataclass(frozen=True, slots=True)
class Segment:
    """One path segment: `kind` is "literal", "param" or "greedy"; `text` is the literal or name."""

    kind: str
    text: str

    def __str__(self) -> str:
        if self.kind == "literal":
            return self.text
        return "{" + self.text + ("+}" if self.kind == "greedy" else "}")


@lru_cache(maxsize=65536)
def segments(path: str) -> tuple[Segment, ...]:
    """`/book/{id}/{rest+}` -> literal book, param id, greedy rest; `/` -> ()."""
    result = []
    for part in path.strip("/").split("/") if path.strip("/") else ():
        if part.startswith("{") and part.endswith("+}"):
            result.append(Segment("greedy", part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            result.append(Segment("param", part[1:-1]))
        else:
            result.append(Segment("literal", part))
    return tuple(result)


def methods_overlap(a: tuple[HttpMethod, ...], b: tuple[HttpMethod, ...]) -> bool:
    """Two method sets reach a common request; `ANY` overlaps every method."""
    if ANY in a or ANY in b:
        return bool(a) and bool(b)
    return not set(a).isdisjoint(b)


def shared_methods(a: tuple[HttpMethod, ...], b: tuple[HttpMethod, ...]) -> list[str]:
    """The methods two routes share, for messages: `ANY` stands for the other side's methods."""
    if ANY in a:
        return sorted(set(b))
    if ANY in b:
        return sorted(set(a))
    return sorted(set(a) & set(b))


@dataclass(eq=False)
class TrieNode:
    """A position in the path tree; `routes` end exactly here (in insertion order)."""

    depth: int = 0
    literals: dict[str, TrieNode] = field(default_factory=dict)
    param: TrieNode | None = None
    greedy: TrieNode | None = None
    routes: list[Route] = field(default_factory=list)
    # every name used for the `{param}` (or `{greedy+}`) child here, with its first route
    param_names: dict[str, Route] = field(default_factory=dict)
    greedy_names: dict[str, Route] = field(default_factory=dict)

    def children(self) -> Iterator[TrieNode]:
        yield from self.literals.values()
        if self.param is not None:
            yield self.param
        if self.greedy is not None:
            yield self.greedy

    def walk(self) -> Iterator[TrieNode]:
        """Every node below and including this one, depth first, without recursion."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(list(node.children())))


@dataclass
class RouteTable:
    """The routes of one HTTP-style API (REST or HTTP) in a trie; WebSocket route keys aside."""

    root: TrieNode
    route_keys: dict[str, list[Route]]  # WebSocket keys and `$default`: every route, in model order

    @classmethod
    def of(cls, api: Api) -> RouteTable:
        """The table of `api`, built once however many rules ask (the last few are kept)."""
        key = id(api)
        cached = _TABLES.get(key)
        if cached is not None and cached[0]() is api:
            return cached[1]
        table = cls.build(api)
        _TABLES[key] = (weakref.ref(api), table)
        while len(_TABLES) > 8:
            _TABLES.pop(next(iter(_TABLES)))
        return table

    @classmethod
    def build(cls, api: Api) -> RouteTable:
        root = TrieNode()
        keys: dict[str, list[Route]] = {}
        for route in api.routes:
            if api.kind is ApiKind.WEBSOCKET or not route.path.startswith("/"):
                keys.setdefault(route.path, []).append(route)
                continue
            node = root
            for segment in segments(route.path):
                node = _child(node, segment, route)
            node.routes.append(route)
        return cls(root, keys)

    def match(self, method: str, path: str) -> Route | None:
        """The route a request `method path` reaches under API Gateway's precedence, or None.

        `path` is a concrete resource path such as `/book/42` (no base path, no query).
        """
        wanted = HttpMethod(method.upper())
        parts = [p for p in path.split("?", 1)[0].strip("/").split("/") if p]
        return _match(self.root, parts, 0, wanted)


_TABLES: dict[
    int, tuple[Api, RouteTable]
] = {}  # id -> (the api, kept alive so ids are not reused, its table)


def _child(node: TrieNode, segment: Segment, route: Route) -> TrieNode:
    if segment.kind == "literal":
        child = node.literals.get(segment.text)
        if child is None:
            child = node.literals[segment.text] = TrieNode(node.depth + 1)
        return child
    if segment.kind == "param":
        node.param_names.setdefault(segment.text, route)
        if node.param is None:
            node.param = TrieNode(node.depth + 1)
        return node.param
    node.greedy_names.setdefault(segment.text, route)
    if node.greedy is None:
        node.greedy = TrieNode(node.depth + 1)
    return node.greedy


def _pick(routes: list[Route], method: HttpMethod) -> Route | None:
    exact = next((r for r in routes if method in r.methods), None)
    return exact or next((r for r in routes if ANY in r.methods), None)


def _match(node: TrieNode, parts: list[str], index: int, method: HttpMethod) -> Route | None:
    if index == len(parts):
        return _pick(node.routes, method)
    literal = node.literals.get(parts[index])
    if literal is not None:
        found = _match(literal, parts, index + 1, method)
        if found is not None:
            return found
    if node.param is not None:
        found = _match(node.param, parts, index + 1, method)
        if found is not None:
            return found
    if node.greedy is not None:
        # a greedy variable takes one segment or more; the longest take is tried first
        for end in range(len(parts), index, -1):
            found = _match(node.greedy, parts, end, method)
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class VariableClash:
    """`route` names the variable `text` where `first` (declared earlier) names `first_text`,
    at the trie node `node`: API Gateway REST allows one variable path part per resource."""

    route: Route
    text: str
    first: Route
    first_text: str
    node: TrieNode


def variable_clashes(api: Api, *, greedy: bool) -> Iterator[VariableClash]:
    """Sibling path variables with different names; `greedy` counts `{proxy+}` as one too
    (it is a variable path part of its resource on REST)."""
    for node in RouteTable.of(api).root.walk():
        variables = [(f"{{{n}}}", r) for n, r in node.param_names.items()]
        if greedy:
            variables += [(f"{{{n}+}}", r) for n, r in node.greedy_names.items()]
        if len(variables) < 2:
            continue
        variables.sort(key=lambda item: declaration_order(item[1]))
        first_text, first = variables[0]
        for text, route in variables[1:]:
            yield VariableClash(route, text, first, first_text, node)
