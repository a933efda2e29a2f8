"""Small value types of the IR: enums and unit-carrying quantities.

Quantities are stored normalised (a Duration in milliseconds), so `10s` and `10000ms` are
the same value; only fields whose range checks are lint rules (sampling and canary
percentages) remember whether a unit was written.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from apic.compiler.model.base import node


class HttpMethod(StrEnum):
    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    OPTIONS = "OPTIONS"
    ANY = "ANY"


# what `ANY` stands for: every method a route may name
EXPLICIT_METHODS = frozenset(m for m in HttpMethod if m is not HttpMethod.ANY)


class ApiKind(StrEnum):
    REST = "rest"
    HTTP = "http"
    WEBSOCKET = "websocket"


class EndpointType(StrEnum):
    REGIONAL = "regional"
    EDGE = "edge"
    PRIVATE = "private"


class BackendType(StrEnum):
    HTTP = "http"
    HTTP_PROXY = "http_proxy"
    LAMBDA = "lambda"
    MOCK = "mock"
    AWS = "aws"  # a non-proxy AWS service integration (API Gateway type AWS), named by `uri`


class AuthorizerType(StrEnum):
    """How a named authorizer checks callers. The last five come from OpenAPI security
    schemes without an AWS extension; targets that cannot enforce one report it."""

    JWT = "jwt"
    LAMBDA = "lambda"
    COGNITO = "cognito"
    IAM = "iam"
    API_KEY = "api_key"  # a key under another name or place than API Gateway's x-api-key header
    BASIC = "basic"
    BEARER = "bearer"
    OAUTH2 = "oauth2"
    OIDC = "oidc"


class AuthKind(StrEnum):
    NONE = "none"
    API_KEY = "api_key"
    IAM = "iam"
    AUTHORIZER = "authorizer"


class ValidationMode(StrEnum):
    NONE = "none"
    PARAMS = "params"
    BODY = "body"
    FULL = "full"


class ParamType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"


class SourceKind(StrEnum):
    """Where a mapped value comes from; compiles to `method.request.path.x`, `$context.x`…"""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    CONTEXT = "context"
    STAGE_VARIABLE = "stage_var"
    STATIC = "static"
    INTEGRATION_HEADER = "integration_header"


class LogLevel(StrEnum):
    OFF = "off"
    ERRORS = "errors"
    INFO = "info"


class AuthorizerPayload(StrEnum):
    TOKEN = "token"
    REQUEST = "request"


TimeUnit = Literal["s", "min", "hour", "day", "week", "month"]


@node
class Duration:
    milliseconds: float

    def __str__(self) -> str:
        ms = self.milliseconds
        if ms % 1000 == 0:
            return f"{format_number(ms / 1000)}s"
        return f"{format_number(ms)}ms"

    @property
    def seconds(self) -> float:
        return self.milliseconds / 1000


@node
class Rate:
    """`amount` requests per `per`: `10/s`, `10000/day`."""

    amount: float
    per: TimeUnit

    def __str__(self) -> str:
        return f"{format_number(self.amount)}/{self.per}"


@node
class Percent:
    """A percentage; `unit` is None when the user wrote a bare number (which lint rejects)."""

    value: float
    unit: Literal["%"] | None = "%"

    def __str__(self) -> str:
        return f"{format_number(self.value)}{self.unit or ''}"

    @property
    def fraction(self) -> float:
        return self.value / 100


@node
class DataSize:
    gigabytes: float

    def __str__(self) -> str:
        return f"{format_number(self.gigabytes)}GB"


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float; integers without `.0`, never an exponent
    (the .gw QUANTITY literal has none)."""
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text
