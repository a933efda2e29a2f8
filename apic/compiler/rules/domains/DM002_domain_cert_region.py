from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import EndpointType, GatewayModel

EDGE_REGION = "us-east-1"


def arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[0] == "arn" and parts[3] else None


class DomainCertRegion(Rule):
    """
    ## What it does
    Finds certificates in the wrong region: an edge-optimized domain needs its ACM
    certificate in `us-east-1`; a regional domain needs it in the API's `region`.

    ## Why is this bad?
    The deploy fails. AWS: for an edge-optimized domain you "must request or import a
    certificate … in the US East (N. Virginia) – us-east-1 Region".

    ## Example
    ```gw
    api "shop" {
      region = "eu-west-1"
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.example.com" {
        endpoint    = edge
        certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "" = stage.prod
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      region = "eu-west-1"
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.example.com" {
        endpoint    = edge
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "" = stage.prod
      }
    }
    ```
    """

    code = "DM002"
    name = "domain-cert-region"
    summary = "the certificate is not in the region the endpoint type needs"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for domain in api.domains:
                region = arn_region(domain.certificate)
                if region is None:
                    continue
                edge = domain.endpoint is EndpointType.EDGE
                wanted = EDGE_REGION if edge else api.region
                if wanted is None or region == wanted:
                    continue
                why = "an edge-optimized domain" if edge else f"a regional domain of an API in `{wanted}`"
                yield self.diagnostic(
                    domain.span_of("certificate"),
                    f"the certificate of `{domain.host}` is in `{region}`, but {why} needs one in `{wanted}`",
                    related=[(domain.span_of("endpoint"), "the endpoint type")] if edge else [],
                    help=f"request or import the certificate in {wanted}",
                )
