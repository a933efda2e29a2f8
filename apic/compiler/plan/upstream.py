"""Where a route's requests go, for every target: the upstream path and the timeout."""

from __future__ import annotations

from apic.compiler.model import Api, Duration, Route


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
