"""One API of the model as nginx servers and locations, printed from the plan.

Matching. nginx tries `location =` paths first, then regex locations in the order they are
written (the first match wins), then the longest prefix. So a route without variables is a
`location =`, which no route with a variable can take from it (the model agrees: a literal
segment beats a variable); a route with variables is a regex location, written in the plan's
order (`RoutePlan.order`), behind longer base paths first; an HTTP API's `$default` is a
prefix location, below everything; a path no route serves gets a JSON 404.

Methods. The routes of one path share its location. A location of one route refuses other
methods with a JSON 405 itself. When it holds more than one route, answers CORS preflights,
or requests of another method must reach a later route (a `GET /books/{id}` beside an
`ANY /{proxy+}` takes `POST /books/1` to the latter, as the model does), a `map` of
`"$request_method:$uri"` names the route a request belongs to, in the model's order, and
the location hands the request to that route's named location (`return 46x` with
`error_page 46x = @route`); a method no route takes is a JSON 405.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from apic.compiler import codes
from apic.compiler.model import Api, HttpMethod
from apic.compiler.plan.cors import Preflight, cors_plan
from apic.compiler.plan.paths import Placement, placements
from apic.compiler.plan.patterns import overlap
from apic.compiler.plan.routes import RoutePlan, route_plans
from apic.targets.nginx.access import consumer_variable, ident, limit_req, plan_limits, retry_after, zone
from apic.targets.nginx.conf import Block, HttpConf, Map, Server
from apic.targets.nginx.proxy import location_regex, origin_of, proxy_directives
from apic.targets.nginx.quote import Unquotable, literal, printable, regex
from apic.targets.unwritten import Unwritten, refuse_checks, refuse_cors_clashes, say_unwritten

DISPATCH_FIRST = 460  # status codes a location hands requests on with (460-499: unused by HTTP)
DISPATCH_LAST = 499
ERRORS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Endpoint Request Timed-out",
}


@dataclass(frozen=True)
class Settings:
    listen: int
    tls_listen: int
    tls_dir: str
    resolver: str
    keys_dir: str
    healthcheck_access_log: bool


def error_pages() -> list[str]:
    return [f"error_page {status} @apic_{status};" for status in ERRORS]


def error_locations(retry: int) -> list[Block]:
    blocks = []
    for status, text in ERRORS.items():
        lines = ["default_type application/json;"]
        if status == 429:
            lines.append(f'add_header Retry-After "{retry}" always;')
        lines.append(f'return {status} \'{{"message":"{text}"}}\';')
        blocks.append(Block(f"location @apic_{status}", f"{status} as JSON", lines))
    return blocks


def route_id(api: Api, plan: RoutePlan, place: Placement) -> str:
    key = f"{api.name}|{plan.route.label}|{place.base_path}|{','.join(place.hosts)}"
    return "apic_" + hashlib.sha256(key.encode()).hexdigest()[:12]


class ApiServers:
    def __init__(self, api: Api, index: int, conf: HttpConf, settings: Settings) -> None:
        self.api = api
        self.index = index
        self.conf = conf
        self.settings = settings
        self.plans = sorted(route_plans(api), key=lambda p: p.order)
        self.preflight_plan = cors_plan(api, [p.route for p in self.plans])
        self.preflights = self.preflight_plan.by_path

    def build(self) -> None:
        refuse_cors_clashes(self.conf, self.preflight_plan)
        usable = [p for p in self.plans if self.usable(p)]
        places = {id(p): placements(self.api, p.route) for p in usable}  # once per route
        for place in sorted({pl for p in usable for pl in places[id(p)]}, key=str):
            here = [p for p in usable if place in places[id(p)]]
            for server in self.servers(place):
                self.place(server, place, here)
        left_out = {
            Unwritten.CACHES,
            Unwritten.VALIDATION,
            Unwritten.TRACING,
            Unwritten.GATEWAY_RESPONSES,
            Unwritten.VPC_LINKS,
        }
        say_unwritten(self.conf, self.api, "open-source nginx as apic writes it", left_out)
        for backend in self.api.backends:
            if backend.health_check is not None:
                self.conf.report(
                    codes.TARGET_APPROXIMATION,
                    backend.health_check,
                    None,
                    f"backend `{backend.name}` health check is not written: open-source nginx checks "
                    "backends passively only (`max_fails`)",
                )

    def usable(self, plan: RoutePlan) -> bool:
        route = plan.route
        if refuse_checks(
            self.conf,
            plan,
            "open-source nginx checks API keys only",
            help="use target kong, which verifies tokens (openid-connect) and basic credentials",
        ):
            return False
        backend = plan.upstream.backend
        if origin_of(backend, plan.upstream.origin) is None:
            self.conf.report(
                codes.TARGET_MISSING_FIELD,
                route,
                None,
                f"{route.label}: nginx sends requests to a URL, and backend "
                f"`{backend.name if backend else route.backend}` has none (nor a `k8s` service)",
                help='give the backend a `url = "https://…"`, or run apic compile with --backend NAME=URL',
            )
            return False
        return True

    # --- servers ------------------------------------------------------------------------

    def servers(self, place: Placement) -> list[Server]:
        found = []
        for host in place.hosts or ("",):
            server = self.conf.servers.get(host)
            if server is None:
                try:
                    server = self.new_server(host)
                except Unquotable as why:
                    domain = next(d for d in self.api.domains if d.host == host)
                    self.conf.report(codes.TARGET_UNSUPPORTED, domain, None, f"domain: {why}")
                    continue
                self.conf.servers[host] = server
            found.append(server)
        return found

    def new_server(self, host: str) -> Server:
        settings = self.settings
        server = Server(host, error_pages=error_pages())
        if not host:
            server.listen = [f"listen {settings.listen} default_server;"]
            return server
        server.names = literal(host)
        domain = next(d for d in self.api.domains if d.host == host)
        if not settings.tls_dir:
            server.listen = [f"listen {settings.listen};"]
            self.conf.report(
                codes.TARGET_APPROXIMATION,
                domain,
                "certificate",
                f"domain `{host}`: nginx serves it in plain HTTP on port {settings.listen}: the ACM "
                "certificate cannot leave ACM, and no certificate files were given",
                help="pass --option tls-dir=DIR with <host>.crt and <host>.key in it",
            )
            return server
        stem = "_wildcard" + host[1:] if host.startswith("*.") else host
        server.listen = [f"listen {settings.tls_listen} ssl;"]
        server.tls = [
            f"ssl_certificate {literal(f'{settings.tls_dir}/{stem}.crt')};",
            f"ssl_certificate_key {literal(f'{settings.tls_dir}/{stem}.key')};",
            "ssl_protocols "
            + ("TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;" if domain.tls_policy == "TLS_1_0" else "TLSv1.2 TLSv1.3;"),
        ]
        return server

    # --- locations ------------------------------------------------------------------------

    def place(self, server: Server, place: Placement, plans: list[RoutePlan]) -> None:
        groups: dict[str, list[RoutePlan]] = {}
        for plan in plans:
            groups.setdefault(plan.route.path, []).append(plan)
        for path, group in groups.items():
            first = group[0]
            falls_to = self.fall_through(first, group, plans)
            block = self.location(server, place, first)
            if block is None:
                continue
            made = [(plan, self.route_body(server, place, plan)) for plan in group]
            bodies = [(plan, body) for plan, body in made if body is not None]
            if len(bodies) < len(made):
                continue  # reported on the route
            preflight = self.preflights.get(path) if any(p.cors is not None for p in group) else None
            if len(group) == 1 and not falls_to and preflight is None:
                if HttpMethod.ANY not in first.route.methods:
                    block.directives.append(
                        f"if ($request_method !~ {regex('^' + methods_regex(first) + '$')}) {{ return 405; }}"
                    )
                block.directives += bodies[0][1]
            else:
                self.dispatch(server, place, block, bodies, falls_to, preflight)
            self.add(server, place, first, block)
        server.retry_after = max([server.retry_after, *self.retries(plans)])

    def location(self, server: Server, place: Placement, plan: RoutePlan) -> Block | None:
        route = plan.route
        try:
            if plan.pattern.catch_all:
                prefix = "/" + place.base_path + "/" if place.base_path else "/"
                return Block(f"location {literal(prefix)}", route.label)
            if plan.pattern.literal and not (place.base_path and route.path == "/"):
                # (the root route behind a base path takes `/base` and `/base/`: a regex below)
                path = ("/" + place.base_path if place.base_path else "") + route.path
                path = path.rstrip("/") or "/"
                match = f"location = {literal(path)}"
                if any(b.match == match for b in server.exact):
                    self.conf.report(
                        codes.TARGET_UNSUPPORTED,
                        route,
                        None,
                        f"{route.label}: another API serves `{path}` on the same host, and nginx takes one "
                        "location per path",
                    )
                    return None
                return Block(match, route.label)
            return Block(f"location ~ {regex(location_regex(plan, place.base_path))}", route.label)
        except Unquotable as why:
            self.conf.report(codes.TARGET_UNSUPPORTED, route, None, f"{route.label}: {why}")
            return None

    def add(self, server: Server, place: Placement, plan: RoutePlan, block: Block) -> None:
        if plan.pattern.catch_all:
            server.prefixes.append(block)
        elif block.match.startswith("location ="):
            server.exact.append(block)
        else:
            server.ordered.append(((-len(place.base_path), self.index, plan.order), block))

    def fall_through(
        self, first: RoutePlan, group: list[RoutePlan], plans: list[RoutePlan]
    ) -> list[RoutePlan]:
        """Later routes a request matching this path can reach by its method: those whose path
        shares requests with this one, in order, when this path's routes do not take every
        method."""
        if any(HttpMethod.ANY in p.route.methods for p in group):
            return []
        taken = {m for p in group for m in p.route.methods}
        return [
            later
            for later in plans
            if later.order > first.order
            and later.route.path != first.route.path
            and (first.pattern.catch_all or later.pattern.catch_all or overlap(first.pattern, later.pattern))
            and not all(m in taken for m in later.route.methods)
        ]

    def dispatch(
        self,
        server: Server,
        place: Placement,
        block: Block,
        bodies: list[tuple[RoutePlan, list[str]]],
        falls_to: list[RoutePlan],
        preflight: Preflight | None,
    ) -> None:
        """Hand each request to its route's named location by a map of method and path."""
        first = bodies[0][0]
        variable = ident("route", route_id(self.api, first, place)[5:])
        choice = Map('"$request_method:$uri"', "$" + variable, '""')
        named: list[tuple[str, list[str], str]] = []
        targets: list[str] = []  # the named locations the map hands on to, in order

        def hand_on(key: str, name: str) -> None:
            choice.entries.append((regex(key), literal(name)))
            if name not in targets:
                targets.append(name)

        explicit = [(p, b) for p, b in bodies if HttpMethod.ANY not in p.route.methods]
        anything = [(p, b) for p, b in bodies if HttpMethod.ANY in p.route.methods]
        for plan, body in [*explicit, *anything]:
            name = route_id(self.api, plan, place)
            hand_on("~^" + methods_regex(plan) + ":", name)
            named.append((name, body, plan.route.label))
        if preflight is not None:
            name = route_id(self.api, first, place) + "_preflight"
            hand_on("~^OPTIONS:", name)
            named.append(
                (name, self.preflight_body(preflight), f"OPTIONS {first.route.path} (CORS preflight)")
            )
        for later in falls_to:
            name = route_id(self.api, later, place)
            path = location_regex(later, place.base_path)
            hand_on("~^" + methods_regex(later) + ":" + path[1:], name)
            if not any(b.match == f"location @{name}" for b in server.named):
                body = self.route_body(server, place, later)
                if body is None:
                    continue
                named.append((name, body, later.route.label))
        if len(choice.entries) > DISPATCH_LAST - DISPATCH_FIRST + 1:
            self.conf.report(
                codes.TARGET_UNSUPPORTED,
                first.route,
                None,
                f"{first.route.label}: more than {DISPATCH_LAST - DISPATCH_FIRST + 1} routes share requests "
                "with this path; nginx hands them on by status codes 460-499",
            )
            return
        self.conf.maps[variable] = choice
        block.directives += error_pages()
        for offset, name in enumerate(targets):
            code = DISPATCH_FIRST + offset
            block.directives.append(f"error_page {code} = @{name};")
        for offset, name in enumerate(targets):
            block.directives.append(
                f"if (${variable} = {literal(name)}) {{ return {DISPATCH_FIRST + offset}; }}"
            )
        block.directives.append("return 405;")
        for name, body, label in named:
            if not any(b.match == f"location @{name}" for b in server.named):
                server.named.append(Block(f"location @{name}", label, body))

    def route_body(self, server: Server, place: Placement, plan: RoutePlan) -> list[str] | None:
        route = plan.route
        lines: list[str] = []
        if route.healthcheck and not self.settings.healthcheck_access_log:
            lines.append("access_log off;")
        client = self.key_check(plan, place, lines)
        if client is None:  # the header is apic's: a client must not send its own
            lines.append('proxy_set_header X-Apic-Consumer "";')
        lines += self.limits(plan, place, client)
        if plan.cors is not None and route.path in self.preflights:
            lines += cors_headers(self.conf, self.preflights[route.path])
        origin = origin_of(plan.upstream.backend, plan.upstream.origin)
        assert origin is not None
        proxy = proxy_directives(self.conf, self.api, plan, place, origin, self.settings.resolver)
        if proxy is None:
            return None
        return lines + proxy

    def key_check(self, plan: RoutePlan, place: Placement, lines: list[str]) -> str | None:
        if plan.auth.public or not any(a.api_key for a in plan.auth.alternatives):
            return None
        client = consumer_variable(self.conf, self.api, place.stage, self.settings.keys_dir)
        lines += [
            'if ($http_x_api_key = "") { return 401; }',
            f'if ({client} = "") {{ return 403; }}',
            f"proxy_set_header X-Apic-Consumer {client};",
        ]
        return client

    def limits(self, plan: RoutePlan, place: Placement, client: str | None) -> list[str]:
        route = plan.route
        stage = self.api.stage(place.stage) if place.stage else None
        lines: list[str] = []
        throttles = []
        if route.throttle is not None and route.throttle.rate is not None:
            throttles.append((route.throttle, "route", route.label, f"{route.label} throttle"))
        elif stage is not None and stage.throttle is not None and stage.throttle.rate is not None:
            throttles.append((stage.throttle, "stage", stage.name, f"stage `{stage.name}` throttle"))
        for throttle, kind, label, what in throttles:
            assert throttle.rate is not None
            name = zone(self.conf, ident(self.api.name, kind, label), '"all"', throttle.rate, throttle, what)
            lines.append(limit_req(self.conf, name, throttle.rate, throttle.burst, throttle, what))
        if client is not None:
            plans = {p.name: p for p in self.api.usage_plans}
            for usage in sorted({k.plan for k in self.api.consumers if k.plan in plans}):
                if place.stage is None or place.stage in plans[usage].stages:
                    for line in plan_limits(
                        self.conf, self.api, plans[usage], self.plan_client(client, usage)
                    ):
                        if line not in lines:
                            lines.append(line)
        return lines

    def plan_client(self, client: str, usage: str) -> str:
        """The consumer variable narrowed to one plan's consumers (the plan's zone key)."""
        members = sorted(c.name for c in self.api.consumers if c.plan == usage)
        variable = ident(self.api.name, "plan", usage, "client")
        if variable not in self.conf.maps:
            self.conf.maps[variable] = Map(
                client, "$" + variable, '""', [(literal(m), literal(m)) for m in members]
            )
        return "$" + variable

    def retries(self, plans: list[RoutePlan]) -> list[int]:
        found = []
        for plan in plans:
            if plan.route.throttle is not None and plan.route.throttle.rate is not None:
                found.append(retry_after(plan.route.throttle.rate))
        for stage in self.api.stages:
            if stage.throttle is not None and stage.throttle.rate is not None:
                found.append(retry_after(stage.throttle.rate))
        for usage in self.api.usage_plans:
            if usage.throttle is not None and usage.throttle.rate is not None:
                found.append(retry_after(usage.throttle.rate))
        return found

    def preflight_body(self, preflight: Preflight) -> list[str]:
        lines = cors_headers(self.conf, preflight)
        lines.append(
            f"add_header Access-Control-Allow-Methods {literal(', '.join(preflight.allow_methods))} always;"
        )
        lines.append(
            f"add_header Access-Control-Allow-Headers {literal(', '.join(preflight.allow_headers))} always;"
        )
        if preflight.max_age_seconds is not None:
            lines.append(f'add_header Access-Control-Max-Age "{int(preflight.max_age_seconds)}" always;')
        lines.append("return 204;")
        return lines


