from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, GatewayModel
from apic.compiler.model.types import format_number

CACHE_SIZES_GB = (0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237)
MAX_TTL_S = 3600


class CacheConfigInvalid(Rule):
    """
    ## What it does
    Checks REST caching: `stage.cache.size` must be one of 0.5, 1.6, 6.1, 13.5, 28.4,
    58.2, 118 or 237 GB, and every cache `ttl` 0-3600 s (errors). A route `cache {}` on an
    API none of whose stages has a cache cluster is a warning. Cache keys on undeclared
    parameters are `query-param-undeclared`'s finding.

    ## Why is this bad?
    Other sizes and TTLs fail the deploy. A route cache without a cache cluster is
    silently disabled, so the backend takes the full load it was sized against.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {
        cache { size = 1GB }
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/items" {}
      stage "prod" {
        cache { size = 1.6GB }
      }
    }
    ```
    """

    code = "ST002"
    name = "cache-config-invalid"
    summary = "a cache size or TTL API Gateway rejects, or a route cache with no cache cluster"
    default_severity = Severity.ERROR
    severity_note = "warning for a route cache on an API without a cache cluster"
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if api.kind is not ApiKind.REST:
                continue
            for stage in api.stages:
                cache = stage.cache
                if cache is None:
                    continue
                if cache.size is not None and cache.size.gigabytes not in CACHE_SIZES_GB:
                    sizes = ", ".join(format_number(s) for s in CACHE_SIZES_GB)
                    nearest = min(CACHE_SIZES_GB, key=lambda s: abs(s - cache.size.gigabytes))  # type: ignore[union-attr]
                    yield self.diagnostic(
                        cache.span_of("size"),
                        f"cache size {cache.size} of stage `{stage.name}` is not one API Gateway offers "
                        f"({sizes} GB)",
                        help=f"the nearest size is {format_number(nearest)}GB",
                    )
                if cache.ttl is not None and not 0 <= cache.ttl.seconds <= MAX_TTL_S:
                    yield self.diagnostic(
                        cache.span_of("ttl"),
                        f"cache ttl {cache.ttl} of stage `{stage.name}` is outside 0-3600s",
                    )
            cached = any(
                s.cache is not None and (s.cache.size is None or s.cache.size.gigabytes > 0)
                for s in api.stages
            )
            for route in api.routes:
                if route.cache is None:
                    continue
                ttl = route.cache.ttl
                if ttl is not None and not 0 <= ttl.seconds <= MAX_TTL_S:
                    yield self.diagnostic(
                        route.cache.span_of("ttl"), f"cache ttl {ttl} of {route.label} is outside 0-3600s"
                    )
                if not cached and api.stages:
                    yield self.diagnostic(
                        route.cache.span,
                        f"{route.label} asks for caching, "
                        f"but no stage of api `{api.name}` has a cache cluster",
                        help="add cache { size = 0.5GB } to the stage, or remove the route's cache",
                        severity=Severity.WARNING,
                    )
