"""Who may call a route, decided once: its alternatives (any one suffices), each a set of
checks that must all pass, with authorizers resolved and scopes settled.

A target then says whether it can express the decision (a REST method takes one set of
requirements; an API key may be added to one other check) and prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from apic.compiler.model import Api, AuthKind, Authorizer, AuthorizerType, AuthRequirement, Route


class CheckKind(StrEnum):
    IAM = "iam"
    AUTHORIZER = "authorizer"


@dataclass(frozen=True)
class Check:
    """One check besides an API key. `authorizer` is None for plain `iam` and for an
    authorizer the model does not define (the binder reports that); an authorizer of type
    `iam` is an IAM check. `scopes` are the requirement's, else the authorizer's."""

    kind: CheckKind
    requirement: AuthRequirement
    authorizer: Authorizer | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """All of these must pass: an API key when `api_key`, and every check."""

    api_key: bool
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class AuthDecision:
    alternatives: tuple[Alternative, ...]  # empty: nothing was said, which means public

    @property
    def public(self) -> bool:
        return not self.alternatives or any(not a.api_key and not a.checks for a in self.alternatives)


def auth_decision(api: Api, route: Route) -> AuthDecision:
    authorizers = {a.name: a for a in api.authorizers}
    alternatives = []
    for written in route.auth:
        checks = []
        for requirement in written:
            if requirement.kind in (AuthKind.NONE, AuthKind.API_KEY):
                continue
            authorizer = authorizers.get(requirement.authorizer or "")
            iam_authorizer = authorizer is not None and authorizer.type is AuthorizerType.IAM
            if requirement.kind is AuthKind.IAM or iam_authorizer:
                checks.append(Check(CheckKind.IAM, requirement))
                continue
            scopes = requirement.scopes or (authorizer.scopes if authorizer is not None else ())
            checks.append(Check(CheckKind.AUTHORIZER, requirement, authorizer, scopes))
        api_key = any(r.kind is AuthKind.API_KEY for r in written)
        alternatives.append(Alternative(api_key, tuple(checks)))
    return AuthDecision(tuple(alternatives))
