"""apic's cfn-lint rules for API Gateway mistakes cfn-lint itself does not catch.

Loaded with `cfn-lint --append-rules <this folder>` (see `apic cfn-lint-rules`). Each rule
reads the whole template, because each is about how resources relate to one another.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from apic.targets.cfn.policies import ENHANCED_SHAPE, KNOWN

ENDPOINT_TYPES = {"EDGE", "REGIONAL", "PRIVATE"}


def resources(cfn: Any, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        name: value for name, value in cfn.get_resources([resource_type]).items() if isinstance(value, dict)
    }


def api_of(properties: dict[str, Any], key: str = "RestApiId") -> str | None:
    value = properties.get(key)
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return value["Ref"]
    return None


def properties_of(resource: dict[str, Any]) -> dict[str, Any]:
    value = resource.get("Properties", {})
    return value if isinstance(value, dict) else {}


class DeploymentDependsOnMethods(CloudFormationLintRule):
    """A Deployment created before a Method of its API snapshots the API without it."""

    id = "E9101"
    shortdesc = "Deployment must depend on every Method of its RestApi"
    description = (
        "An AWS::ApiGateway::Deployment snapshots the methods that exist when it is created; "
        "without DependsOn on each Method, CloudFormation may deploy an API with methods missing."
    )
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html"
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        methods: dict[str, set[str]] = {}
        for name, method in resources(cfn, "AWS::ApiGateway::Method").items():
            api = api_of(properties_of(method))
            if api is not None:
                methods.setdefault(api, set()).add(name)
        matches = []
        for name, deployment in resources(cfn, "AWS::ApiGateway::Deployment").items():
            api = api_of(properties_of(deployment))
            depends = deployment.get("DependsOn", [])
            depends = {depends} if isinstance(depends, str) else set(depends)
            for missing in sorted(methods.get(api or "", set()) - depends):
                matches.append(
                    RuleMatch(
                        ["Resources", name],
                        f"Deployment {name} does not depend on Method {missing} of its RestApi",
                    )
                )
        return matches


class IntegrationHttpMethodRequired(CloudFormationLintRule):
    """HTTP, HTTP_PROXY, AWS and AWS_PROXY integrations fail to create without a method."""

    id = "E9102"
    shortdesc = "Non-mock integrations need IntegrationHttpMethod"
    description = "Integration types other than MOCK need IntegrationHttpMethod."
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-method-integration.html"
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, method in resources(cfn, "AWS::ApiGateway::Method").items():
            integration = properties_of(method).get("Integration")
            if not isinstance(integration, dict):
                continue
            kind = integration.get("Type")
            if (
                kind in ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY")
                and "IntegrationHttpMethod" not in integration
            ):
                matches.append(
                    RuleMatch(
                        ["Resources", name, "Properties", "Integration"],
                        f"{kind} integration of {name} has no IntegrationHttpMethod",
                    )
                )
        return matches


class MappedParametersDeclared(CloudFormationLintRule):
    """A mapping or cache key that reads an undeclared method.request parameter is rejected."""

    id = "E9103"
    shortdesc = "Mapped method.request parameters must be declared on the Method"
    description = (
        "Integration RequestParameters and CacheKeyParameters may read method.request.* only "
        "for parameters the Method declares in RequestParameters."
    )
    source_url = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html"
    )
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for name, method in resources(cfn, "AWS::ApiGateway::Method").items():
            properties = properties_of(method)
            declared = properties.get("RequestParameters", {})
            declared = set(declared) if isinstance(declared, dict) else set()
            integration = properties.get("Integration")
            if not isinstance(integration, dict):
                continue
            mappings = integration.get("RequestParameters", {})
            sources = [
                (["RequestParameters", target], source)
                for target, source in (mappings.items() if isinstance(mappings, dict) else [])
            ]
            keys = integration.get("CacheKeyParameters", [])
            sources += [
                (["CacheKeyParameters", i], key)
                for i, key in enumerate(keys if isinstance(keys, list) else [])
            ]
            for path, source in sources:
                if (
                    isinstance(source, str)
                    and source.startswith("method.request.")
                    and source not in declared
                ):
                    if source.startswith("method.request.body") or source.startswith(
                        "method.request.multivalue"
                    ):
                        continue
                    matches.append(
                        RuleMatch(
                            ["Resources", name, "Properties", "Integration", *path],
                            f"{source} is read by {name} but not declared in its RequestParameters",
                        )
                    )
        return matches


class DeploymentStageClash(CloudFormationLintRule):
    """Deployment.StageName creates a stage; a separate Stage of that name then fails."""

    id = "E9104"
    shortdesc = "Deployment StageName must not name a separately defined Stage"
    description = (
        "A Deployment with StageName creates that stage itself; an AWS::ApiGateway::Stage of the "
        "same name on the same RestApi fails with 'stage already exists'."
    )
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-deployment.html"
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        stages = {
            (api_of(properties_of(s)), properties_of(s).get("StageName"))
            for s in resources(cfn, "AWS::ApiGateway::Stage").values()
        }
        matches = []
        for name, deployment in resources(cfn, "AWS::ApiGateway::Deployment").items():
            properties = properties_of(deployment)
            key = (api_of(properties), properties.get("StageName"))
            if key[1] is not None and key in stages:
                matches.append(
                    RuleMatch(
                        ["Resources", name, "Properties", "StageName"],
                        f"Deployment {name} creates stage {key[1]!r}, which a Stage resource also defines",
                    )
                )
        return matches


class SecurityPolicyKnown(CloudFormationLintRule):
    """SecurityPolicy is a free string in the registry schema; a typo fails at deploy time."""

    id = "E9105"
    shortdesc = "DomainName SecurityPolicy must be a policy API Gateway offers"
    description = "SecurityPolicy must be TLS_1_0, TLS_1_2 or an enhanced SecurityPolicy_* policy."
    source_url = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html"
    )
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for resource_type in ("AWS::ApiGateway::DomainName", "AWS::ApiGatewayV2::DomainName"):
            for name, domain in resources(cfn, resource_type).items():
                properties = properties_of(domain)
                configurations = properties.get("DomainNameConfigurations", [properties])
                for i, configuration in enumerate(configurations if isinstance(configurations, list) else []):
                    policy = configuration.get("SecurityPolicy") if isinstance(configuration, dict) else None
                    if not isinstance(policy, str) or policy in KNOWN or ENHANCED_SHAPE.fullmatch(policy):
                        continue
                    path = ["Resources", name, "Properties"]
                    if "DomainNameConfigurations" in properties:
                        path += ["DomainNameConfigurations", i]
                    matches.append(RuleMatch([*path, "SecurityPolicy"], f"unknown SecurityPolicy {policy!r}"))
        return matches


class EndpointTypesKnown(CloudFormationLintRule):
    """EndpointConfiguration.Types is a list of free strings in the registry schema."""

    id = "E9106"
    shortdesc = "EndpointConfiguration.Types must be EDGE, REGIONAL or PRIVATE"
    description = "RestApi and DomainName EndpointConfiguration.Types take EDGE, REGIONAL or PRIVATE."
    source_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apigateway-restapi-endpointconfiguration.html"
    tags = ("resources", "apigateway", "apic")

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for resource_type in ("AWS::ApiGateway::RestApi", "AWS::ApiGateway::DomainName"):
            for name, resource in resources(cfn, resource_type).items():
                configuration = properties_of(resource).get("EndpointConfiguration", {})
                types = configuration.get("Types", []) if isinstance(configuration, dict) else []
                for i, value in enumerate(types if isinstance(types, list) else []):
                    if isinstance(value, str) and value not in ENDPOINT_TYPES:
                        matches.append(
                            RuleMatch(
                                ["Resources", name, "Properties", "EndpointConfiguration", "Types", i],
                                f"endpoint type {value!r} is not EDGE, REGIONAL or PRIVATE",
                            )
                        )
        return matches
