"""GatewayModel -> canonical `.gw` text.

The output loads back to an equal model (the round-trip property test holds it to that),
so every string goes through one quoting function and every reference through one naming
function. Layout: two-space indent, one attribute per line, `=` aligned within a block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from apic.compiler.model import (
    AccessLog,
    Api,
    ApiKind,
    Authorizer,
    AuthRequirement,
    Backend,
    Consumer,
    CorsPolicy,
    Domain,
    EnvRef,
    GatewayModel,
    GatewayResponse,
    IntegrationResponse,
    Param,
    ParamSource,
    Route,
    SamplingRule,
    SourceKind,
    Stage,
    Template,
    Throttle,
    Tracing,
    UsagePlan,
    VpcLink,
)
from apic.compiler.model.types import format_number

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"true", "false", "null", "import", "as"}
_STAGE_VAR = re.compile(r"\$\{stage\.var\.[A-Za-z0-9_]+\}")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(text: str, *, interpolated: bool = True) -> str:
    """A STRING literal reading back as `text`; `${` is escaped unless it is a stage variable."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    body = "".join(out)
    if interpolated and "${" in body:
        kept = _STAGE_VAR.findall(body)
        parts = _STAGE_VAR.split(body)
        body = "".join(
            p.replace("${", "$${") + (kept[i] if i < len(kept) else "") for i, p in enumerate(parts)
        )
    return f'"{body}"'


def template(text: str) -> str:
    """A raw `\"\"\"…\"\"\"` block when the text allows it, else an escaped string."""
    if '"""' in text or text.endswith('"') or "\r" in text:
        return quote(text, interpolated=False)
    return f'"""{text}"""'


def name_part(name: str) -> str:
    return name if _NAME.fullmatch(name) and name not in _KEYWORDS else quote(name, interpolated=False)


def ref(kind: str, name: str) -> str:
    return f"{kind}.{name_part(name)}"


def source(value: ParamSource) -> str:
    if value.kind is SourceKind.STATIC:
        return quote(f"'{value.name}'")
    prefix = {
        SourceKind.STAGE_VARIABLE: "stage.var",
        SourceKind.INTEGRATION_HEADER: "integration.header",
    }.get(value.kind, value.kind.value)
    if value.kind is SourceKind.CONTEXT:
        return prefix + "." + ".".join(name_part(p) for p in value.name.split("."))
    return f"{prefix}.{name_part(value.name)}"


