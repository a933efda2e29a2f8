"""An Ingress as routes, read the way its controller reads it.

The controller is `spec.ingressClassName`, or the older `kubernetes.io/ingress.class`
annotation. Kong (`kong`), ingress-nginx (`nginx`) and the AWS Load Balancer Controller
(`alb`) are read with their annotations; for any other class only `Exact` and `Prefix`
paths mean something apic can know. Annotations that only restate what apic derives from
the model again (Kong's `regex-priority`, ingress-nginx's `use-regex`, an ALB's group and
listener settings) are read without a word; any other annotation of the controller is
IM001, an error where it decides who gets in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar

from apic.compiler.frontends.base import listed, mapping
from apic.compiler.frontends.dsl.lower import METHOD_ORDER
from apic.compiler.frontends.k8s import paths
from apic.compiler.frontends.k8s.documents import K8sObject
from apic.compiler.frontends.k8s.load import Certificate, K8sLowerer
from apic.compiler.frontends.kong.load import OPENS, Plugin, Service
from apic.compiler.frontends.kong.paths import CAPTURE, Converted
from apic.compiler.frontends.openapi.yamlindex import escape
from apic.compiler.model import Duration, HealthCheck, HttpMethod, Rate, Throttle

CLASS = "kubernetes.io/ingress.class"
KONG = "konghq.com/"
NGINX = "nginx.ingress.kubernetes.io/"
ALB = "alb.ingress.kubernetes.io/"
PREFIXES = {"kong": KONG, "nginx": NGINX, "alb": ALB}
# ingress-nginx annotations that decide who gets in
NGINX_ACCESS = (
    "auth-",
    "whitelist-source-range",
    "allowlist-source-range",
    "denylist-source-range",
    "satisfy",
    "enable-global-auth",
)


def read_ingress(lowerer: K8sLowerer, obj: K8sObject) -> None:
    spec = obj.value.get("spec")
    if not isinstance(spec, dict):
        lowerer.not_carried(obj.pointer, f"Ingress `{obj.name}` has no `spec`", error=True)
        return
    controller = spec.get("ingressClassName") or obj.annotations.get(CLASS)
    reader = {"kong": KongIngress, "nginx": NginxIngress, "alb": AlbIngress}.get(
        str(controller), IngressReader
    )
    reader(lowerer, obj, spec, str(controller) if controller else None).read()


class IngressReader:
    """Exact and Prefix paths to Service ports; what every controller reads alike."""

    controller_name = "the controller"
    first_match = False  # True: the first rule that matches takes the request
    # annotations apic writes from the model and reads back from it, not from here
    derived: ClassVar[frozenset[str]] = frozenset()
    # annotation names (less the controller's prefix) that decide who gets in
    access: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, lowerer: K8sLowerer, obj: K8sObject, spec: dict[str, Any], controller: str | None
    ) -> None:
        self.lowerer = lowerer
        self.obj = obj
        self.spec = spec
        self.controller = controller
        self.namespace = obj.namespace or "default"
        self.label = f"Ingress `{obj.name}`"
        self.pointer = obj.pointer
        self.used: set[str] = set()  # annotations read

    def annotation(self, key: str) -> str | None:
        found = self.obj.annotations.get(key)
        if found is not None:
            self.used.add(key)
        return found

    def annotation_pointer(self, key: str) -> str:
        return f"{self.pointer}/metadata/annotations/{escape(key)}"

    def read(self) -> None:
        settings = self.settings()
        if settings is not None:
            self.read_rules(settings)
        self.say_unread_annotations()  # last: reading the paths reads annotations too

    def read_rules(self, settings: dict[str, Any]) -> None:
        self.read_tls()
        if self.spec.get("defaultBackend") is not None:
            self.lowerer.not_carried(
                f"{self.pointer}/spec/defaultBackend",
                f"{self.label}: the default backend (for requests no rule matches) is not carried",
            )
        rules = self.spec.get("rules")
        for r, rule in enumerate(rules if isinstance(rules, list) else []):
            where = f"{self.pointer}/spec/rules/{r}"
            if not isinstance(rule, dict):
                continue
            host = rule.get("host") if isinstance(rule.get("host"), str) else None
            if host is not None:
                self.lowerer.host_seen(host, f"{where}/host")
            http = rule.get("http")
            entries = http.get("paths") if isinstance(http, dict) else None
            listed = [
                (p, e)
                for p, e in enumerate(entries if isinstance(entries, list) else [])
                if isinstance(e, dict)
            ]
            for p, entry in self.ordered(listed):
                self.path(entry, f"{where}/http/paths/{p}", host, settings)

    def ordered(self, entries: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
        """A rule's paths in the order the controller tries them (as written, here)."""
        return entries

    def path(self, entry: dict[str, Any], where: str, host: str | None, settings: dict[str, Any]) -> None:
        value = entry.get("path", "/")
        path_type = entry.get("pathType", "ImplementationSpecific")
        if not isinstance(value, str) or not value.startswith("/"):
            self.lowerer.not_carried(
                where, f"{self.label}: path `{value}` does not start with `/`; not carried"
            )
            return
        target = self.target(entry, where)
        if target is None:
            return
        service, methods = target
        converted = self.convert(value, str(path_type))
        self.lowerer.add_routes(
            methods,
            converted,
            service,
            self.upstream(value, converted),
            settings,
            f"{where}/path",
            self.label,
            host,
            first_match=self.first_match,
        )

    def convert(self, path: str, path_type: str) -> Converted:
        if path_type == "Exact":
            return paths.exact(path)
        if path_type == "Prefix":
            return paths.element_prefix(path)
        return Converted(
            (),
            False,
            problem=f"`{path_type}` path `{path}` means what {self.controller_name} makes of it, which apic "
            "does not know",
        )

    def target(self, entry: dict[str, Any], where: str) -> tuple[Service, tuple[HttpMethod, ...]] | None:
        """The backend and the methods a path entry routes."""
        backend = entry.get("backend")
        service = backend.get("service") if isinstance(backend, dict) else None
        if not isinstance(service, dict) or not isinstance(service.get("name"), str):
            self.lowerer.not_carried(
                f"{where}/backend", f"{self.label}: a backend that is not a Service is not carried"
            )
            return None
        port = service.get("port") if isinstance(service.get("port"), dict) else {}
        number = port.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            self.lowerer.not_carried(
                f"{where}/backend/service/port",
                f"{self.label}: Service `{service['name']}` by port name `{port.get('name')}` is not carried "
                "(a `.gw` backend names the port number)",
            )
            return None
        found = self.lowerer.service_backend(
            service["name"], self.namespace, number, f"{where}/backend/service", self.label
        )
        return found, self.methods()

    def methods(self) -> tuple[HttpMethod, ...]:
        return (HttpMethod.ANY,)

    def upstream(self, path: str, converted: Converted) -> Callable[[str], str | None]:
        return lambda template: None

    def settings(self) -> dict[str, Any] | None:
        """Route settings from the annotations; None when one cannot be carried (said)."""
        return {}

    def say_unread_annotations(self) -> None:
        prefix = PREFIXES.get(self.controller or "")
        if prefix is None:
            return
        for key in sorted(self.obj.annotations):
            if key.startswith(prefix) and key not in self.used and key not in self.derived:
                access = key[len(prefix) :].startswith(self.access)
                self.lowerer.not_carried(
                    self.annotation_pointer(key),
                    f"{self.label}: annotation `{key}` is not carried",
                    error=access,
                    help=OPENS if access else None,
                )

    def read_tls(self) -> None:
        tls = self.spec.get("tls")
        for n, section in enumerate(tls if isinstance(tls, list) else []):
            if not isinstance(section, dict) or not isinstance(section.get("secretName"), str):
                continue
            for host in listed(section.get("hosts")):
                if isinstance(host, str):
                    self.lowerer.certificate(
                        host, Certificate(section["secretName"], f"{self.pointer}/spec/tls/{n}/secretName")
                    )


