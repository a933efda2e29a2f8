"""Where a route's requests go, for every target: the backend's origin (or Kubernetes
service), the upstream path and its template, the effective timeout and health check."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from apic.compiler.model import Api, Backend, Duration, HealthCheck, K8sService, Route

# characters no gateway configuration takes inside a value (URLs, tags, names)
CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Origin:
    """A backend URL split the way proxies take it: `https://b.example.com:8443/v1` is
    scheme https, host b.example.com, port 8443, path `/v1` (`` when the URL has none)."""

    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Upstream:
    """Everything a target needs to send a route's requests on."""

    backend: Backend | None
    origin: Origin | None  # None without a usable http(s) URL (`url_problem` says why)
    service: K8sService | None
    path_template: str
    timeout: Duration | None
    health_check: HealthCheck | None


def url_problem(url: str) -> str | None:
    """Why a backend URL cannot go into any gateway's configuration, or None. Credentials
    in a URL would be written in clear into the output (and every log that prints it):
    refused."""
    if CONTROL.search(url) or any(c.isspace() for c in url):
        return f"the URL `{url[:60]}` holds white space or control characters"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return f"`{url[:60]}` is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"`{url[:60]}` is not an absolute http(s) URL"
    if parts.username is not None or parts.password is not None:
        return (
            "the URL holds credentials (`user:password@`); they would be written in clear into the template"
        )
    return None


def origin(url: str | None) -> Origin | None:
    if url is None or url_problem(url) is not None:
        return None
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname is not None  # url_problem refused a URL without one
    return Origin(
        parts.scheme,
        parts.hostname,
        parts.port or DEFAULT_PORTS[parts.scheme],
        parts.path.rstrip("/"),
    )


def upstream(api: Api, route: Route) -> Upstream:
    backend = api.backend(route.backend)
    return Upstream(
        backend=backend,
        origin=origin(backend.url) if backend is not None else None,
        service=backend.k8s if backend is not None else None,
        path_template=upstream_template(route),
        timeout=effective_timeout(api, route),
        health_check=backend.health_check if backend is not None else None,
    )


def upstream_path(route: Route) -> str:
    """The path the backend serves: `upstream_path` when the source sets one, else the
    route's own path (`/book/{bookId}`)."""
    return route.upstream_path if route.upstream_path is not None else route.path


def upstream_template(route: Route) -> str:
    """The upstream path as a URI template: a greedy `{proxy+}` is `{proxy}` on the way out
    (API Gateway's spelling, and every template syntax's)."""
    return upstream_path(route).replace("+}", "}")


def effective_timeout(api: Api, route: Route) -> Duration | None:
    """The route's own timeout, else its backend's, else none (the platform's default)."""
    backend = api.backend(route.backend)
    return route.timeout or (backend.timeout if backend is not None else None)