def scalar(value: str | bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    return quote(value)


def listing(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def mapping(values: Mapping[str, str], render: object = None) -> str:
    def key(k: str) -> str:
        return k if _BARE_KEY.fullmatch(k) and k not in _KEYWORDS else quote(k, interpolated=False)

    fmt = render if callable(render) else quote
    return "{ " + ", ".join(f"{key(k)} = {fmt(v)}" for k, v in values.items()) + " }" if values else "{}"


@dataclass
class BlockText:
    """A block being printed: its header, its attributes (aligned) and nested blocks."""

    header: str
    attributes: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[BlockText] = field(default_factory=list)

    def set(self, name: str, value: object, render: object = str) -> None:
        if value is None:
            return
        self.attributes.append((name, render(value)))  # type: ignore[operator]

    def lines(self, indent: int = 0) -> list[str]:
        pad = "  " * indent
        if not self.attributes and not self.blocks:
            return [f"{pad}{self.header} {{}}"]
        width = max((len(n) for n, _ in self.attributes), default=0)
        out = [f"{pad}{self.header} {{"]
        out.extend(f"{pad}  {n.ljust(width)} = {v}" for n, v in self.attributes)
        for child in self.blocks:
            out.extend(child.lines(indent + 1))
        out.append(f"{pad}}}")
        return out


def print_model(model: GatewayModel) -> str:
    chunks = ["\n".join(api_block(api).lines()) for api in model.apis]
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _throttle(header: str, t: Throttle) -> BlockText:
    block = BlockText(header)
    block.set("rate", t.rate)
    block.set("burst", t.burst)
    return block


def _templates(block: BlockText, name: str, templates: tuple[Template, ...]) -> None:
    for t in templates:
        block.attributes.append((f"{name} {quote(t.content_type, interpolated=False)}", template(t.text)))


def api_block(api: Api) -> BlockText:
    b = BlockText(f"api {quote(api.name, interpolated=False)}")
    b.set("kind", api.kind.value)
    b.set("endpoint", api.endpoint and api.endpoint.value)
    b.set("region", api.region, quote)
    b.set("description", api.description, quote)
    b.set("tags", api.tags, mapping)
    if api.binary_media_types:
        b.set("binary_media_types", listing(map(quote, api.binary_media_types)))
    b.set("route_selection", api.route_selection, quote)
    b.set("disable_execute_api_endpoint", api.disable_execute_api_endpoint, _bool)
    b.set("api_key_source", api.api_key_source)
    b.blocks.extend(vpc_link(v) for v in api.vpc_links)
    b.blocks.extend(backend(x) for x in api.backends)
    b.blocks.extend(authorizer(a) for a in api.authorizers)
    b.blocks.extend(route(r, api.kind) for r in api.routes)
    b.blocks.extend(stage(s) for s in api.stages)
    b.blocks.extend(usage_plan(p) for p in api.usage_plans)
    b.blocks.extend(consumer(c) for c in api.consumers)
    b.blocks.extend(domain(d) for d in api.domains)
    if api.tracing is not None:
        b.blocks.append(tracing(api.tracing))
    b.blocks.extend(cors(c) for c in api.cors)
    b.blocks.extend(gateway_response(g) for g in api.gateway_responses)
    return b


def vpc_link(v: VpcLink) -> BlockText:
    b = BlockText(f"vpc_link {quote(v.name, interpolated=False)}")
    b.set("version", v.version)
    b.set("target", v.target, quote)
    b.set("id", v.id, quote)
    if v.subnets:
        b.set("subnets", listing(map(quote, v.subnets)))
    if v.security_groups:
        b.set("security_groups", listing(map(quote, v.security_groups)))
    return b


def backend(x: Backend) -> BlockText:
    b = BlockText(f"backend {quote(x.name, interpolated=False)}")
    b.set("url", x.url, quote)
    b.set("vpc_link", x.vpc_link and ref("vpc_link", x.vpc_link))
    b.set("type", x.type and x.type.value)
    b.set("function", x.function, quote)
    b.set("uri", x.uri, quote)
    b.set("credentials", x.credentials, quote)
    b.set("timeout", x.timeout)
    b.set("tls_verify", x.tls_verify, _bool)
    if x.k8s is not None:
        k = BlockText("k8s")
        k.set("service", x.k8s.service, quote)
        k.set("namespace", x.k8s.namespace, quote)
        k.set("port", x.k8s.port)
        b.blocks.append(k)
    if x.health_check is not None:
        h = BlockText("health_check")
        hc = x.health_check
        h.set("path", hc.path, quote)
        h.set("interval", hc.interval)
        h.set("timeout", hc.timeout)
        h.set("healthy", hc.healthy)
        h.set("unhealthy", hc.unhealthy)
        b.blocks.append(h)
    return b


def authorizer(a: Authorizer) -> BlockText:
    b = BlockText(f"authorizer {quote(a.name, interpolated=False)}")
    b.set("type", a.type.value)
    b.set("issuer", a.issuer, quote)
    if a.audience:
        b.set("audience", listing(map(quote, a.audience)))
    if a.scopes:
        b.set("scopes", listing(map(quote, a.scopes)))
    b.set("function", a.function, quote)
    if a.identity_source:
        b.set("identity_source", listing(map(source, a.identity_source)))
    b.set("ttl", a.ttl)
    b.set("payload", a.payload and a.payload.value)
    return b


def _auth(alternatives: tuple[tuple[AuthRequirement, ...], ...]) -> str:
    def words(requirements: tuple[AuthRequirement, ...]) -> list[str]:
        return [ref("authorizer", r.authorizer) if r.authorizer else r.kind.value for r in requirements]

    if len(alternatives) > 1:
        return listing(listing(words(alt)) for alt in alternatives)
    (only,) = alternatives
    return words(only)[0] if len(only) == 1 else listing(words(only))


def _param(kind: str, p: Param) -> BlockText:
    b = BlockText(f"{kind} {quote(p.name, interpolated=False)}")
    b.set("required", p.required, _bool)
    b.set("type", p.type and p.type.value)
    if p.enum is not None:
        b.set("enum", listing(map(scalar, p.enum)))
    b.set("default", p.default, scalar)
    return b


def route(r: Route, kind: ApiKind) -> BlockText:
    if not r.methods:
        header = f"route {quote(r.path, interpolated=False)}"
    else:
        methods = r.methods[0].value if len(r.methods) == 1 else listing(m.value for m in r.methods)
        header = f"route {methods} {quote(r.path, interpolated=False)}"
    b = BlockText(header)
    b.set("backend", r.backend and ref("backend", r.backend))
    if r.auth:
        b.set("auth", _auth(r.auth))
    b.set("timeout", r.timeout)
    b.set("upstream_path", r.upstream_path, quote)
    b.set("upstream_method", r.upstream_method and r.upstream_method.value)
    if r.healthcheck:
        b.set("healthcheck", "true")
    b.set("validate", r.validate and r.validate.value)
    if r.cors is not None:
        b.set("cors", "false" if r.cors is False else ref("cors", str(r.cors)))
    b.set("tags", r.tags, mapping)
    b.set("operation_id", r.operation_id, quote)
    _templates(b, "request_template", r.request_templates)
    b.blocks.extend(_param("query", p) for p in r.query_params)
    b.blocks.extend(_param("header", p) for p in r.header_params)
    if r.forward:
        f = BlockText("forward")
        for m in r.forward:
            f.attributes.append((f"{m.location.value} {quote(m.name, interpolated=False)}", source(m.source)))
        b.blocks.append(f)
    if r.cache is not None:
        c = BlockText("cache")
        c.set("ttl", r.cache.ttl)
        if r.cache.keys:
            c.set("keys", listing(map(source, r.cache.keys)))
        c.set("encrypted", r.cache.encrypted, _bool)
        c.set("path_keys", r.cache.path_keys, _bool)
        b.blocks.append(c)
    b.blocks.extend(_response(x) for x in r.responses)
    if r.throttle is not None:
        b.blocks.append(_throttle("throttle", r.throttle))
    return b


def _response(x: IntegrationResponse) -> BlockText:
    b = BlockText(f"response {quote(x.selection, interpolated=False)}")
    b.set("status", x.status)
    b.set("headers", x.headers, lambda h: mapping(h, source))
    _templates(b, "template", x.templates)
    return b


def stage(s: Stage) -> BlockText:
    b = BlockText(f"stage {quote(s.name, interpolated=False)}")
    b.set("variables", s.variables, mapping)
    b.set("tracing", s.tracing, _bool)
    b.set("logging", s.logging and s.logging.value)
    b.set("metrics", s.metrics, _bool)
    b.set("tags", s.tags, mapping)
    if s.throttle is not None:
        b.blocks.append(_throttle("throttle", s.throttle))
    if s.cache is not None:
        c = BlockText("cache")
        c.set("size", s.cache.size)
        c.set("ttl", s.cache.ttl)
        c.set("encrypted", s.cache.encrypted, _bool)
        b.blocks.append(c)
    if s.canary is not None:
        c = BlockText("canary")
        c.set("percent", s.canary.percent)
        c.set("variables", s.canary.variables, mapping)
        c.set("use_stage_cache", s.canary.use_stage_cache, _bool)
        b.blocks.append(c)
    if s.access_log is not None:
        b.blocks.append(_access_log(s.access_log))
    return b


def _access_log(log: AccessLog) -> BlockText:
    b = BlockText("access_log")
    b.set("destination", log.destination, quote)
    if log.format is not None:
        b.set("format", quote(log.format, interpolated=False) if log.custom else log.format)
    return b


def usage_plan(p: UsagePlan) -> BlockText:
    b = BlockText(f"usage_plan {quote(p.name, interpolated=False)}")
    b.set("stages", listing(ref("stage", s) for s in p.stages))
    b.set("quota", p.quota)
    if p.throttle is not None:
        b.blocks.append(_throttle("throttle", p.throttle))
    for m in p.method_throttles:
        t = BlockText(f"method_throttle {m.method.value} {quote(m.path, interpolated=False)}")
        t.set("rate", m.rate)
        t.set("burst", m.burst)
        b.blocks.append(t)
    return b


def consumer(c: Consumer) -> BlockText:
    b = BlockText(f"consumer {quote(c.name, interpolated=False)}")
    b.set("plan", ref("usage_plan", c.plan))
    if isinstance(c.api_key, EnvRef):
        b.set("api_key", f"env({quote(c.api_key.name, interpolated=False)})")
    else:
        b.set("api_key", c.api_key, quote)
    b.set("enabled", c.enabled, _bool)
    return b


def domain(d: Domain) -> BlockText:
    b = BlockText(f"domain {quote(d.host, interpolated=False)}")
    b.set("certificate", d.certificate, quote)
    if d.certificate_names is not None:
        b.set("certificate_names", listing(map(quote, d.certificate_names)))
    b.set("endpoint", d.endpoint and d.endpoint.value)
    b.set("tls_policy", d.tls_policy)
    for m in d.base_paths:
        b.attributes.append((f"base_path {quote(m.base_path, interpolated=False)}", ref("stage", m.stage)))
    if d.mtls_truststore is not None:
        t = BlockText("mtls")
        t.set("truststore", d.mtls_truststore, quote)
        b.blocks.append(t)
    if d.route53 is not None:
        r = BlockText("route53")
        r.set("zone", d.route53.zone, quote)
        r.set("zone_id", d.route53.zone_id, quote)
        r.set("ipv6", d.route53.ipv6, _bool)
        b.blocks.append(r)
    return b


def tracing(t: Tracing) -> BlockText:
    b = BlockText("tracing")
    b.set("exclude_healthchecks", t.exclude_healthchecks, _bool)
    if t.default is not None:
        d = BlockText("default")
        d.set("rate", t.default.rate)
        d.set("fixed_target", t.default.fixed_target)
        b.blocks.append(d)
    b.blocks.extend(_sampling_rule(r) for r in t.rules)
    return b


def _sampling_rule(r: SamplingRule) -> BlockText:
    b = BlockText(f"rule {quote(r.name, interpolated=False)}")
    b.set("priority", r.priority)
    b.set("method", r.method and r.method.value)
    b.set("path", r.path, quote)
    b.set("host", r.host, quote)
    b.set("rate", r.rate)
    b.set("fixed_target", r.fixed_target)
    return b


def cors(c: CorsPolicy) -> BlockText:
    b = BlockText("cors" if c.name is None else f"cors {quote(c.name, interpolated=False)}")
    b.set("allow_origins", listing(map(quote, c.allow_origins)))
    b.set("allow_methods", listing(map(quote, c.allow_methods)))
    if c.allow_headers:
        b.set("allow_headers", listing(map(quote, c.allow_headers)))
    if c.expose_headers:
        b.set("expose_headers", listing(map(quote, c.expose_headers)))
    b.set("allow_credentials", c.allow_credentials, _bool)
    b.set("max_age", c.max_age)
    return b


def gateway_response(g: GatewayResponse) -> BlockText:
    b = BlockText(f"gateway_response {g.type}")
    b.set("status", g.status)
    b.set("headers", g.headers, lambda h: mapping(h, source))
    _templates(b, "template", g.templates)
    return b
