from __future__ import annotations

import re
from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import Api, ApiKind, AuthKind, AuthorizerType, GatewayModel
from apic.compiler.source import Span

COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/")
KIND_NAME = {ApiKind.REST: "REST", ApiKind.HTTP: "HTTP", ApiKind.WEBSOCKET: "WebSocket"}


class FeatureUnsupportedForKind(Rule):
    """
    ## What it does
    Finds features the API's kind does not have. Usage plans, caching and canaries are
    REST-only; API keys exist on REST and WebSocket routes, not on HTTP APIs; X-Ray active
    tracing is REST-only; mapping templates do not exist on HTTP APIs. On REST, a `jwt`
    authorizer must be a Cognito user pool (REST has no generic JWT authorizer), and a
    version 1 VPC link must target a Network Load Balancer. HTTP APIs use version 2 VPC
    links only.

    ## Why is this bad?
    The deploy fails, or the setting is silently ignored: "tracing on" for an HTTP or
    WebSocket API is never traced ("X-Ray only supports tracing for REST APIs through API
    Gateway"), and an API key on an HTTP API protects nothing.

    ## Example
    ```gw
    api "shop" {
      kind = http
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" { tracing = true }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      kind = http
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
    }
    ```
    """

    code = "KD001"
    name = "feature-unsupported-for-kind"
    summary = "a feature the API's kind does not have"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for span, message, hint in self._findings(api):
                yield self.diagnostic(span, message, help=hint)

    def _findings(self, api: Api) -> Iterator[tuple[Span | None, str, str | None]]:
        rest_only = "REST APIs have it; make this api kind = rest or drop the setting"
        if api.kind is not ApiKind.REST:
            for span, what, hint in self._not_rest(api, rest_only):
                yield span, f"{what}: {KIND_NAME[api.kind]} APIs do not support it", hint
        for authorizer in api.authorizers:
            if (
                api.kind is ApiKind.REST
                and authorizer.type is AuthorizerType.JWT
                and not COGNITO_ISSUER.match(authorizer.issuer or "")
            ):
                yield (
                    authorizer.span_of("type"),
                    (
                        f"authorizer `{authorizer.name}` is a JWT authorizer for `{authorizer.issuer}`: "
                        "REST APIs check JWTs only from Cognito user pools"
                    ),
                    "use type = cognito with a user pool, a lambda authorizer, or kind = http",
                )
        for link in api.vpc_links:
            if api.kind is ApiKind.HTTP and link.version == 1:
                yield (
                    link.span_of("version"),
                    f"vpc_link `{link.name}` is version 1",
                    ("HTTP APIs use version 2 VPC links: set version = 2"),
                )
            if link.version == 1 and link.target and "loadbalancer/app/" in link.target:
                yield (
                    link.span_of("target"),
                    (
                        f"vpc_link `{link.name}` (version 1) targets an Application Load Balancer: "
                        "REST version 1 VPC links reach Network Load Balancers only"
                    ),
                    "set version = 2 to reach the ALB directly, or put an NLB in front",
                )

    def _not_rest(self, api: Api, rest_only: str) -> Iterator[tuple[Span | None, str, str | None]]:
        seen: set[Span | None] = set()
        for route in api.routes:
            if api.kind is ApiKind.HTTP and any(
                r.kind is AuthKind.API_KEY for alt in route.auth for r in alt
            ):
                span = route.span_of("auth")
                if span not in seen:
                    seen.add(span)
                    yield span, f"{route.label} requires an API key", rest_only
            if route.cache is not None:
                yield route.cache.span, f"{route.label} has a cache", rest_only
            if api.kind is ApiKind.HTTP and route.request_templates:
                yield (
                    route.request_templates[0].span,
                    f"{route.label} has a request template",
                    ("HTTP APIs pass requests through; use a Lambda backend to transform them"),
                )
            if api.kind is ApiKind.HTTP and route.responses:
                yield route.responses[0].span, f"{route.label} maps integration responses", None
        for plan in api.usage_plans:
            yield plan.span, f"usage plan `{plan.name}`", rest_only
        for consumer in api.consumers:
            yield consumer.span, f"consumer `{consumer.name}` (an API key)", rest_only
        for stage in api.stages:
            if stage.tracing:
                yield (
                    stage.span_of("tracing"),
                    f"X-Ray tracing on stage `{stage.name}`",
                    ("trace in the backend with the X-Ray SDK or OpenTelemetry instead"),
                )
            if stage.cache is not None:
                yield stage.cache.span, f"the cache of stage `{stage.name}`", rest_only
            if stage.canary is not None:
                yield stage.canary.span, f"the canary of stage `{stage.name}`", rest_only
