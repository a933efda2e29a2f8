"""The built-in rule pack, exported through the `apic.rules` entry point like any other.

One file per rule, named <CODE>_<name>.py, grouped by family; the list below is explicit so
every rule is greppable from here. The catalogue and its rationale: docs/rules/.
"""

from __future__ import annotations

from apic.compiler.lint.rule import Rule
from apic.compiler.rules.apis.CO001_cors_wildcard_credentials import CorsWildcardCredentials
from apic.compiler.rules.apis.CO002_cors_preflight_auth import CorsPreflightAuth
from apic.compiler.rules.apis.KD001_feature_unsupported_for_kind import FeatureUnsupportedForKind
from apic.compiler.rules.apis.WS001_websocket_required_routes import WebsocketRequiredRoutes
from apic.compiler.rules.auth.AU001_route_no_auth import RouteNoAuth
from apic.compiler.rules.auth.AU002_api_key_without_usage_plan import ApiKeyWithoutUsagePlan
from apic.compiler.rules.auth.AU003_api_key_only_auth import ApiKeyOnlyAuth
from apic.compiler.rules.auth.AU004_healthcheck_requires_auth import HealthcheckRequiresAuth
from apic.compiler.rules.auth.UP001_usage_plan_limits import UsagePlanLimits
from apic.compiler.rules.backends.BE001_backend_plain_http import BackendPlainHttp
from apic.compiler.rules.backends.BE002_integration_timeout_range import IntegrationTimeoutRange
from apic.compiler.rules.backends.BE003_private_integration_stage_prefix import PrivateIntegrationStagePrefix
from apic.compiler.rules.domains.DM001_domain_cert_coverage import DomainCertCoverage
from apic.compiler.rules.domains.DM002_domain_cert_region import DomainCertRegion
from apic.compiler.rules.domains.DM003_tls_policy_weak import TlsPolicyWeak
from apic.compiler.rules.domains.DM004_base_path_unknown_stage import BasePathUnknownStage
from apic.compiler.rules.domains.DM005_base_path_duplicate import BasePathDuplicate
from apic.compiler.rules.domains.DM006_base_path_double_prefix import BasePathDoublePrefix
from apic.compiler.rules.routes.RT001_route_duplicate import RouteDuplicate
from apic.compiler.rules.routes.RT002_route_param_name_mismatch import RouteParamNameMismatch
from apic.compiler.rules.routes.RT003_route_literal_param_overlap import RouteLiteralParamOverlap
from apic.compiler.rules.routes.RT004_route_greedy_shadow import RouteGreedyShadow
from apic.compiler.rules.routes.RT005_route_param_unbound import RouteParamUnbound
from apic.compiler.rules.routes.RT006_query_param_undeclared import QueryParamUndeclared
from apic.compiler.rules.stages.ST001_canary_percent_range import CanaryPercentRange
from apic.compiler.rules.stages.ST002_cache_config_invalid import CacheConfigInvalid
from apic.compiler.rules.stages.ST003_stage_variable_undefined import StageVariableUndefined
from apic.compiler.rules.stages.ST004_cache_key_missing import CacheKeyMissing
from apic.compiler.rules.tracing.TR001_healthcheck_sampled import HealthcheckSampled
from apic.compiler.rules.tracing.TR002_sampling_default_missing import SamplingDefaultMissing
from apic.compiler.rules.tracing.TR003_sampling_value_range import SamplingValueRange
from apic.compiler.rules.tracing.TR004_sampling_rule_shadowed import SamplingRuleShadowed
from apic.compiler.rules.tracing.TR005_sampling_priority_reserved import SamplingPriorityReserved
from apic.compiler.rules.tracing.TR006_healthcheck_unmarked import HealthcheckUnmarked

RULES: list[type[Rule]] = [
    RouteDuplicate,
    RouteParamNameMismatch,
    RouteLiteralParamOverlap,
    RouteGreedyShadow,
    RouteParamUnbound,
    QueryParamUndeclared,
    RouteNoAuth,
    ApiKeyWithoutUsagePlan,
    ApiKeyOnlyAuth,
    HealthcheckRequiresAuth,
    UsagePlanLimits,
    HealthcheckSampled,
    SamplingDefaultMissing,
    SamplingValueRange,
    SamplingRuleShadowed,
    SamplingPriorityReserved,
    HealthcheckUnmarked,
    DomainCertCoverage,
    DomainCertRegion,
    TlsPolicyWeak,
    BasePathUnknownStage,
    BasePathDuplicate,
    BasePathDoublePrefix,
    BackendPlainHttp,
    IntegrationTimeoutRange,
    PrivateIntegrationStagePrefix,
    CanaryPercentRange,
    CacheConfigInvalid,
    StageVariableUndefined,
    CacheKeyMissing,
    WebsocketRequiredRoutes,
    CorsWildcardCredentials,
    CorsPreflightAuth,
    FeatureUnsupportedForKind,
]
