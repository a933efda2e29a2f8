"""Counts CloudFormation and API Gateway cap: a template that exceeds them never deploys.

- 500 resources per template (CloudFormation quotas, "Resources": 500 per template);
- 300 resources per REST API (API Gateway quotas, "Resources per API", adjustable): the
  account's granted quota comes in as `--option resource-quota=N`.

apic does not split a template into nested stacks: a Deployment must depend on every Method
of its API, so the split is not a matter of cutting the resource list, and a wrong split
deploys an API without some of its methods. An API this large is refused with the counts.
"""

from __future__ import annotations

from apic.compiler import codes
from apic.compiler.model import ApiKind, GatewayModel
from apic.targets.cfn.template import Template

TEMPLATE_RESOURCES_MAX = 500
REST_RESOURCES_QUOTA = 300


def check_counts(template: Template, model: GatewayModel, quota: int) -> None:
    if not model.apis:
        return
    total = len(template.resources)
    if total > TEMPLATE_RESOURCES_MAX:
        template.report(
            codes.TARGET_UNSUPPORTED,
            model.apis[0],
            None,
            f"the template needs {total} resources; CloudFormation takes at most "
            f"{TEMPLATE_RESOURCES_MAX} per template",
            help="compile each api into its own template, or split the api; apic does not write "
            "nested stacks",
        )
    for api in model.apis:
        if api.kind is not ApiKind.REST:
            continue
        prefix = f"{api.name}:resource:"
        count = sum(1 for owner in template.owners() if owner.startswith(prefix))
        if count > quota:
            template.report(
                codes.TARGET_UNSUPPORTED,
                api,
                None,
                f"api `{api.name}` needs {count} API Gateway resources (one per path prefix); the "
                f"account's quota is {quota} per REST API",
                help="request a higher 'Resources per API' quota in Service Quotas and pass "
                "`--option resource-quota=N`, or split the api",
            )
