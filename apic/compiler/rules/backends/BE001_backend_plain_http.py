from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


class BackendPlainHttp(Rule):
    """
    ## What it does
    Finds backends reached over plain `http://` on the public network, and backends with
    `tls_verify = false`. Plain HTTP through a `vpc_link` stays inside the VPC and is
    reported as info only. Raise it to an error in apic.toml where policy demands TLS
    everywhere (`backend-plain-http = "error"`).

    ## Why is this bad?
    API keys, JWTs and personal data cross the internet in clear text. Without
    certificate verification anyone on the path can impersonate the backend.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      backend "app" { url = "http://app.example.com" }
      route GET "/items" { backend = backend.app }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      backend "app" { url = "https://app.example.com" }
      route GET "/items" { backend = backend.app }
    }
    ```
    """

    code = "BE001"
    name = "backend-plain-http"
    summary = "a backend reached without TLS, or without verifying it"
    default_severity = Severity.WARNING
    severity_note = "info through a VPC link"

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for backend in api.backends:
                url = backend.url or ""
                if url.lower().startswith("http://"):
                    if backend.vpc_link is None:
                        yield self.diagnostic(
                            backend.span_of("url"),
                            f"backend `{backend.name}` is reached over plain HTTP "
                            f"on the public network: {url}",
                            help="use https://, or reach it through a vpc_link",
                        )
                    else:
                        yield self.diagnostic(
                            backend.span_of("url"),
                            f"backend `{backend.name}` uses plain HTTP inside vpc_link `{backend.vpc_link}`",
                            help="fine inside a VPC; use https:// where traffic must be encrypted end to end",
                            severity=Severity.INFO,
                        )
                if backend.tls_verify is False:
                    yield self.diagnostic(
                        backend.span_of("tls_verify"),
                        f"backend `{backend.name}` does not verify its TLS certificate",
                        help="remove tls_verify = false and give the backend a certificate its name matches",
                    )
