"""Translations every API Gateway flavour shares: sources, rates, tags, log formats, domains."""

from __future__ import annotations

import json

from apic.compiler import codes
from apic.compiler.apigateway import (
    EXPRESSION,
    STAGE_VARIABLE,
    function_references,
    source_text,
)
from apic.compiler.capabilities import vpc_link_version
from apic.compiler.model import (
    Domain,
    LogLevel,
    MethodThrottle,
    Node,
    ParamSource,
    Throttle,
    VpcLink,
)
from apic.compiler.model import Template as MappingTemplate
from apic.compiler.plan import rates
from apic.compiler.plan.rates import rate_limit
from apic.targets.cfn.template import (
    NEVER_PLAIN,
    Intrinsic,
    Json,
    Name,
    Template,
    escape_sub,
    host_name,
    label_name,
    ref,
    short_hash,
    sub,
)

LOG_LEVELS = {LogLevel.OFF: "OFF", LogLevel.ERRORS: "ERROR", LogLevel.INFO: "INFO"}
QUOTA_PERIODS = {period: period.upper() for period in rates.QUOTA_PERIODS}  # CloudFormation spells them DAY…
EDGE_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"  # CloudFront's zone, the same in every region

ACCESS_LOG_PRESETS = {
    "json": (
        '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
        '"requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",'
        '"resourcePath":"$context.resourcePath","status":"$context.status",'
        '"protocol":"$context.protocol","responseLength":"$context.responseLength"}'
    ),
    "clf": (
        "$context.identity.sourceIp $context.identity.caller $context.identity.user "
        '[$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" '
        "$context.status $context.responseLength $context.requestId"
    ),
}


def rest_source(source: ParamSource) -> str:
    """A mapping source as REST API Gateway writes it: `method.request.path.id`, `'static'`."""
    return source_text(source)


def tag_list(tags: dict[str, str] | None) -> list[dict[str, str]] | None:
    if not tags:
        return None
    return [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]


def tag_map(tags: dict[str, str] | None) -> dict[str, str] | None:
    return {k: str(v) for k, v in sorted(tags.items())} if tags else None


def templates(items: tuple[MappingTemplate, ...]) -> dict[str, str] | None:
    return {t.content_type: t.text for t in sorted(items, key=lambda t: t.content_type)} or None


def access_log_format(format_name: str | None, custom: bool) -> str:
    if custom and format_name is not None:
        return format_name
    return ACCESS_LOG_PRESETS[format_name or "json"]


def seconds(value: float) -> int:
    return round(value)


def hosted_zone(zone: str, zone_id: str | None) -> dict[str, Json]:
    if zone_id:
        return {"HostedZoneId": zone_id}
    return {"HostedZoneName": zone if zone.endswith(".") else zone + "."}


LAMBDA_URI = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/%s/invocations"


def lambda_uri(template: Template, function: str) -> Json:
    """The integration URI that invokes `function`; its stage variables stay API Gateway's."""
    return Intrinsic({"Fn::Sub": LAMBDA_URI % function_text(template, function)})


PSEUDO_PARAMETERS = frozenset(
    {"AWS::AccountId", "AWS::Partition", "AWS::Region", "AWS::URLSuffix", "AWS::StackName", "AWS::StackId"}
)


def function_text(template: Template, function: str) -> str:
    """A function ARN as `Fn::Sub` text. Stage variables are literal (`${!stageVariables.x}`:
    API Gateway resolves them per request); pseudo parameters stay CloudFormation's
    (`${AWS::Region}`); a reference to the source's own stack (`${MyFunction.Arn}`, from a SAM
    body) becomes a template parameter, since this template does not hold the function."""
    parts = EXPRESSION.split(function)  # text, expression, text, expression, …
    written = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            written.append(escape_sub(part))
            continue
        variable = STAGE_VARIABLE.fullmatch(part)
        if variable:
            written.append("${!stageVariables." + variable.group(1) + "}")
        elif part in PSEUDO_PARAMETERS:
            written.append("${" + part + "}")
        else:
            logical = template.allocate(f"source-ref:{part}", "Source", Name(part, NEVER_PLAIN))
            template.parameter(
                logical,
                f"the value of ${{{part}}} in the source document (a resource of the stack it was "
                "written for): pass it when deploying this template",
            )
            written.append("${" + logical + "}")
    return "".join(written)


def throttle_settings(
    throttle: Throttle | MethodThrottle | None, rate_key: str, burst_key: str
) -> dict[str, Json]:
    """A throttle as CloudFormation names it in the place it goes (stage, method, plan)."""
    limit = rate_limit(throttle)
    if limit is None:
        return {}
    settings: dict[str, Json] = {}
    if limit.per_second is not None:
        settings[rate_key] = limit.per_second
    if limit.burst is not None:
        settings[burst_key] = limit.burst
    return settings


