"""Who may call an operation, as Cloud Endpoints checks it: `securityDefinitions` and each
operation's `security`.

ESP checks Google Cloud API keys (in the `x-api-key` header, or where a scheme says) and
JWTs from an issuer (`x-google-issuer`, `x-google-jwks_uri`, `x-google-audiences`); it does
not check scopes, and it takes alternatives (`or`) only when no API key is among them
("OpenAPI feature limitations"). Anything else is an error on the construct.
"""

from __future__ import annotations

from typing import Any

from apic.compiler import codes
from apic.compiler.capabilities import is_cognito
from apic.compiler.model import Api, Authorizer, AuthorizerType, SourceKind
from apic.compiler.plan.auth import CheckKind
from apic.compiler.plan.consumers import API_KEY_HEADER
from apic.compiler.plan.routes import RoutePlan
from apic.targets.base import Reporter

API_KEY = "api_key"
TOKEN_TYPES = (AuthorizerType.JWT, AuthorizerType.COGNITO, AuthorizerType.OIDC, AuthorizerType.OAUTH2)


class Security:
    """The schemes an api needs, collected while its operations are written."""

    def __init__(self, api: Api, reporter: Reporter) -> None:
        self.api = api
        self.reporter = reporter
        self.definitions: dict[str, dict[str, Any]] = {}

    def requirements(self, plan: RoutePlan) -> list[dict[str, list[str]]] | None:
        """The operation's `security` (None: public), or None after an error saying why."""
        decision, route = plan.auth, plan.route
        if decision.public:
            return None
        if len(decision.alternatives) > 1 and any(a.api_key for a in decision.alternatives):
            self.reporter.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "auth",
                f"{route.label} accepts alternatives ({route.auth_text}) one of which is an API key: "
                "ESP takes `or` between security requirements only without API keys",
            )
            return None
        written: list[dict[str, list[str]]] = []
        for alternative in decision.alternatives:
            requirement: dict[str, list[str]] = {}
            if alternative.api_key:
                self.definitions[API_KEY] = {"type": "apiKey", "name": API_KEY_HEADER, "in": "header"}
                requirement[API_KEY] = []
            for check in alternative.checks:
                if check.kind is CheckKind.IAM or check.authorizer is None:
                    if check.kind is CheckKind.IAM:
                        self.reporter.report(
                            codes.TARGET_UNSUPPORTED,
                            route,
                            "auth",
                            f"{route.label} requires IAM (SigV4) authorization, which ESP cannot check",
                        )
                    return None
                if check.scopes:
                    self.reporter.report(
                        codes.TARGET_UNSUPPORTED,
                        route,
                        "auth",
                        f"{route.label} requires the scopes {', '.join(check.scopes)} of authorizer "
                        f"`{check.authorizer.name}`: ESP does not check scopes",
                        help="check the scopes in the backend, or drop them from the route",
                    )
                    return None
                name = self.scheme(check.authorizer)
                if name is None:
                    return None
                requirement[name] = []
            written.append(requirement)
        return written

    def scheme(self, authorizer: Authorizer) -> str | None:
        """The securityDefinitions entry for `authorizer`, added once; None after an error."""
        if authorizer.name in self.definitions:
            return authorizer.name
        if authorizer.type is AuthorizerType.API_KEY:
            source = authorizer.identity_source[0] if authorizer.identity_source else None
            if source is None or source.kind not in (SourceKind.HEADER, SourceKind.QUERY):
                self.reporter.report(
                    codes.TARGET_UNSUPPORTED,
                    authorizer,
                    None,
                    f"authorizer `{authorizer.name}` takes its key from neither a header nor a query "
                    "parameter",
                )
                return None
            where = "header" if source.kind is SourceKind.HEADER else "query"
            self.definitions[authorizer.name] = {"type": "apiKey", "name": source.name, "in": where}
            return authorizer.name
        if authorizer.type in TOKEN_TYPES and authorizer.issuer:
            definition: dict[str, Any] = {
                "type": "oauth2",
                # ESP never reads it; Google's examples leave it empty, which OpenAPI 2.0's own
                # schema refuses (`format: uri`), so it names the issuer
                "authorizationUrl": authorizer.issuer,
                "flow": "implicit",
                "x-google-issuer": authorizer.issuer,
            }
            if is_cognito(authorizer):
                # Cognito publishes its keys here; other issuers are found by OpenID discovery
                definition["x-google-jwks_uri"] = authorizer.issuer.rstrip("/") + "/.well-known/jwks.json"
            if authorizer.audience:
                definition["x-google-audiences"] = ",".join(authorizer.audience)
            self.definitions[authorizer.name] = definition
            return authorizer.name
        reason = {
            AuthorizerType.LAMBDA: "ESP cannot call a Lambda authorizer",
            AuthorizerType.IAM: "ESP cannot check IAM (SigV4) signatures",
            AuthorizerType.BASIC: "ESP checks no HTTP basic credentials",
        }.get(authorizer.type, "ESP checks JWTs of an issuer, and the source names none")
        self.reporter.report(
            codes.TARGET_UNSUPPORTED,
            authorizer,
            "type",
            f"authorizer `{authorizer.name}` is `{authorizer.type.value}`: {reason}",
        )
        return None

    def consumer_keys(self) -> None:
        """API keys of the model's consumers cannot be provisioned from the document: ESP
        checks Google Cloud API keys that the calling projects create."""
        for consumer in self.api.consumers:
            if consumer.api_key is not None:
                self.reporter.report(
                    codes.TARGET_APPROXIMATION,
                    consumer,
                    None,
                    f"consumer `{consumer.name}`: its key is not written; ESP accepts Google Cloud API keys, "
                    "which the consumer creates in its own project",
                    help="give the consumer an API key of a project enabled for this service",
                )
