"""Account-level settings a template may need: the CloudWatch Logs role API Gateway uses.

REST and WebSocket stages that write execution or access logs deliver them only once the
account (per region) names a CloudWatch Logs role in its API Gateway settings
(`AWS::ApiGateway::Account`, "Set up CloudWatch logging for REST APIs in API Gateway");
without it the stage update fails. The setting belongs to the account, so apic writes it
only when asked (`--option account-logging-role=true`): two stacks that both own it would
overwrite each other. HTTP APIs log through their own service-linked role.
"""

from __future__ import annotations

from apic.compiler import codes
from apic.compiler.model import ApiKind, GatewayModel, LogLevel, Stage
from apic.targets.cfn.template import Template, get_att, sub

ROLE = "ApicApiGatewayCloudWatchRole"
ACCOUNT = "ApicApiGatewayAccount"
PUSH_TO_LOGS = "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"


def writes_logs(stage: Stage) -> bool:
    return stage.access_log is not None or stage.logging not in (None, LogLevel.OFF)


def logging_role(template: Template, model: GatewayModel, stage_ids: dict[int, str], emit: bool) -> None:
    """`stage_ids` maps id(stage) to its logical id, for the stages the template holds."""
    logging = [
        stage
        for api in model.apis
        if api.kind is not ApiKind.HTTP
        for stage in api.stages
        if writes_logs(stage) and id(stage) in stage_ids
    ]
    if not logging:
        return
    if not emit:
        first = logging[0]
        names = ", ".join(f"`{s.name}`" for s in logging)
        template.report(
            codes.TARGET_APPROXIMATION,
            first,
            "access_log" if first.access_log is not None else "logging",
            f"stage(s) {names} write logs, which API Gateway delivers only once the account names a "
            "CloudWatch Logs role (AWS::ApiGateway::Account); this template does not set it",
            help="set the role once per account and region, or pass `--option account-logging-role=true` "
            "to have this template own it",
        )
        return
    template.add(
        ROLE,
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "apigateway.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "ManagedPolicyArns": [sub(PUSH_TO_LOGS)],
        },
    )
    template.add(ACCOUNT, "AWS::ApiGateway::Account", {"CloudWatchRoleArn": get_att(ROLE, "Arn")})
    for stage in logging:
        logical = stage_ids[id(stage)]
        resource = template.resources[logical]
        depends_on = sorted({*resource.get("DependsOn", []), ACCOUNT})
        rest = {k: v for k, v in resource.items() if k not in ("Type", "DependsOn")}
        template.resources[logical] = {"Type": resource["Type"], "DependsOn": depends_on, **rest}
