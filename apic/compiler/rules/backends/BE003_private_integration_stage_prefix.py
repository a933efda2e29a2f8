from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, BackendType, GatewayModel
from apic.compiler.rules.common import route_anchor


class PrivateIntegrationStagePrefix(Rule):
    """
    ## What it does
    On HTTP APIs, finds routes that reach a backend through a `vpc_link` without an
    explicit `upstream_path`.

    ## Why is this bad?
    AWS: "In a private integration, API Gateway includes the stage portion of the API
    endpoint in the request to your backend resources". A request to `/prod/orders`
    reaches the backend as `/prod/orders`, which it does not serve: backend 404s.

    ## Example
    ```gw
    api "shop" {
      kind = http
      defaults { auth = iam }
      vpc_link "vpc" {
        target  = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/01234567/89abcdef"
        subnets = ["subnet-0aaa1111"]
      }
      backend "app" {
        url      = "https://app.internal.example.com"
        vpc_link = vpc_link.vpc
      }
      route GET "/orders" { backend = backend.app }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      kind = http
      defaults { auth = iam }
      vpc_link "vpc" {
        target  = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/shop/01234567/89abcdef"
        subnets = ["subnet-0aaa1111"]
      }
      backend "app" {
        url      = "https://app.internal.example.com"
        vpc_link = vpc_link.vpc
      }
      route GET "/orders" {
        backend       = backend.app
        upstream_path = "/orders"
      }
    }
    ```
    """

    code = "BE003"
    name = "private-integration-stage-prefix"
    summary = "a private integration without upstream_path may receive the stage prefix"
    default_severity = Severity.WARNING
    kinds = frozenset({ApiKind.HTTP})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.HTTP:
                continue
            for route in api.routes:
                backend = api.backend(route.backend)
                if backend is None or backend.vpc_link is None or route.upstream_path is not None:
                    continue
                if backend.type in (BackendType.LAMBDA, BackendType.MOCK, BackendType.AWS):
                    continue
                yield self.diagnostic(
                    route_anchor(route),
                    f"{route.label} reaches backend `{backend.name}` through vpc_link `{backend.vpc_link}` "
                    "without upstream_path: the backend may receive the stage prefix",
                    related=[(backend.span_of("vpc_link"), "the private integration")],
                    help=f'set upstream_path = "{route.path}"',
                )