def methods_regex(plan: RoutePlan) -> str:
    if HttpMethod.ANY in plan.route.methods:
        return "[A-Z]+"
    return "(" + "|".join(sorted(m.value for m in plan.route.methods)) + ")"


def cors_headers(conf: HttpConf, preflight: Preflight) -> list[str]:
    """`Access-Control-Allow-Origin` for an allowed origin (a map of `$http_origin`), and the
    policy's other response headers."""
    variable = ident("cors", hashlib.sha256(repr(preflight.allow_origins).encode()).hexdigest()[:10])
    if "*" in preflight.allow_origins:
        origin = '"*"'
    else:
        if variable not in conf.maps:
            try:
                entries = [(literal(o), literal(o)) for o in preflight.allow_origins]
            except Unquotable as why:
                conf.report(
                    codes.TARGET_UNSUPPORTED, preflight.policy, "allow_origins", f"CORS origin: {why}"
                )
                entries = []
            # the value is the origin as the browser sent it: it compares exactly, nginx's map does not
            conf.maps[variable] = Map(
                "$http_origin", "$" + variable, '""', [(k, "$http_origin") for k, _ in entries]
            )
        origin = "$" + variable
    lines = [f"add_header Access-Control-Allow-Origin {origin} always;"]
    if origin != '"*"':
        lines.append("add_header Vary Origin always;")
    if preflight.allow_credentials:
        lines.append('add_header Access-Control-Allow-Credentials "true" always;')
    if preflight.expose_headers:
        try:
            exposed = literal(", ".join(preflight.expose_headers))
            lines.append(f"add_header Access-Control-Expose-Headers {exposed} always;")
        except Unquotable as why:
            conf.report(
                codes.TARGET_UNSUPPORTED, preflight.policy, "expose_headers", f"CORS: {printable(str(why))}"
            )
    return lines
