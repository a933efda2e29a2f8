from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel
from apic.compiler.suggest import did_you_mean


class BasePathUnknownStage(Rule):
    """
    ## What it does
    Finds a `base_path` mapped to a stage the API does not define, typically a stage
    deleted in one file and still mapped in an imported one.

    ## Why is this bad?
    The deploy fails, or, where the stage still exists outside this description, the
    mapping keeps serving a stale deployment.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "v1" = stage.production
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "v1" = stage.prod
      }
    }
    ```
    """

    code = "DM004"
    name = "base-path-unknown-stage"
    summary = "a base path maps to a stage that is not defined"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            stages = [s.name for s in api.stages]
            for domain in api.domains:
                for mapping in domain.base_paths:
                    if mapping.stage in stages:
                        continue
                    shown = f'"{mapping.base_path}"' if mapping.base_path else '"" (none)'
                    yield self.diagnostic(
                        mapping.span_of("stage"),
                        f"base path {shown} on `{domain.host}` maps to stage `{mapping.stage}`, "
                        f"which api `{api.name}` does not define",
                        help=did_you_mean(mapping.stage, stages, fmt="`stage.{}`")
                        or f'define stage "{mapping.stage}" or remove the mapping',
                    )
