"""Sending the probe's requests: to the base URL's host and port only, never following a
redirect, within a request budget and a timeout per request; each answer that breaks its
check is a diagnostic on the construct the check is about."""

from __future__ import annotations

import http.client
import ssl
import urllib.parse
from dataclasses import dataclass

from apic.compiler import codes
from apic.compiler.diagnostics import Diagnostic
from apic.compiler.source import Span
from apic.probe.checks import Check


class ProbeUsageError(ValueError):
    """A base URL the probe cannot send to."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    prefix: str  # the base URL's path (an API Gateway stage: `/prod`), "" for none

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProbeUsageError(f"`{url}` is not an http(s) URL")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ProbeUsageError(f"`{url}` must be a base URL: no credentials, query or fragment")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ProbeUsageError(f"`{url}` has no valid port") from None
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))


def send(target: Target, check: Check, timeout: float, insecure: bool) -> int:
    """One request; its status. OSError when the gateway does not answer."""
    if target.scheme == "https":
        context = ssl.create_default_context()
        if insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    try:
        path = urllib.parse.quote(target.prefix + check.path, safe="/%:@!$&'()*+,;=-._~")
        connection.putrequest(check.method, path, skip_host=True, skip_accept_encoding=True)
        host = check.host or (target.host if target.port in (80, 443) else f"{target.host}:{target.port}")
        connection.putheader("Host", host)
        connection.putheader("User-Agent", "apic-probe")
        for name, value in check.headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


def run_checks(
    target: Target, checks: list[Check], budget: int, timeout: float, insecure: bool, where: Span
) -> tuple[list[Diagnostic], int]:
    """Send `checks` in order until the budget is spent; (diagnostics, requests sent)."""
    found: list[Diagnostic] = []
    sent = 0
    for index, check in enumerate(checks):
        if sent + check.repeat > budget:
            found.append(
                codes.PROBE_BUDGET(
                    where,
                    f"the budget of {budget} requests is spent: {len(checks) - index} of "
                    f"{len(checks)} checks were not sent",
                    help="raise --max-requests, or lower --per-route",
                )
            )
            break
        statuses = []
        try:
            for _ in range(check.repeat):
                statuses.append(send(target, check, timeout, insecure))
                sent += 1
        except (OSError, http.client.HTTPException) as error:
            found.append(
                codes.PROBE_UNREACHABLE(
                    where,
                    f"{target.scheme}://{target.host}:{target.port} did not answer "
                    f"{check.method} {target.prefix + check.path}: {error}",
                    help="is the gateway running, and is the base URL right?",
                )
            )
            break
        if not any(check.expect.holds(status) for status in statuses):
            span = check.node.span
            if span is None:
                continue
            shown = statuses[0] if len(statuses) == 1 else ", ".join(str(s) for s in statuses)
            found.append(
                codes.PROBE_MISMATCH(
                    span,
                    f"{check.what}: {check.method} {check.host or target.host}{target.prefix + check.path} "
                    f"answered {shown}; the model says {check.expect.text}",
                )
            )
    return found, sent
