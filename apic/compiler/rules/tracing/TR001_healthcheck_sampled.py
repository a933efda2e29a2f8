from __future__ import annotations

from collections.abc import Iterator

from apic.compiler.diagnostics import Diagnostic, Severity
from apic.compiler.lint.rule import Rule, RuleContext
from apic.compiler.model import ApiKind, Backend, GatewayModel
from apic.compiler.plan.sampling import healthcheck_rules, user_rules
from apic.compiler.rules.common import route_anchor
from apic.compiler.rules.tracing.common import covers, traced_stages


class HealthcheckSampled(Rule):
    """
    ## What it does
    On APIs with a traced stage, finds healthcheck routes that X-Ray will still sample:
    `exclude_healthchecks = false`, or a sampling rule with a rate or reservoir above zero
    that matches the healthcheck's method and path at a priority ahead of (or equal to)
    the exclusion apic writes for it (apic reserves priorities 1-99 for those).

    ## Why is this bad?
    Probes arrive every few seconds from every load-balancer node and use up the
    per-second reservoir (`fixed_target`), so real requests go untraced. Trace costs and
    noise grow, and p99 dashboards are skewed by trivial requests.

    ## Example
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/health" { healthcheck = true, auth = none }
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5%, fixed_target = 1 }
        exclude_healthchecks = false
      }
    }
    ```

    ## Use instead
    ```gw
    api "shop" {
      defaults { auth = iam }
      route GET "/health" { healthcheck = true, auth = none }
      stage "prod" { tracing = true }
      tracing {
        default { rate = 5%, fixed_target = 1 }
      }
    }
    ```
    """

    code = "TR001"
    name = "healthcheck-sampled"
    summary = "healthcheck requests are traced"
    default_severity = Severity.ERROR
    kinds = frozenset({ApiKind.REST})

    def check(self, model: GatewayModel, ctx: RuleContext) -> Iterator[Diagnostic]:
        for api in model.apis:
            probes = [r for r in api.routes if r.healthcheck]
            if not probes or not traced_stages(api):
                continue
            tracing = api.tracing
            if tracing is not None and not tracing.excludes_healthchecks:
                yield self.diagnostic(
                    tracing.span_of("exclude_healthchecks"),
                    f"exclude_healthchecks = false: {len(probes)} healthcheck route(s) such as "
                    f"{probes[0].label} will be sampled",
                    related=[(route_anchor(probes[0]), f"{probes[0].label} is a healthcheck")],
                    help="remove the line: apic then writes a rate-0 rule ahead of yours",
                )
                continue
            exclusions = healthcheck_rules(api)
            for rule in user_rules(api):
                if rule.rate <= 0 and rule.fixed_target <= 0:
                    continue
                for exclusion in exclusions:
                    if rule.priority > exclusion.priority:
                        continue
                    if not (
                        covers(rule.method, exclusion.method)
                        and covers(rule.url_path, exclusion.url_path)
                        and covers(rule.host, exclusion.host)
                    ):
                        continue
                    source = rule.source
                    probe = exclusion.source
                    yield self.diagnostic(
                        source.span_of("priority") if source is not None else None,
                        f"sampling rule `{rule.name}` (priority {rule.priority}) matches healthcheck "
                        f"{exclusion.method} {exclusion.url_path} ahead of its exclusion "
                        f"(priority {exclusion.priority})",
                        related=[
                            (
                                probe.span_of("health_check")
                                if isinstance(probe, Backend)
                                else route_anchor(probe),  # type: ignore[arg-type]
                                "the backend's health check"
                                if isinstance(probe, Backend)
                                else "the healthcheck route",
                            )
                        ],
                        help="use a priority of 100 or more: apic keeps 1-99 for healthcheck exclusions",
                    )
                    break