class KongIngress(IngressReader):
    """The Kong Ingress Controller: `konghq.com/methods` (or a KongIngress `route.methods`),
    `strip-path` (on unless said), plugins by `konghq.com/plugins`, and `/~` regex paths."""

    controller_name = "Kong"

    derived = frozenset({KONG + "regex-priority", KONG + "protocols", KONG + "https-redirect-status-code"})

    def override(self) -> dict[str, Any]:
        """The `route` of the KongIngress `konghq.com/override` names (deprecated, still read)."""
        name = self.annotation(KONG + "override")
        if name is None:
            return {}
        found = self.lowerer.named.get(("KongIngress", self.namespace, name))
        if found is None:
            self.lowerer.not_carried(
                self.annotation_pointer(KONG + "override"),
                f"{self.label}: KongIngress `{name}` is not in the file",
            )
            return {}
        route = found.value.get("route")
        if not isinstance(route, dict):
            return {}
        for key in sorted(set(route) - {"methods", "strip_path"}):
            self.lowerer.not_carried(
                f"{found.pointer}/route/{escape(key)}",
                f"KongIngress `{found.name}`: `route.{key}` is not carried",
            )
        for key in sorted(set(found.value) - {"apiVersion", "kind", "metadata", "route"}):
            self.lowerer.not_carried(
                f"{found.pointer}/{escape(key)}", f"KongIngress `{found.name}`: `{key}` is not carried"
            )
        return route

    def settings(self) -> dict[str, Any] | None:
        route = self.override()
        given = self.annotation(KONG + "methods")
        methods = self.lowerer.method_list(
            [m.strip() for m in given.split(",")] if given else listed(route.get("methods")),
            self.annotation_pointer(KONG + "methods"),
            self.label,
        )
        if methods is None:
            return None  # only methods the model has no word for: said
        self._methods = methods
        strip = self.annotation(KONG + "strip-path")
        # unsaid, Kong's route default holds: strip ("Rewriting paths", KIC reference)
        self.strip = strip != "false" if strip is not None else route.get("strip_path") is not False
        plugins: dict[str, Plugin] = {}
        names = self.annotation(KONG + "plugins") or ""
        for reference in (n.strip() for n in names.split(",")):
            if reference:
                plugin = self.lowerer.kong_plugin(
                    reference, self.namespace, self.annotation_pointer(KONG + "plugins"), self.label
                )
                if plugin is not None:
                    plugins[plugin.name] = plugin
        self.function: str | None = None  # a Lambda backend that answers in the Service's place
        lambda_plugin = plugins.pop("aws-lambda", None)
        if lambda_plugin is not None and lambda_plugin.enabled:
            self.function = self.lowerer.lambda_backend(lambda_plugin, self.obj.name)
        settings = self.lowerer.settings(plugins, self.obj.name)
        if lambda_plugin is not None and lambda_plugin.enabled and self.function is None:
            return None  # said, as an error
        if settings is not None and settings.get("cors") and len(self._methods) > 1:
            # the preflight route apic writes for CORS: the policy answers OPTIONS again
            self._methods = tuple(m for m in self._methods if m is not HttpMethod.OPTIONS)
        return settings

    def methods(self) -> tuple[HttpMethod, ...]:
        return self._methods

    def target(self, entry: dict[str, Any], where: str) -> tuple[Service, tuple[HttpMethod, ...]] | None:
        if self.function is not None:
            return Service(self.function, where, self.function, None), self._methods
        return super().target(entry, where)

    def convert(self, path: str, path_type: str) -> Converted:
        if path_type == "ImplementationSpecific":
            return paths.regex(path[2:]) if path.startswith("/~") else paths.string_prefix(path, "Kong")
        return super().convert(path, path_type)

    def upstream(self, path: str, converted: Converted) -> Callable[[str], str | None]:
        kong_path = path[2:] if path.startswith("/~") else path
        return lambda template: self.lowerer.upstream_path(
            template, kong_path, converted.regex, self.strip, None
        )


