from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext, RuleOptions
from apic.compiler.model import ApiKind, Duration, GatewayModel
from apic.compiler.source import Span

MIN_MS = 50
DEFAULT_MAX_MS = {ApiKind.REST: 29_000, ApiKind.HTTP: 30_000, ApiKind.WEBSOCKET: 29_000}


class Options(RuleOptions):
    rest_max_ms: int = Field(
        29_000, description="REST limit; regional APIs may have a raised quota (set it here)"
    )


class IntegrationTimeoutRange(Rule):
    """
    ## What it does
    Finds integration timeouts (on a route or a backend) outside what API Gateway
    accepts: 50 ms to 29 s for REST and WebSocket, 50 ms to 30 s for HTTP APIs. A
    regional REST API whose timeout quota AWS raised sets `rest-max-ms` in apic.toml.

    ## Why is this bad?
    The deploy fails; or, where a target clamps the value, the backend's slow answers are
    cut off at a time nobody wrote down.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/report" { timeout = 60s }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/report" { timeout = 29s }
    }
    ```
    """

    code = "BE002"
    name = "integration-timeout-range"
    summary = "an integration timeout outside 50 ms to 29 s (30 s on HTTP APIs)"
    default_severity = Severity.ERROR
    Options = Options

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        options: Options = ctx.options
        for api in model.apis:
            limit = options.rest_max_ms if api.kind is ApiKind.REST else DEFAULT_MAX_MS[api.kind]
            seen: set[Span] = set()
            items = [(f"backend `{b.name}`", b.timeout, b.span_of("timeout")) for b in api.backends]
            items += [(r.label, r.timeout, r.span_of("timeout")) for r in api.routes]
            for owner, timeout, span in items:
                if timeout is None or span is None or span in seen:
                    continue
                if MIN_MS <= timeout.milliseconds <= limit:
                    continue
                seen.add(span)
                yield self.diagnostic(
                    span,
                    f"timeout {timeout} of {owner} is outside {Duration(milliseconds=MIN_MS)}-"
                    f"{Duration(milliseconds=limit)} for {api.kind.value} APIs",
                    help="make the backend answer sooner, or go asynchronous (return 202 and poll)",
                )
