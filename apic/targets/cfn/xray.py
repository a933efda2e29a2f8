"""`AWS::XRay::SamplingRule` resources for the traced stages of an API.

Rules are scoped by `ServiceName` `<api>/<stage>`, which is how API Gateway names its
segments, so they touch no other service; the exclusions of the backends' own health-check
paths are the exception (`ServiceName` `*`, once per API): apic does not know the services'
X-Ray names, and a probe path excluded everywhere costs nothing. The API's default becomes a catch-all rule at
priority 9000 for those services; the account's own `Default` rule is left alone.
"""

from __future__ import annotations

from apic.compiler.model import Api, Stage
from apic.compiler.plan import sampling
from apic.targets.cfn.template import Template, label_name, short_hash

RULE_NAME_MAX = 32


def rule_name(*parts: str) -> str:
    name = "-".join(p for p in parts if p)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    if len(name) <= RULE_NAME_MAX:
        return name
    return f"{name[: RULE_NAME_MAX - 9]}-{short_hash(name)}"


def sampling_rule_resources(template: Template, api: Api, stages: list[Stage]) -> None:
    if not stages or not sampling.has_sampling(api):
        return
    rate, fixed = sampling.default_rate(api)
    for index, stage in enumerate(stages):
        rules = [*sampling.healthcheck_rules(api), *sampling.user_rules(api)]
        rules.append(
            sampling.Rule(
                name="default",
                description="apic default",
                priority=sampling.DEFAULT_RULE_PRIORITY,
                host="*",
                method="*",
                url_path="*",
                rate=rate,
                fixed_target=fixed,
            )
        )
        for rule in rules:
            services = rule.scope == "services"
            if services and index > 0:
                continue  # not per stage: the services behind every stage are the same
            scope = [] if services else [label_name(stage.name)]
            logical = template.allocate(
                f"{api.name}:sampling:{'' if services else stage.name}:{rule.name}",
                label_name(api.name),
                *scope,
                "Sampling",
                label_name(rule.name),
            )
            template.add(
                logical,
                "AWS::XRay::SamplingRule",
                {
                    "SamplingRule": {
                        "RuleName": rule_name(api.name, "" if services else stage.name, rule.name),
                        "Priority": rule.priority,
                        "FixedRate": rule.rate,
                        "ReservoirSize": rule.fixed_target,
                        "ServiceName": "*" if services else f"{api.name}/{stage.name}",
                        "ServiceType": "*",
                        "Host": rule.host,
                        "HTTPMethod": rule.method,
                        "URLPath": rule.url_path,
                        "ResourceARN": "*",
                        "Version": 1,
                    }
                },
            )
