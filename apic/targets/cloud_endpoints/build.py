"""One api as a Cloud Endpoints service configuration: Swagger 2.0 with Google's extensions.

Facts this builder relies on ("OpenAPI feature limitations" and "OpenAPI extensions",
cloud.google.com/endpoints/docs/openapi; ESPv2's path templates):
- `host` is the service name, `<api>.endpoints.<project>.cloud.goog` (or a domain you own);
- a path parameter takes a whole segment, and `{name=**}` takes the rest of the path;
- Swagger 2.0 has no "any method": an `ANY` route is one operation per method, less the
  methods another route of the path declares;
- `x-google-backend` per operation: `address`, `path_translation` (APPEND_PATH_TO_ADDRESS
  appends the request path to the address; CONSTANT_ADDRESS sends the address as it is and
  the path parameters as query parameters), `deadline` in seconds, and `disable_auth` (by
  default ESPv2 puts its own ID token in `Authorization`, which a non-Google backend does
  not want and which would hide the caller's token);
- operation ids are unique within the service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.model import Api, BackendType, HttpMethod
from apic.compiler.plan.routes import RoutePlan, route_plans
from apic.compiler.plan.upstream import Upstream
from apic.targets.base import OptionValue, Reporter
from apic.targets.cloud_endpoints.quotas import Quotas
from apic.targets.cloud_endpoints.security import API_KEY, Security
from apic.targets.unwritten import TLS_IN_CONFIG, Unwritten, say_tls_policies_elsewhere, say_unwritten

EVERY_METHOD = ("get", "put", "post", "delete", "options", "head", "patch")
PARAMETER = re.compile(r"\{([^}+]+)(\+?)\}")


def service_name(api: Api, project: str) -> str:
    return f"{slug(api.name)}.endpoints.{project}.cloud.goog"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "api"


def endpoints_path(path: str) -> str:
    """`/files/{path+}` -> `/files/{path=**}`."""
    return PARAMETER.sub(lambda m: f"{{{m.group(1)}=**}}" if m.group(2) else f"{{{m.group(1)}}}", path)


class EndpointsDocument(Reporter):
    once_per_place: ClassVar[bool] = True  # routes sharing a backend: one finding on it

    def __init__(self, api: Api, options: Mapping[str, OptionValue]) -> None:
        self.api = api
        self.options = options
        self.diagnostics: list[Diagnostic] = []
        self.security = Security(api, self)
        self.quotas = Quotas(api, self)
        self.operation_ids: set[str] = set()

    def build(self) -> dict[str, Any]:
        api = self.api
        project = str(self.options["project"])
        if not project:
            self.report(
                codes.TARGET_MISSING_FIELD,
                api,
                None,
                f"api `{api.name}`: Cloud Endpoints names the service after its Google Cloud project",
                help="pass --option project=PROJECT_ID (or set it in apic.toml)",
            )
            project = "PROJECT_ID"
        host = service_name(api, project)
        counted = self.quotas.build()
        self.security.consumer_keys()
        self.say_what_is_not_written()
        paths: dict[str, dict[str, Any]] = {}
        plans = sorted(route_plans(api), key=lambda p: p.order)
        taken = {
            (p.route.path, m.value.lower()) for p in plans for m in p.route.methods if m is not HttpMethod.ANY
        }
        for plan in plans:
            route = plan.route
            if not route.path.startswith("/"):
                self.report(
                    codes.TARGET_UNSUPPORTED,
                    route,
                    "path",
                    f"route `{route.path}` (an HTTP API's catch-all) has no path Cloud Endpoints can serve",
                    help='route ANY "/{proxy+}" instead',
                )
                continue
            backend = self.backend(plan.upstream, plan)
            if backend is None:
                continue
            security = self.security.requirements(plan)
            if security is None and not plan.auth.public:
                continue
            methods = (
                [m for m in EVERY_METHOD if (route.path, m) not in taken]
                if HttpMethod.ANY in route.methods
                else [m.value.lower() for m in route.methods]
            )
            if not methods:
                continue  # every method of the path has a route of its own
            item = paths.setdefault(endpoints_path(route.path), {})
            for method in methods:
                operation: dict[str, Any] = {
                    "operationId": self.operation_id(plan, method, len(methods) > 1),
                    "x-google-backend": backend,
                    "responses": {"default": {"description": "the backend's response"}},
                }
                parameters = [
                    {"name": name, "in": "path", "required": True, "type": "string"}
                    for name, _ in PARAMETER.findall(route.path)
                ]
                if parameters:
                    operation["parameters"] = parameters
                if security:
                    operation["security"] = security
                    if counted and any(API_KEY in requirement for requirement in security):
                        operation["x-google-quota"] = {"metricCosts": dict.fromkeys(counted, 1)}
                item[method] = operation
        document: dict[str, Any] = {
            "swagger": "2.0",
            "info": {"title": api.name, "version": "1.0.0"},
            "host": host,
        }
        if api.description:
            document["info"]["description"] = api.description
        if any(api.cors_policy(r) is not None for r in api.routes):
            document["x-google-endpoints"] = [{"name": host, "allowCors": True}]
        document["schemes"] = ["https"]
        document["paths"] = paths
        if self.security.definitions:
            document["securityDefinitions"] = dict(sorted(self.security.definitions.items()))
        management = self.quotas.management()
        if management:
            document["x-google-management"] = management
        return document

    def operation_id(self, plan: RoutePlan, method: str, several: bool) -> str:
        if plan.route.operation_id:
            base = f"{plan.route.operation_id}_{method}" if several else plan.route.operation_id
        else:
            words = re.sub(r"[^A-Za-z0-9]+", "_", plan.route.path).strip("_") or "root"
            base = f"{method}_{words}"
        base = re.sub(r"[^A-Za-z0-9_]", "_", base)
        candidate, n = base, 2
        while candidate in self.operation_ids:
            candidate, n = f"{base}_{n}", n + 1
        self.operation_ids.add(candidate)
        return candidate

    def backend(self, upstream: Upstream, plan: RoutePlan) -> dict[str, Any] | None:
        route, backend = plan.route, upstream.backend
        if backend is None:
            self.report(codes.TARGET_MISSING_FIELD, route, None, f"{route.label} has no backend")
            return None
        if backend.type is BackendType.LAMBDA:
            self.report(
                codes.TARGET_UNSUPPORTED,
                backend,
                "type",
                f"backend `{backend.name}` is a Lambda function; Cloud Endpoints sends requests to an HTTP "
                "address",
            )
            return None
        if upstream.origin is not None:
            origin = upstream.origin
            default = {"http": 80, "https": 443}[origin.scheme]
            address = f"{origin.scheme}://{origin.host}{'' if origin.port == default else f':{origin.port}'}"
            base = origin.path
        elif upstream.service is not None and upstream.service.port is not None:
            service = upstream.service
            address = (
                f"http://{service.service}.{service.namespace or 'default'}.svc.cluster.local:{service.port}"
            )
            base = ""
        else:
            self.report(
                codes.TARGET_MISSING_FIELD,
                backend,
                None,
                f"backend `{backend.name}` needs `url` (or a Kubernetes service with a port) for Cloud "
                "Endpoints",
            )
            return None
        written: dict[str, Any] = {}
        public = route.path.replace("+}", "}")
        upstream_path = upstream.path_template
        if upstream_path == public:
            written = {"address": address + base, "path_translation": "APPEND_PATH_TO_ADDRESS"}
        elif upstream_path.endswith(public) and "{" not in upstream_path[: -len(public)] and public != "/":
            prefix = upstream_path[: -len(public)]
            written = {"address": address + base + prefix, "path_translation": "APPEND_PATH_TO_ADDRESS"}
        elif "{" not in upstream_path:
            written = {"address": address + base + upstream_path, "path_translation": "CONSTANT_ADDRESS"}
            if PARAMETER.search(route.path):
                self.report(
                    codes.TARGET_APPROXIMATION,
                    route,
                    "upstream_path",
                    f"{route.label}: the backend gets `{upstream_path}` with the path parameters as query "
                    "parameters (CONSTANT_ADDRESS), as ESP sends a constant address",
                )
        else:
            self.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "upstream_path",
                f"{route.label}: ESP appends the request path to an address or sends a constant one; it "
                f"cannot send `{route.path}` on as `{upstream_path}`",
                help="give the backend the route's own path, or a path that ends with it",
            )
            return None
        if upstream.timeout is not None:
            written["deadline"] = round(upstream.timeout.seconds, 3)
        if not self.options["backend-id-token"]:
            written["disable_auth"] = True
        return written

    def say_what_is_not_written(self) -> None:
        """Constructs Cloud Endpoints has no place for, each said once where it is written."""
        api = self.api
        say_unwritten(self, api, "Cloud Endpoints", UNWRITTEN)
        throttles = [(r.throttle, r.label) for r in api.routes if r.throttle is not None]
        throttles += [(s.throttle, f"stage `{s.name}`") for s in api.stages if s.throttle is not None]
        for throttle, subject in throttles:
            self.report(
                codes.TARGET_APPROXIMATION,
                throttle,
                None,
                f"{subject} throttle is not written: Cloud Endpoints counts quotas per calling project, not "
                "for a route or stage as a whole",
            )
        if self.options[TLS_IN_CONFIG]:
            say_tls_policies_elsewhere(
                self, api, "the SSL policy of the load balancer in front of ESP (TLS versions {protocols})"
            )
        for domain in api.domains:
            self.report(
                codes.TARGET_APPROXIMATION,
                domain,
                None,
                f"domain `{domain.host}` is not written: Cloud Endpoints serves the api at its service name; "
                "map the domain to the service in Cloud Run or the load balancer"
                + (" (base paths are not carried)" if domain.base_paths else ""),
            )
        for stage in api.stages[:1]:
            self.report(
                codes.TARGET_APPROXIMATION,
                stage,
                None,
                f"stage `{stage.name}` is not written: Cloud Endpoints has one configuration per service "
                "(deploy one service per environment)",
            )


# what ESP does not do, said (TG002) where the model asks for it: caches, CORS answers (ESP
# lets preflights through to the backend with `allowCors`), request validation, X-Ray sampling
# (ESPv2 traces with Cloud Trace), custom error responses, VPC links (ESP reaches what its
# network reaches); throttles are said above (Endpoints has quotas, per calling project)
UNWRITTEN = {
    Unwritten.CACHES,
    Unwritten.CORS,
    Unwritten.VALIDATION,
    Unwritten.TRACING,
    Unwritten.GATEWAY_RESPONSES,
    Unwritten.VPC_LINKS,
}
