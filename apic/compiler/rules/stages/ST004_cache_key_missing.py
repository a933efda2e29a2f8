from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel, SourceKind
from apic.compiler.plan.caching import cache_keys, cached_routes
from apic.compiler.rules.common import route_anchor


class CacheKeyMissing(Rule):
    """
    ## What it does
    Finds cached routes whose declared query parameters are not cache keys. A route is
    cached when it has a `cache` block, or, when no route has one, when it is a GET route of
    an API whose stage has a cache cluster. Path parameters are keys already (unless
    `path_keys = false`); query parameters are keys only when `keys` names them.

    ## Why is this bad?
    API Gateway keys a cached response by the resource path and the cache key parameters
    only. `GET /items?currency=EUR` and `GET /items?currency=USD` then share one entry: the
    second caller gets the first caller's prices until the TTL runs out.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {
        query "currency" {}
        cache { ttl = 60s }
      }
      stage "prod" { cache { size = 0.5GB } }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {
        query "currency" {}
        cache { ttl = 60s, keys = [query.currency] }
      }
      stage "prod" { cache { size = 0.5GB } }
    }
    ```
    """

    code = "ST004"
    name = "cache-key-missing"
    summary = "a cached route whose query parameters do not tell cached responses apart"
    default_severity = Severity.WARNING
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.REST:
                continue
            for route in cached_routes(api):
                keyed = {k.name for k in cache_keys(route) if k.kind is SourceKind.QUERY}
                missing = [p.name for p in route.query_params if p.name not in keyed]
                if not missing:
                    continue
                names = ", ".join(f"`{name}`" for name in missing)
                span = route.cache.span if route.cache is not None else route_anchor(route)
                yield self.diagnostic(
                    span,
                    f"{route.label} is cached, but its query parameter(s) {names} are not cache keys: "
                    "requests that differ only in them get one cached response",
                    help="add them to `keys`: keys = [" + ", ".join(f"query.{n}" for n in missing) + "]",
                )