class NginxIngress(IngressReader):
    """ingress-nginx: regex paths once `use-regex` (or `rewrite-target`) is on, matched
    without regard to case; `rewrite-target` for the upstream path, `proxy-read-timeout`,
    the CORS annotations. It matches no methods."""

    controller_name = "ingress-nginx"

    derived = frozenset({NGINX + "use-regex", NGINX + "proxy-connect-timeout", NGINX + "proxy-send-timeout"})
    access = NGINX_ACCESS

    def settings(self) -> dict[str, Any] | None:
        self.regex = (
            self.annotation(NGINX + "use-regex") == "true" or NGINX + "rewrite-target" in self.obj.annotations
        )
        settings: dict[str, Any] = {}
        protocol = self.annotation(NGINX + "backend-protocol")
        if protocol not in (None, "HTTP"):
            self.lowerer.not_carried(
                self.annotation_pointer(NGINX + "backend-protocol"),
                f"{self.label}: backend protocol `{protocol}` is not carried (a `.gw` Kubernetes backend "
                "speaks HTTP)",
            )
        timeout = self.annotation(NGINX + "proxy-read-timeout")
        if timeout is not None and timeout.isdigit():
            settings["timeout"] = Duration(milliseconds=int(timeout) * 1000)
        if self.annotation(NGINX + "enable-cors") == "true":
            settings["cors"] = self.cors()
        for kind, per in (("limit-rps", "s"), ("limit-rpm", "min")):
            limit = self.annotation(NGINX + kind)
            if limit is not None and limit.isdigit():
                self.lowerer.not_carried(
                    self.annotation_pointer(NGINX + kind),
                    f"{self.label}: ingress-nginx counts `{kind}` for each client address; the imported "
                    "throttle counts all clients together (stricter)",
                )
                settings["throttle"] = Throttle(
                    rate=Rate(amount=float(limit), per=per),  # type: ignore[arg-type]
                    span=self.lowerer.span(self.annotation_pointer(NGINX + kind)),
                )
        self.annotation(NGINX + "limit-burst-multiplier")
        if self.regex and not self.lowerer.nginx_case_said:
            self.lowerer.nginx_case_said = True
            self.lowerer.not_carried(
                self.annotation_pointer(NGINX + "use-regex")
                if NGINX + "use-regex" in self.obj.annotations
                else self.pointer,
                f"{self.label}: ingress-nginx matches regex paths without regard to case; the imported "
                "routes match case as written",
            )
        return settings

    def cors(self) -> str:
        def listed(key: str) -> list[str]:
            value = self.annotation(NGINX + key)
            return [v.strip() for v in value.split(",") if v.strip()] if value else []

        age = self.annotation(NGINX + "cors-max-age")
        config: dict[str, Any] = {
            "origins": listed("cors-allow-origin") or ["*"],
            "methods": listed("cors-allow-methods"),
            "headers": listed("cors-allow-headers"),
            "exposed_headers": listed("cors-expose-headers"),
            "credentials": self.annotation(NGINX + "cors-allow-credentials") != "false",
        }
        if age is not None and age.isdigit():
            config["max_age"] = int(age)
        return self.lowerer.cors(Plugin("cors", config, self.annotation_pointer(NGINX + "enable-cors")))

    def convert(self, path: str, path_type: str) -> Converted:
        if path_type == "Exact":
            return paths.exact(path)
        if self.regex:
            return paths.regex(path, "ingress-nginx")
        if path_type == "Prefix":
            return paths.element_prefix(path)
        return paths.string_prefix(path, "ingress-nginx")

    def upstream(self, path: str, converted: Converted) -> Callable[[str], str | None]:
        target = self.annotation(NGINX + "rewrite-target")
        if target is None:
            return lambda template: None
        names = [m.group("name") for m in CAPTURE.finditer(path)]
        wanted = [int(n) for n in re.findall(r"\$(\d+)", target)]
        if any(n == 0 or n > len(names) for n in wanted):
            self.lowerer.not_carried(
                self.annotation_pointer(NGINX + "rewrite-target"),
                f"{self.label}: rewrite-target `{target}` reads a group that `{path}` does not capture "
                "by name; the upstream path is not carried",
            )
            return lambda template: None

        def rewritten(template: str) -> str | None:
            text = target
            for number in range(len(names), 0, -1):
                text = text.replace(f"${number}", "{" + names[number - 1] + "}")
            return None if text == template else text

        return rewritten


