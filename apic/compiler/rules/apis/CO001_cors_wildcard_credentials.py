from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import GatewayModel


class CorsWildcardCredentials(Rule):
    """
    ## What it does
    Finds CORS policies that allow credentials together with `"*"` in `allow_origins` or
    in `allow_headers`.

    ## Why is this bad?
    Browsers reject a wildcard with credentials, so the front end breaks. The usual
    workaround, reflecting the caller's `Origin`, turns it into a credentialed any-origin
    CORS hole: any site can call the API with the user's cookies.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      cors {
        allow_origins     = ["*"]
        allow_methods     = ["GET"]
        allow_credentials = true
      }
      route GET "/items" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      cors {
        allow_origins     = ["https://app.example.com"]
        allow_methods     = ["GET"]
        allow_credentials = true
      }
      route GET "/items" {}
    }
    ```
    """

    code = "CO001"
    name = "cors-wildcard-credentials"
    summary = "CORS allows credentials with a wildcard origin or header"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            for policy in api.cors:
                if not policy.allow_credentials:
                    continue
                label = (
                    f"CORS policy `{policy.name}`" if policy.name else f"the CORS policy of api `{api.name}`"
                )
                for attr in ("allow_origins", "allow_headers"):
                    if "*" in getattr(policy, attr):
                        yield self.diagnostic(
                            policy.span_of(attr),
                            f"{label} allows credentials with `*` in {attr}",
                            related=[(policy.span_of("allow_credentials"), "credentials are allowed here")],
                            help=f"list the exact {attr.split('_')[1]} instead of `*`",
                        )
