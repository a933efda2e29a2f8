"""Who may call a route, in Kong's authentication plugins.

One alternative (requirements that must all pass) is its plugins side by side: Kong runs
every plugin on a route, so each must accept the request. Several alternatives (any one
suffices) is Kong's documented "multiple authentication" pattern: every plugin lets a
failed request through as the `anonymous` consumer, and a request-termination plugin scoped
to that consumer answers 401; it works when each alternative is one plugin and no two
alternatives need the same plugin. What cannot be said is an error on the route's `auth`.
"""

from __future__ import annotations

from dataclasses import dataclass

from apic.compiler import codes
from apic.compiler.model import Api, AuthorizerType, Consumer, SourceKind
from apic.compiler.plan.auth import Alternative, Check, CheckKind
from apic.compiler.plan.consumers import API_KEY_HEADER
from apic.compiler.plan.routes import RoutePlan
from apic.targets.base import Reporter
from apic.targets.kongplugins.json import Json

ANONYMOUS = "anonymous"
TOKEN_TYPES = (
    AuthorizerType.JWT,
    AuthorizerType.COGNITO,
    AuthorizerType.OIDC,
    AuthorizerType.OAUTH2,
    AuthorizerType.BEARER,
)


@dataclass(frozen=True)
class AuthPlugins:
    plugins: list[dict[str, Json]]
    anonymous: bool  # alternatives: a request-termination for the anonymous consumer is needed
    api_key: bool  # some plugin checks API Gateway's x-api-key


def key_auth(key_names: list[str], in_header: bool = True) -> dict[str, Json]:
    return {
        "name": "key-auth",
        "config": {
            "key_names": key_names,
            "key_in_header": in_header,
            "key_in_query": not in_header,
            "key_in_body": False,
            "hide_credentials": True,
        },
    }


def check_plugin(config: Reporter, api: Api, plan: RoutePlan, check: Check) -> dict[str, Json] | None:
    """The plugin that performs `check`, or None after an error saying why none can."""
    route = plan.route
    if check.kind is CheckKind.IAM:
        config.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "auth",
            f"{route.label} requires IAM (SigV4) authorization, which Kong cannot check",
            help="put a token or key check on the route for Kong, or keep it on API Gateway",
        )
        return None
    authorizer = check.authorizer
    if authorizer is None:
        return None  # an undefined authorizer: the binder has reported it
    if authorizer.type is AuthorizerType.API_KEY:
        source = authorizer.identity_source[0] if authorizer.identity_source else None
        if source is None or source.kind not in (SourceKind.HEADER, SourceKind.QUERY):
            config.report(
                codes.TARGET_UNSUPPORTED,
                authorizer,
                None,
                f"authorizer `{authorizer.name}` takes its key from neither a header nor a query parameter",
            )
            return None
        return key_auth([source.name], in_header=source.kind is SourceKind.HEADER)
    if authorizer.type is AuthorizerType.BASIC:
        return {"name": "basic-auth", "config": {"hide_credentials": True}}
    if authorizer.type in TOKEN_TYPES and authorizer.issuer:
        settings: dict[str, Json] = {"issuer": authorizer.issuer, "auth_methods": ["bearer"]}
        if authorizer.audience:
            settings["audience_required"] = list(authorizer.audience)
        if check.scopes:
            # one item: all of its space-separated scopes must be in the token (items are "or")
            settings["scopes_required"] = [" ".join(check.scopes)]
        config.report(
            codes.TARGET_APPROXIMATION,
            authorizer,
            "issuer",
            f"authorizer `{authorizer.name}` is Kong's openid-connect plugin, which only Kong Enterprise "
            "(or Konnect) has: Kong Gateway open source refuses a file that uses it",
        )
        return {"name": "openid-connect", "config": settings}
    reason = {
        AuthorizerType.LAMBDA: "Kong cannot call a Lambda authorizer",
        AuthorizerType.IAM: "Kong cannot check IAM (SigV4) signatures",
    }.get(authorizer.type, "Kong checks tokens against an issuer, and the source names none")
    config.report(
        codes.TARGET_UNSUPPORTED,
        authorizer,
        "type",
        f"authorizer `{authorizer.name}` is `{authorizer.type.value}`: {reason}",
        help="give the authorizer an `issuer` (an OpenID Connect provider) for Kong's openid-connect plugin"
        if authorizer.type in TOKEN_TYPES
        else None,
    )
    return None


