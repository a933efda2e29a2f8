from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import Api, BasePathMapping, Domain, GatewayModel
from apic.compiler.model.base import declaration_order


def parts(base_path: str) -> tuple[str, ...]:
    return tuple(p for p in base_path.strip("/").split("/") if p)


class BasePathDuplicate(Rule):
    """
    ## What it does
    Finds the same base path twice on one domain, across APIs and imported files, and
    multi-level base paths that overlap (`v1` and `v1/orders`). Domain names compare
    case-insensitively.

    ## Why is this bad?
    A deploy conflict, or the last writer wins and takes another team's traffic.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      stage "beta" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "v1" = stage.prod
        base_path "v1/" = stage.beta
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {}
      stage "beta" {}
      domain "api.example.com" {
        certificate = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
        tls_policy  = TLS_1_2
        base_path "v1" = stage.prod
        base_path "beta" = stage.beta
      }
    }
    ```
    """

    code = "DM005"
    name = "base-path-duplicate"
    summary = "a base path is mapped twice on a domain, or overlaps another"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        by_host: dict[str, list[tuple[Api, Domain, BasePathMapping]]] = {}
        for api in model.apis:
            for domain in api.domains:
                for mapping in domain.base_paths:
                    by_host.setdefault(domain.host.lower(), []).append((api, domain, mapping))
        for host, mappings in sorted(by_host.items()):
            mappings.sort(key=lambda m: declaration_order(m[2]))
            seen: dict[tuple[str, ...], tuple[Api, BasePathMapping]] = {}
            for api, _domain, mapping in mappings:
                key = parts(mapping.base_path)
                clash = seen.get(key)
                overlap = None
                if clash is None and key:
                    overlap = next(
                        (seen[key[:n]] for n in range(1, len(key)) if key[:n] in seen), None
                    ) or next((v for k, v in seen.items() if k and k[: len(key)] == key), None)
                other = clash or overlap
                if other is None:
                    seen[key] = (api, mapping)
                    continue
                other_api, other_mapping = other
                what = "is mapped twice" if clash else f'overlaps "{other_mapping.base_path}"'
                yield self.diagnostic(
                    mapping.span_of("base_path"),
                    f'base path "{mapping.base_path}" on `{host}` {what} '
                    f"(api `{other_api.name}`, stage `{other_mapping.stage}`)",
                    related=[(other_mapping.span_of("base_path"), "mapped here first")],
                    help="give each mapping its own first path segment",
                )
