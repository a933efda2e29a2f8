from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


def name_covers(certificate_name: str, host: str) -> bool:
    """A certificate name covers a host: equal labels, or a `*` standing for exactly one
    left-most label (`*.example.com` covers `api.example.com`, not `a.b.example.com`)."""
    name_labels = certificate_name.lower().rstrip(".").split(".")
    host_labels = host.lower().rstrip(".").split(".")
    if len(name_labels) != len(host_labels):
        return False
    head, *rest = name_labels
    if head == "*":
        return rest == host_labels[1:] and host_labels[0] != ""
    return name_labels == host_labels


class DomainCertCoverage(Rule):
    """
    ## What it does
    Finds custom domains that the certificate's names (`certificate_names`, the SANs)
    do not cover. A wildcard covers exactly one label: `*.example.com` covers
    `api.example.com`, but neither `a.b.example.com` nor `example.com`. Names compare
    case-insensitively. Domains without `certificate_names` are not checked offline.

    ## Why is this bad?
    Every client fails the TLS handshake as soon as DNS points at the gateway.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      domain "api.eu.example.com" {
        certificate       = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
        certificate_names = ["*.example.com"]
        tls_policy        = TLS_1_2
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
      domain "api.eu.example.com" {
        certificate       = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
        certificate_names = ["*.eu.example.com"]
        tls_policy        = TLS_1_2
        base_path "" = stage.prod
      }
    }
    ```
    """

    code = "DM001"
    name = "domain-cert-coverage"
    summary = "the certificate does not cover the domain name"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for domain in api.domains:
                names = domain.certificate_names
                if names is None or any(name_covers(n, domain.host) for n in names):
                    continue
                listed = ", ".join(f"`{n}`" for n in names) or "no names"
                yield self.diagnostic(
                    domain.span_of("certificate_names"),
                    f"the certificate for `{domain.host}` covers {listed}, not `{domain.host}`",
                    related=[(domain.span, f"domain `{domain.host}`")],
                    help="use a certificate whose SANs include the host (a wildcard covers one label)",
                )