def alternative_plugins(
    config: Reporter, api: Api, plan: RoutePlan, alternative: Alternative
) -> list[dict[str, Json]] | None:
    plugins = []
    if alternative.api_key:
        plugins.append(key_auth([API_KEY_HEADER]))
    for check in alternative.checks:
        plugin = check_plugin(config, api, plan, check)
        if plugin is None:
            return None
        plugins.append(plugin)
    return plugins


def auth_plugins(config: Reporter, api: Api, plan: RoutePlan) -> AuthPlugins:
    decision, route = plan.auth, plan.route
    if decision.public:
        return AuthPlugins([], anonymous=False, api_key=False)
    found = [alternative_plugins(config, api, plan, a) for a in decision.alternatives]
    if any(f is None for f in found):
        return AuthPlugins([], anonymous=False, api_key=False)
    written = [f for f in found if f is not None]
    flat = [p for plugins in written for p in plugins]
    names = [p["name"] for p in flat]
    api_key = any(a.api_key for a in decision.alternatives)
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        config.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "auth",
            f"{route.label} needs the {', '.join(twice)} plugin twice: a Kong route runs each plugin once",
            help="let one authorizer (or one key location) serve the route",
        )
        return AuthPlugins([], anonymous=False, api_key=False)
    if len(written) == 1:
        return AuthPlugins(flat, anonymous=False, api_key=api_key)
    if any(len(plugins) != 1 for plugins in written):
        config.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "auth",
            f"{route.label} accepts alternatives ("
            + route.auth_text
            + "): Kong says `or` only between single checks (each plugin with an anonymous consumer)",
        )
        return AuthPlugins([], anonymous=False, api_key=False)
    if api_key and api.usage_plans:
        config.report(
            codes.TARGET_UNSUPPORTED,
            route,
            "auth",
            f"{route.label} accepts an API key or another check: Kong cannot also hold the key to the "
            "usage plans of the route's stage (its acl plugin would refuse the anonymous consumer)",
        )
        return AuthPlugins([], anonymous=False, api_key=False)
    for plugin in flat:
        plugin["config"]["anonymous"] = ANONYMOUS
    return AuthPlugins(flat, anonymous=True, api_key=api_key)


def basic_auth_warnings(config: Reporter, api: Api, plans: list[RoutePlan]) -> None:
    """basic-auth checks consumers' basicauth_credentials, which no source gives."""
    used = {
        c.authorizer.name
        for plan in plans
        for a in plan.auth.alternatives
        for c in a.checks
        if c.authorizer is not None and c.authorizer.type is AuthorizerType.BASIC
    }
    for authorizer in api.authorizers:
        if authorizer.name in used:
            config.report(
                codes.TARGET_APPROXIMATION,
                authorizer,
                "type",
                f"authorizer `{authorizer.name}` is HTTP basic authentication: Kong's basic-auth plugin "
                "checks consumers' basicauth_credentials, which the source does not give; nobody can "
                "log in until you add them",
            )


def plan_group(api: Api, plan_name: str) -> str:
    """The acl group of a usage plan's consumers."""
    return f"{api.name}:{plan_name}"


def acl(api: Api, stage: str | None) -> dict[str, Json]:
    """The acl plugin that holds an API key to the usage plans of the route's stage, or to
    every plan of the API when the stage is not known. No plan covers the stage: API Gateway
    accepts no key there, and neither does a group nobody holds."""
    plans = [p for p in api.usage_plans if stage is None or stage in p.stages]
    allowed = sorted(plan_group(api, p.name) for p in plans) or [plan_group(api, "no-usage-plan")]
    return {"name": "acl", "config": {"allow": allowed, "hide_groups_header": True}}


def anonymous_taken(config: Reporter, consumer: Consumer) -> bool:
    """A consumer named like Kong's stand-in for unauthenticated callers is refused (TG001):
    the two would be one consumer. True when refused."""
    if consumer.name != ANONYMOUS:
        return False
    config.report(
        codes.TARGET_UNSUPPORTED,
        consumer,
        None,
        f"consumer `{ANONYMOUS}` would be Kong's stand-in for unauthenticated callers; rename it",
    )
    return True