class AlbIngress(IngressReader):
    """The AWS Load Balancer Controller: ALB path patterns, methods by a `conditions.<name>`
    annotation and the Service by an `actions.<name>` forward action (`use-annotation`),
    the ACM certificate and TLS policy of the listener, the target groups' health check."""

    controller_name = "the AWS Load Balancer Controller"
    first_match = True  # an ALB listener's rules, in the order the Ingress gives

    derived = frozenset(
        ALB + key
        for key in (
            "group.name",
            "group.order",
            "scheme",
            "listen-ports",
            "ssl-redirect",
            "target-type",
            "success-codes",
        )
    )
    access = ("auth-", "inbound-cidrs", "security-groups", "waf", "shield")

    def settings(self) -> dict[str, Any] | None:
        settings: dict[str, Any] = {}
        attributes = self.annotation(ALB + "load-balancer-attributes") or ""
        for attribute in (a.strip() for a in attributes.split(",") if a.strip()):
            key, _, value = attribute.partition("=")
            if key == "idle_timeout.timeout_seconds" and value.isdigit():
                settings["timeout"] = Duration(milliseconds=int(value) * 1000)
            else:
                self.lowerer.not_carried(
                    self.annotation_pointer(ALB + "load-balancer-attributes"),
                    f"{self.label}: load balancer attribute `{key}` is not carried",
                )
        path = self.annotation(ALB + "healthcheck-path")
        if path is not None:
            self.check = HealthCheck(
                path=path,
                interval=self.seconds("healthcheck-interval-seconds"),
                timeout=self.seconds("healthcheck-timeout-seconds"),
                healthy=self.count("healthy-threshold-count"),
                unhealthy=self.count("unhealthy-threshold-count"),
                span=self.lowerer.span(self.annotation_pointer(ALB + "healthcheck-path")),
            )
        else:
            self.check = None
        return settings

    def seconds(self, key: str) -> Duration | None:
        value = self.annotation(ALB + key)
        return Duration(milliseconds=int(value) * 1000) if value is not None and value.isdigit() else None

    def count(self, key: str) -> int | None:
        value = self.annotation(ALB + key)
        return int(value) if value is not None and value.isdigit() else None

    def read_tls(self) -> None:
        arns = self.annotation(ALB + "certificate-arn")
        policy = self.annotation(ALB + "ssl-policy")
        tls_policy = None
        if policy is not None:
            tls_policy = "TLS_1_2" if ("-1-2-" in policy or "-1-3-" in policy) else "TLS_1_0"
            if policy not in ("ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-2016-08"):
                self.lowerer.not_carried(
                    self.annotation_pointer(ALB + "ssl-policy"),
                    f"{self.label}: ssl-policy `{policy}` is carried as `tls_policy = {tls_policy}`, "
                    "whose ALB "
                    "policy may differ in ciphers",
                )
        if not arns:
            return
        first = arns.split(",")[0].strip()
        rules = self.spec.get("rules")
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict) and isinstance(rule.get("host"), str):
                self.lowerer.certificate(
                    rule["host"],
                    Certificate(first, self.annotation_pointer(ALB + "certificate-arn"), tls_policy),
                )

    def convert(self, path: str, path_type: str) -> Converted:
        if path_type == "ImplementationSpecific":
            return paths.alb_pattern(path)
        return super().convert(path, path_type)

    def ordered(self, entries: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
        """Exact paths first, then Prefix paths longest first, then the others as written
        (AWS Load Balancer Controller, "Ingress specification")."""

        def rank(item: tuple[int, dict[str, Any]]) -> tuple[int, int]:
            kind, path = item[1].get("pathType"), item[1].get("path")
            length = len(path) if isinstance(path, str) else 0
            return {"Exact": (0, 0), "Prefix": (1, -length)}.get(str(kind), (2, 0))

        return sorted(entries, key=rank)

    def target(self, entry: dict[str, Any], where: str) -> tuple[Service, tuple[HttpMethod, ...]] | None:
        backend = entry.get("backend")
        service = backend.get("service") if isinstance(backend, dict) else None
        port = service.get("port") if isinstance(service, dict) else None
        if not isinstance(port, dict) or port.get("name") != "use-annotation":
            found = super().target(entry, where)
            if found is not None and self.check is not None:
                self.lowerer.health.setdefault(found[0].backend or "", self.check)
            return found
        name = str(service.get("name"))  # type: ignore[union-attr]
        methods = self.conditions(name)
        if methods is None:
            return None
        action_key = ALB + "actions." + name
        action = self.json(action_key)
        groups = mapping(mapping(action).get("forwardConfig")).get("targetGroups")
        if (
            not isinstance(action, dict)
            or action.get("type") != "forward"
            or not isinstance(groups, list)
            or not groups
        ):
            self.lowerer.not_carried(
                self.annotation_pointer(action_key) if action_key in self.obj.annotations else where,
                f"{self.label}: action `{name}` is not a forward to Services; not carried",
            )
            return None
        if len(groups) > 1:
            self.lowerer.not_carried(
                self.annotation_pointer(action_key),
                f"{self.label}: action `{name}` weighs {len(groups)} target groups; only the first is "
                "carried",
            )
        group = mapping(groups[0])
        port_text = str(group.get("servicePort", ""))
        if not isinstance(group.get("serviceName"), str) or not port_text.isdigit():
            self.lowerer.not_carried(
                self.annotation_pointer(action_key),
                f"{self.label}: action `{name}` names no Service port; not carried",
            )
            return None
        found = self.lowerer.service_backend(
            group["serviceName"],
            self.namespace,
            int(port_text),
            self.annotation_pointer(action_key),
            self.label,
        )
        if self.check is not None:
            self.lowerer.health.setdefault(found.backend or "", self.check)
        return found, methods

    def json(self, key: str) -> Any:
        text = self.annotation(key)
        if text is None:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            self.lowerer.not_carried(
                self.annotation_pointer(key), f"{self.label}: `{key}` is not JSON", error=True
            )
            return None

    def conditions(self, name: str) -> tuple[HttpMethod, ...] | None:
        key = ALB + "conditions." + name
        conditions = self.json(key)
        if conditions is None:
            return (HttpMethod.ANY,)
        methods: set[HttpMethod] | None = None
        for condition in conditions if isinstance(conditions, list) else [conditions]:
            field = condition.get("field") if isinstance(condition, dict) else None
            if field == "http-request-method":
                values = listed(mapping(condition.get("httpRequestMethodConfig")).get("Values"))
                given = {
                    HttpMethod.__members__[v]
                    for v in values
                    if isinstance(v, str) and v in HttpMethod.__members__
                }
                methods = given if methods is None else methods & given
            else:
                access = field == "source-ip"
                self.lowerer.not_carried(
                    self.annotation_pointer(key),
                    f"{self.label}: condition `{field}` of `{name}` is not carried",
                    error=access,
                    help=OPENS if access else None,
                )
                if access:
                    return None
        if methods is None:
            return (HttpMethod.ANY,)
        return tuple(sorted(methods, key=METHOD_ORDER.__getitem__)) or None
