from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.capabilities import API_GATEWAY, Feature, explain, unsupported_uses, vpc_link_version
from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


class FeatureUnsupportedForKind(Rule):
    """
    ## What it does
    Finds features the API's kind does not have on Amazon API Gateway, from the capability
    table that the targets read too (`apic/compiler/capabilities.py`). Caching, canaries,
    X-Ray tracing, gateway responses and edge or private endpoints are REST-only; API keys
    and usage plans exist on REST and WebSocket APIs, not on HTTP APIs; mapping templates do
    not exist on HTTP APIs; a `jwt` authorizer for an issuer other than Cognito is HTTP-only.
    HTTP APIs use version 2 VPC links, WebSocket APIs version 1 links, and a version 1 link
    must target a Network Load Balancer.

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
            for use in unsupported_uses(api, API_GATEWAY):
                span = use.node.span_of(use.field) if use.field else use.node.span
                yield self.diagnostic(span, explain(use, api, API_GATEWAY), help=HINTS.get(use.feature))
            for link in api.vpc_links:
                if vpc_link_version(link) == 1 and link.target and "loadbalancer/app/" in link.target:
                    yield self.diagnostic(
                        link.span_of("target"),
                        f"vpc_link `{link.name}` (version 1) targets an Application Load Balancer: "
                        "version 1 VPC links reach Network Load Balancers only",
                        help="set version = 2 to reach the ALB directly (REST), or put an NLB in front",
                    )


HINTS = {
    Feature.JWT_AUTHORIZERS: "use type = cognito with a user pool, a lambda authorizer, or kind = http",
    Feature.XRAY_TRACING: "trace in the backend with the X-Ray SDK or OpenTelemetry instead",
    Feature.MAPPING_TEMPLATES: "HTTP APIs pass requests through; use a Lambda backend to transform them",
    Feature.VPC_LINKS_V1: "HTTP APIs use version 2 VPC links: set version = 2 and subnets",
    Feature.VPC_LINKS_V2: "WebSocket APIs reach private resources through a version 1 link to an NLB",
    Feature.PER_ROUTE_CORS: "an HTTP API has one CORS configuration: use the api-wide `cors` block",
}
