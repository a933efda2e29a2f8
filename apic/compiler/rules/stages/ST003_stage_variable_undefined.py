from __future__ import annotations

import re
from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import Api, GatewayModel, SourceKind
from apic.compiler.source import Span

# `${stage.var.x}` in .gw strings, `${stageVariables.x}` from OpenAPI, `$stageVariables.x` in VTL
_IN_TEXT = re.compile(r"\$\{?\s*(?:stage\.var|stageVariables)\.([A-Za-z0-9_]+)")


def uses(api: Api) -> Iterator[tuple[str, Span | None, str]]:
    """(variable, where, what uses it) for every stage-variable reference of the API."""
    for backend in api.backends:
        for attr in ("url", "uri", "function", "credentials"):
            for found in _IN_TEXT.finditer(getattr(backend, attr) or ""):
                yield found.group(1), backend.span_of(attr), f"backend `{backend.name}` {attr}"
    for authorizer in api.authorizers:
        for found in _IN_TEXT.finditer(authorizer.function or ""):
            yield found.group(1), authorizer.span_of("function"), f"authorizer `{authorizer.name}`"
    for route in api.routes:
        for mapping in route.forward:
            if mapping.source.kind is SourceKind.STAGE_VARIABLE:
                yield mapping.source.name, mapping.source.span or mapping.span, f"{route.label} forward"
        for template in route.request_templates:
            for found in _IN_TEXT.finditer(template.text):
                yield found.group(1), template.span, f"{route.label} request template"


class StageVariableUndefined(Rule):
    """
    ## What it does
    Finds stage variables (`${stage.var.x}` in a backend URL or function, `stage.var.x`
    in `forward`, `$stageVariables.x` in a template) that some stage does not define.

    ## Why is this bad?
    The integration URI is built with an empty segment on that stage, so every request
    there fails with a 5xx, typically only after a new stage is added.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      backend "app" { url = "https://${stage.var.host}/v1" }
      route GET "/items" { backend = backend.app }
      stage "prod" { variables = { host = "app.example.com" } }
      stage "beta" {}
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      backend "app" { url = "https://${stage.var.host}/v1" }
      route GET "/items" { backend = backend.app }
      stage "prod" { variables = { host = "app.example.com" } }
      stage "beta" { variables = { host = "beta.example.com" } }
    }
    ```
    """

    code = "ST003"
    name = "stage-variable-undefined"
    summary = "a stage variable is used but some stage does not define it"
    default_severity = Severity.ERROR

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            if not api.stages:
                continue
            reported: set[tuple[str, object]] = set()
            for name, span, what in uses(api):
                lacking = [s for s in api.stages if name not in (s.variables or {})]
                if not lacking or (name, span) in reported:
                    continue
                reported.add((name, span))
                names = ", ".join(f"`{s.name}`" for s in lacking)
                yield self.diagnostic(
                    span,
                    f"stage variable `{name}` ({what}) is not defined on stage {names}",
                    related=[(lacking[0].span, f"stage `{lacking[0].name}`")],
                    help=f"add {name} to the variables of every stage",
                )
