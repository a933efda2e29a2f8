from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


class TlsPolicyWeak(Rule):
    """
    ## What it does
    Finds custom domains whose `tls_policy` is unset or `TLS_1_0`.

    ## Why is this bad?
    Both accept TLS 1.0 and 1.1 clients, which fails PCI DSS. AWS now calls `TLS_1_0` and
    `TLS_1_2` both "legacy": ask for at least `TLS_1_2`, and an enhanced
    `SecurityPolicy_*` policy for regulated workloads.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        base_path "" = stage.prod
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
        base_path "" = stage.prod
      }
    }
    ```
    """

    code = "DM003"
    name = "tls-policy-weak"
    summary = "a domain accepts TLS 1.0 and 1.1"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for domain in api.domains:
                policy = domain.tls_policy
                if policy is not None and policy.upper() != "TLS_1_0":
                    continue
                what = (
                    "sets no tls_policy (API Gateway's default is TLS_1_0)"
                    if policy is None
                    else f"uses {policy}"
                )
                yield self.diagnostic(
                    domain.span_of("tls_policy") if policy is not None else domain.span,
                    f"domain `{domain.host}` {what}: TLS 1.0 and 1.1 clients are accepted",
                    help="set tls_policy = TLS_1_2, or a SecurityPolicy_* policy for regulated workloads",
                )
