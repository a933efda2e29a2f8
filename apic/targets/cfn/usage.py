"""Usage plans and API keys: who may call which stage, how fast and how often."""

from __future__ import annotations

from apic.compiler import codes
from apic.compiler.model import Api
from apic.compiler.plan.consumers import key_plan
from apic.targets.cfn.common import QUOTA_PERIODS, throttle_settings
from apic.targets.cfn.template import Json, Template, env_name, label_name, ref


def usage_plans(template: Template, api: Api, api_id: str, stages: dict[str, str]) -> None:
    """`UsagePlan`s with their stages, throttles and quotas, an `ApiKey` per consumer and the
    `UsagePlanKey` that links them. REST and WebSocket APIs share them: a WebSocket API's
    keys work only through a usage plan of its stage."""
    label = label_name(api.name)
    plan_ids: dict[str, str] = {}
    for plan in api.usage_plans:
        logical = template.allocate(f"{api.name}:plan:{plan.name}", label, "Plan", label_name(plan.name))
        api_stages = []
        for stage_name in plan.stages:
            if stage_name not in stages or template.resources.get(stages[stage_name]) is None:
                continue  # an unknown stage is the binder's or a lint rule's to report
            entry: dict[str, Json] = {"ApiId": ref(api_id), "Stage": ref(stages[stage_name])}
            throttles = {
                f"{m.path}/{m.method.value}": throttle_settings(m, "RateLimit", "BurstLimit")
                for m in plan.method_throttles
            }
            if throttles:
                entry["Throttle"] = dict(sorted(throttles.items()))
            api_stages.append(entry)
        properties: dict[str, Json] = {
            "UsagePlanName": f"{api.name}-{plan.name}",
            "ApiStages": api_stages or None,
        }
        if plan.throttle is not None:
            properties["Throttle"] = throttle_settings(plan.throttle, "RateLimit", "BurstLimit")
        if plan.quota is not None:
            period = QUOTA_PERIODS.get(plan.quota.per)
            if period is None:
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    plan,
                    "quota",
                    f"quota `{plan.quota}`: usage plan quotas count per day, week or month",
                )
            else:
                properties["Quota"] = {"Limit": int(plan.quota.amount), "Period": period}
        template.add(logical, "AWS::ApiGateway::UsagePlan", properties)
        plan_ids[plan.name] = logical
    for consumer_key in key_plan(api).consumers:
        consumer = consumer_key.consumer
        key = template.allocate(f"{api.name}:key:{consumer.name}", label, "Key", label_name(consumer.name))
        value: Json = None  # none given: API Gateway generates the key
        if consumer_key.env is not None:
            value = ref(
                template.parameter(
                    template.allocate(f"env:{consumer_key.env}", "EnvVar", env_name(consumer_key.env)),
                    f"API key of consumer {consumer.name} (from ${consumer_key.env})",
                    no_echo=True,
                )
            )
        elif consumer_key.secret is not None:
            value = consumer_key.secret
        template.add(
            key,
            "AWS::ApiGateway::ApiKey",
            {
                "Name": f"{api.name}-{consumer.name}",
                "Enabled": consumer_key.enabled,
                "Value": value,
            },
        )
        template.output(f"{key}Id", f"API key id of consumer {consumer.name}", ref(key))
        if consumer.plan in plan_ids:
            link = template.allocate(
                f"{api.name}:plankey:{consumer.name}", label, "PlanKey", label_name(consumer.name)
            )
            template.add(
                link,
                "AWS::ApiGateway::UsagePlanKey",
                {"KeyId": ref(key), "KeyType": "API_KEY", "UsagePlanId": ref(plan_ids[consumer.plan])},
            )
