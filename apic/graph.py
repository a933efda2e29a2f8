"""`apic graph FILE`: the route map. Domains -> base paths -> stages -> routes (grouped by
their first path segment) -> backends, with each route's auth, throttle and healthcheck
marked; printed as Mermaid (GitHub renders it) or Graphviz DOT (and SVG through Graphviz's
`dot` when it is installed).

The map is data first (`RouteMap`), so both printers show the same graph and each quotes
labels its own way: Mermaid labels are `"…"` with `#quot;` for a quote and no line breaks;
DOT labels are C-like strings.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from apic.compiler.model import AuthKind, GatewayModel, Route, Stage
from apic.compiler.model.routes import segments


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    kind: str  # domain, api, stage, route, backend


@dataclass
class RouteMap:
    nodes: dict[str, GraphNode] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group label -> route node ids

    def node(self, kind: str, key: str, label: str) -> str:
        ident = kind[0] + hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()[:10]
        self.nodes.setdefault(ident, GraphNode(ident, label, kind))
        return ident

    def edge(self, source: str, target: str, label: str = "") -> None:
        if (source, target, label) not in self.edges:
            self.edges.append((source, target, label))


def auth_mark(route: Route) -> str:
    if not route.auth or any(all(r.kind is AuthKind.NONE for r in a) for a in route.auth):
        return "public"
    return route.auth_text


def route_label(route: Route) -> str:
    marks = [auth_mark(route)]
    if route.throttle is not None and route.throttle.rate is not None:
        marks.append(f"throttle {route.throttle.rate}")
    if route.healthcheck:
        marks.append("healthcheck")
    return f"{route.label} · {' · '.join(marks)}"


def group_of(route: Route) -> str:
    """The route's first path segment, as `/book`, or the route key of a WebSocket route."""
    if not route.path.startswith("/"):
        return route.path
    parts = segments(route.path)
    if not parts:
        return "/"
    first = parts[0]
    return "/" + first.text if first.kind == "literal" else "/{" + first.text + "}"


def route_map(model: GatewayModel) -> RouteMap:
    graph = RouteMap()
    for api in model.apis:
        stages = {
            s.name: graph.node("stage", f"{api.name}/{s.name}", stage_label(api.name, s)) for s in api.stages
        }
        for domain in api.domains:
            host = graph.node("domain", domain.host, domain.host)
            for mapping in domain.base_paths:
                target = stages.get(mapping.stage)
                if target is not None:
                    graph.edge(host, target, "/" + mapping.base_path.strip("/") if mapping.base_path else "/")
        api_node = graph.node("api", api.name, f"api {api.name} ({api.kind.value})")
        for stage in stages.values():
            graph.edge(api_node, stage)
        heads = list(stages.values()) or [api_node]
        for route in api.routes:
            label = route_label(route)
            node = graph.node("route", f"{api.name}/{route.label}", label)
            graph.groups.setdefault(f"{api.name} {group_of(route)}", []).append(node)
            for head in heads:
                graph.edge(head, node)
            backend = api.backend(route.backend)
            if backend is not None:
                where = backend.url or (
                    f"k8s {backend.k8s.service}.{backend.k8s.namespace or 'default'}:{backend.k8s.port}"
                    if backend.k8s is not None
                    else (backend.type.value if backend.type is not None else "")
                )
                target = graph.node(
                    "backend", f"{api.name}/{backend.name}", f"backend {backend.name} {where}".strip()
                )
                graph.edge(node, target)
    return graph


def stage_label(api: str, stage: Stage) -> str:
    label = f"stage {stage.name}"
    if stage.throttle is not None and stage.throttle.rate is not None:
        label += f" · throttle {stage.throttle.rate}"
    return label


# --- Mermaid ------------------------------------------------------------------------------

_MERMAID_UNSAFE = re.compile(r'["\n\r<>#]')
_SHAPES = {
    "domain": ("([", "])"),
    "api": ("[[", "]]"),
    "stage": ("[/", "/]"),
    "route": ("[", "]"),
    "backend": ("[(", ")]"),
}


def mermaid_text(text: str) -> str:
    """A Mermaid label: `"…"` with quotes and markup characters as entity codes."""
    codes = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "\n": " ", "\r": " "}
    return '"' + _MERMAID_UNSAFE.sub(lambda m: codes[m.group()], text) + '"'


def mermaid(graph: RouteMap) -> str:
    lines = ["flowchart LR"]
    grouped = {node for members in graph.groups.values() for node in members}
    for ident, node in graph.nodes.items():
        if ident not in grouped:
            opening, closing = _SHAPES[node.kind]
            lines.append(f"  {ident}{opening}{mermaid_text(node.label)}{closing}")
    for number, (name, members) in enumerate(graph.groups.items()):
        lines.append(f"  subgraph g{number}[{mermaid_text(name)}]")
        for ident in members:
            opening, closing = _SHAPES["route"]
            lines.append(f"    {ident}{opening}{mermaid_text(graph.nodes[ident].label)}{closing}")
        lines.append("  end")
    for source, target, label in graph.edges:
        lines.append(
            f"  {source} -->|{mermaid_text(label)}| {target}" if label else f"  {source} --> {target}"
        )
    return "\n".join(lines) + "\n"


# --- DOT ----------------------------------------------------------------------------------

_DOT_SHAPES = {
    "domain": "oval",
    "api": "box3d",
    "stage": "parallelogram",
    "route": "box",
    "backend": "cylinder",
}


def dot_text(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, line breaks as spaces."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


def dot(graph: RouteMap) -> str:
    lines = ["digraph routes {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    grouped = {node for members in graph.groups.values() for node in members}
    for ident, node in graph.nodes.items():
        if ident not in grouped:
            lines.append(f"  {ident} [label={dot_text(node.label)}, shape={_DOT_SHAPES[node.kind]}];")
    for number, (name, members) in enumerate(graph.groups.items()):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f"    label={dot_text(name)};")
        for ident in members:
            lines.append(f"    {ident} [label={dot_text(graph.nodes[ident].label)}, shape=box];")
        lines.append("  }")
    for source, target, label in graph.edges:
        lines.append(f"  {source} -> {target}" + (f" [label={dot_text(label)}];" if label else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"
