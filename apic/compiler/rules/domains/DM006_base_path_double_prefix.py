from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


class BasePathDoublePrefix(Rule):
    """
    ## What it does
    Finds an API whose every route starts with `/<base path>/` while a domain maps that
    same base path to it, as when `/api/book/list` is served under `base_path "api"`.

    ## Why is this bad?
    API Gateway strips the base path before matching routes, so the public URL becomes
    `/api/api/book/list`. Clients 404 on launch day. Routes are written without the base
    path; `upstream_path` can add it back for the backend.

    ## Example
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/api/books" {}
      route GET "/api/books/{id}" {}
      stage "prod" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "api" = stage.prod
      }
    }
    ```

    ## Use instead
    ```gw
    api "books" {
      defaults { auth = iam }
      route GET "/books" { upstream_path = "/api/books" }
      route GET "/books/{id}" { upstream_path = "/api/books/{id}" }
      stage "prod" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "api" = stage.prod
      }
    }
    ```
    """

    code = "DM006"
    name = "base-path-double-prefix"
    summary = "routes repeat the base path their domain already adds"
    default_severity = Severity.WARNING

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            routes = [r for r in api.routes if r.path.startswith("/")]
            if not routes:
                continue
            for domain in api.domains:
                for mapping in domain.base_paths:
                    prefix = "/" + mapping.base_path.strip("/")
                    if prefix == "/":
                        continue
                    if not all(r.path == prefix or r.path.startswith(prefix + "/") for r in routes):
                        continue
                    example = min(routes, key=lambda r: r.path).path
                    yield self.diagnostic(
                        mapping.span_of("base_path"),
                        f"every route of api `{api.name}` starts with `{prefix}`, and `{domain.host}` "
                        f'adds base path "{mapping.base_path}": the public URL of `{example}` is '
                        f"`{prefix}{example}`",
                        help=f"write routes without `{prefix}`; upstream_path adds it back for the backend",
                    )