def grant_invoke(template: Template, api_name: str, api_id: str, function: str, owner: Node) -> None:
    """An AWS::Lambda::Permission letting this API invoke `function`, or a TG002 saying why
    apic cannot write one (a function named through a stage variable)."""
    if any(STAGE_VARIABLE.fullmatch(e) for e in EXPRESSION.findall(function)):
        template.report(
            codes.TARGET_APPROXIMATION,
            owner,
            "function",
            f"`{function}` names its function through a stage variable, so apic cannot grant "
            "API Gateway the permission to invoke it",
            help="add an AWS::Lambda::Permission for each function the variable can name",
        )
        return
    logical = template.allocate(
        f"{api_name}:permission:{function}",
        label_name(api_name),
        "Invoke",
        label_name(function.rsplit(":", 1)[-1]),
    )
    template.add(
        logical,
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": Intrinsic({"Fn::Sub": function_text(template, function)})
            if function_references(function)
            else function,
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": sub(
                "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${%s}/*", api_id
            ),
        },
    )


def content_hashed_deployment(
    template: Template,
    api_name: str,
    resource_type: str,
    api_property: dict[str, Json],
    snapshot: list[str],
    depends_on: list[str],
    *,
    retain: bool = False,
) -> str:
    """A Deployment whose id ends in a hash of what it snapshots: CloudFormation redeploys an
    API only when the Deployment's logical id changes. `retain` keeps a superseded deployment
    in API Gateway (a canary stage may still serve it as its live version)."""
    frozen = json.dumps({k: template.resources[k] for k in sorted(set(snapshot))}, sort_keys=True)
    logical = template.allocate(
        f"{api_name}:deployment", label_name(api_name), "Deployment", short_hash(frozen, length=10)
    )
    template.add(
        logical,
        resource_type,
        {**api_property, "Description": f"{api_name} (apic)"},
        depends_on=depends_on,
        retain=retain,
    )
    return logical


def alias_records(template: Template, domain: Domain, target: Json, zone_id: Json) -> None:
    """Route 53 alias records for a custom domain (A, and AAAA when `ipv6 = true`)."""
    if domain.route53 is None:
        return
    for kind in ["A", "AAAA"] if domain.route53.ipv6 else ["A"]:
        record = template.allocate(f"record:{domain.host}:{kind}", "Record", host_name(domain.host), kind)
        template.add(
            record,
            "AWS::Route53::RecordSet",
            {
                **hosted_zone(domain.route53.zone, domain.route53.zone_id),
                "Name": domain.host,
                "Type": kind,
                "AliasTarget": {"DNSName": target, "HostedZoneId": zone_id, "EvaluateTargetHealth": False},
            },
        )


def vpc_link(template: Template, api_name: str, link: VpcLink) -> Json:
    """The value of an integration's `ConnectionId` for `link`: the existing link's id, or a
    Ref to the link apic creates (None when it cannot, reported). Version 1 links
    (`AWS::ApiGateway::VpcLink`) reach a Network Load Balancer and serve REST and WebSocket
    APIs; version 2 links (`AWS::ApiGatewayV2::VpcLink`) take subnets and serve REST and HTTP."""
    if link.id is not None:
        return link.id
    logical = template.allocate(
        f"{api_name}:vpclink:{link.name}", label_name(api_name), "VpcLink", label_name(link.name)
    )
    if vpc_link_version(link) == 1:
        if link.target is None:
            template.report(
                codes.TARGET_MISSING_FIELD,
                link,
                None,
                f"vpc_link `{link.name}` (version 1) needs `target`, the Network Load Balancer's ARN, "
                "or `id` of an existing link",
            )
            return None
        if "loadbalancer/app/" in link.target:
            template.report(
                codes.TARGET_UNSUPPORTED,
                link,
                "target",
                f"vpc_link `{link.name}` (version 1) targets the Application Load Balancer "
                f"`{link.target}`: version 1 links reach Network Load Balancers only",
                help="put an NLB in front of the ALB, or use version = 2 on a REST API",
            )
            return None
        template.add(
            logical,
            "AWS::ApiGateway::VpcLink",
            {"Name": f"{api_name}-{link.name}", "TargetArns": [link.target]},
        )
        return ref(logical)
    if not link.subnets:
        template.report(
            codes.TARGET_MISSING_FIELD, link, None, f"vpc_link `{link.name}` (version 2) needs `subnets`"
        )
        return None
    template.add(
        logical,
        "AWS::ApiGatewayV2::VpcLink",
        {
            "Name": f"{api_name}-{link.name}",
            "SubnetIds": list(link.subnets),
            "SecurityGroupIds": list(link.security_groups) or None,
        },
    )
    return ref(logical)
