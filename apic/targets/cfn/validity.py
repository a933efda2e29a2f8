"""What API Gateway refuses at deploy time, refused at compile time (TG001), with the
construct's position, whatever `--no-lint` says: lint rules may say the same earlier, but a
template that cannot deploy is never written.

Sources (docs/targets.md, "Platform facts apic checks"):
- path parts: API Gateway's own error, "Resource's path part only allow a-zA-Z0-9._- and
  curly braces at the beginning and the end" (plus a trailing `+` in a greedy variable), and
  colons, which the service accepts (aws-cdk issue 22477); one variable path part per level.
- API keys: values of 20 to 128 characters (CreateApiKey), unique per account and region
  (a second key with one value is a 409 ConflictException).
- host names: RFC 1123 labels (letters, digits, hyphens; 1-63 characters; no leading or
  trailing hyphen), 253 characters in all, an optional leading `*.` wildcard label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from apic.compiler import codes
from apic.compiler.model import Api, ApiKind, Consumer, EnvRef, GatewayModel, Node, SourceKind
from apic.compiler.model.routes import variable_clashes
from apic.compiler.plan.upstream import CONTROL, url_problem
from apic.targets.cfn.template import Template, is_intrinsic_key

LITERAL_PART = re.compile(r"[A-Za-z0-9._:-]+")
VARIABLE_PART = re.compile(r"\{[A-Za-z0-9._-]+\+?\}")
HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
API_KEY_MIN, API_KEY_MAX = 20, 128


def check_rest_paths(template: Template, api: Api) -> set[int]:
    """Report routes whose path API Gateway refuses; return their ids, so the emitter skips
    them (one diagnostic per route, not a cascade)."""
    refused: set[int] = set()
    for route in api.routes:
        for part in [p for p in route.path.split("/") if p]:
            if not (LITERAL_PART.fullmatch(part) or VARIABLE_PART.fullmatch(part)):
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    route,
                    "path",
                    f"path part `{part}` of {route.label}: API Gateway accepts letters, digits, "
                    "`.`, `_`, `-` and `:` in a path part, or one `{name}` (`{name+}`) variable",
                )
                refused.add(id(route))
                break
    for clash in variable_clashes(api, greedy=True):
        if id(clash.route) in refused:
            continue
        template.report(
            codes.TARGET_UNSUPPORTED,
            clash.route,
            "path",
            f"{clash.route.label} has the variable `{clash.text}` where {clash.first.label} has "
            f"`{clash.first_text}`: a REST resource takes one variable path part per level",
            help=f"name the variable `{clash.first_text}` in both routes",
            related=[(clash.first.span_of("path"), f"`{clash.first_text}` is here")],
        )
        refused.add(id(clash.route))
    return refused


def check_hosts(template: Template, api: Api) -> None:
    for domain in api.domains:
        host = domain.host
        labels = host.split(".")
        if labels[0] == "*":
            labels = labels[1:]
        if len(host) > 253 or len(labels) < 2 or not all(HOST_LABEL.fullmatch(label) for label in labels):
            template.report(
                codes.TARGET_UNSUPPORTED,
                domain,
                "host",
                f"domain `{host}` is not a valid host name: labels of letters, digits and inner "
                "hyphens, 1-63 characters each, at least two, 253 characters in all",
            )


def check_api_keys(template: Template, model: GatewayModel) -> None:
    """API key values: long enough, and one consumer per value across the template (keys
    belong to the account, not to an API). HTTP APIs have none (the table refuses them)."""
    seen: dict[tuple[str, str], Consumer] = {}
    consumers = [c for api in model.apis if api.kind is not ApiKind.HTTP for c in api.consumers]
    for consumer in consumers:
        key = consumer.api_key
        if key is None:
            continue
        if isinstance(key, str) and not API_KEY_MIN <= len(key) <= API_KEY_MAX:
            template.report(
                codes.TARGET_UNSUPPORTED,
                consumer,
                "api_key",
                f"the API key of consumer `{consumer.name}` is {len(key)} characters long: API Gateway "
                f"takes {API_KEY_MIN} to {API_KEY_MAX}",
                help='omit `api_key` to let API Gateway generate one, or read it with env("NAME")',
            )
        identity = ("env", key.name) if isinstance(key, EnvRef) else ("literal", key)
        first = seen.setdefault(identity, consumer)
        if first is not consumer:
            what = f'env("{key.name}")' if isinstance(key, EnvRef) else "the same literal value"
            template.report(
                codes.TARGET_UNSUPPORTED,
                consumer,
                "api_key",
                f"consumers `{first.name}` and `{consumer.name}` have one API key ({what}): "
                "API Gateway refuses a second key with a value that exists (409 Conflict)",
                help="give each consumer its own key",
                related=[(first.span_of("api_key") or first.span, f"consumer `{first.name}`'s key")],
            )


def check_map_keys(template: Template, api: Api) -> None:
    """User map keys that CloudFormation would read as a function call: a map `{Ref = …}`
    or `{"Fn::Sub" = …}` in tags, stage or canary variables or template content types. No
    quoting makes such a key a plain one in a template, so it is refused."""
    places: list[tuple[Node, str, Iterable[str]]] = [(api, "tags", api.tags or {})]
    for stage in api.stages:
        places.append((stage, "tags", stage.tags or {}))
        places.append((stage, "variables", stage.variables or {}))
        if stage.canary is not None:
            places.append((stage.canary, "variables", stage.canary.variables or {}))
    for route in api.routes:
        places.extend((t, "content_type", [t.content_type]) for t in route.request_templates)
        places.extend((t, "content_type", [t.content_type]) for r in route.responses for t in r.templates)
    for response in api.gateway_responses:
        places.extend((t, "content_type", [t.content_type]) for t in response.templates)
    for node, field, keys in places:
        for key in keys:
            if is_intrinsic_key(key):
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    node,
                    field,
                    f"`{key}` cannot be a key here: CloudFormation reads a mapping with the key `{key}` "
                    "as a function call, and no quoting makes it plain text",
                    help="rename the key",
                )


STAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")


def check_stage_names(template: Template, api: Api) -> None:
    """ "Stage names can only contain alphanumeric characters, hyphens, and underscores.
    Maximum length is 128 characters" (API Gateway important notes); HTTP APIs also have
    `$default`."""
    for stage in api.stages:
        if STAGE_NAME.fullmatch(stage.name) or (api.kind is ApiKind.HTTP and stage.name == "$default"):
            continue
        template.report(
            codes.TARGET_UNSUPPORTED,
            stage,
            "name",
            f"stage name `{stage.name[:60]}` is not one API Gateway takes: letters, digits, `-` and `_`, "
            "at most 128",
        )


MAPPING_NAME = re.compile(r"[a-zA-Z0-9._$-]+")  # method.request.* names (API Gateway)
LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?"
)
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256


def check_values(template: Template, api: Api) -> None:
    """Names and values AWS or cfn-lint refuse, each at its position: parameter and header
    names, path parts, backend URLs (never with credentials), Lambda ARNs, tags."""
    for route in api.routes:
        for param in (*route.query_params, *route.header_params):
            if not MAPPING_NAME.fullmatch(param.name):
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    param,
                    "name",
                    f"parameter name `{param.name}` of {route.label}: API Gateway names parameters with "
                    "letters, digits and `. _ $ -` only",
                )
        for forward in route.forward:
            if forward.location is not SourceKind.PATH and not MAPPING_NAME.fullmatch(forward.name):
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    forward,
                    None,
                    f"`{forward.name}` of {route.label} is not a name API Gateway maps to: letters, digits "
                    "and `. _ $ -` only",
                )
        if route.methods and any(part in (".", "..") for part in route.path.split("/")):
            template.report(
                codes.TARGET_UNSUPPORTED,
                route,
                "path",
                f"{route.label}: `.` and `..` are not path parts a gateway can route "
                "(clients resolve them away)",
            )
    for backend in api.backends:
        if backend.url is not None:
            problem = url_problem(backend.url)
            if problem:
                template.report(
                    codes.TARGET_UNSUPPORTED, backend, "url", f"backend `{backend.name}`: {problem}"
                )
        if backend.function is not None and "${" not in backend.function:
            check_lambda_arn(template, backend, backend.function)
    for authorizer in api.authorizers:
        if authorizer.function is not None and "${" not in authorizer.function:
            check_lambda_arn(template, authorizer, authorizer.function)
    for node, tags in [(api, api.tags), *((s, s.tags) for s in api.stages)]:
        for key, value in (tags or {}).items():
            if (
                not 1 <= len(key) <= TAG_KEY_MAX
                or not 1 <= len(str(value)) <= TAG_VALUE_MAX
                or (CONTROL.search(key) or CONTROL.search(str(value)))
            ):
                template.report(
                    codes.TARGET_UNSUPPORTED,
                    node,
                    "tags",
                    f"tag `{key[:40]}`: tag keys take 1-{TAG_KEY_MAX} and values 1-{TAG_VALUE_MAX} "
                    "characters, without line breaks or control characters",
                )


def check_lambda_arn(template: Template, node: Node, function: str) -> None:
    if not LAMBDA_ARN.fullmatch(function):
        template.report(
            codes.TARGET_UNSUPPORTED,
            node,
            "function",
            f"`{function[:80]}` is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)",
        )


def check_not_empty(template: Template, model: GatewayModel) -> None:
    """CloudFormation refuses a template without resources."""
    if template.resources or model.span is None:
        return
    template.diagnostics.append(
        codes.TARGET_UNSUPPORTED(
            model.span.source.span(0, 0),
            "nothing to deploy: the input defines no api, and CloudFormation refuses a template "
            "without resources",
        )
    )
