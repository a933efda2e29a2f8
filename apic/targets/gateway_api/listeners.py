"""The Gateway the HTTPRoutes attach to, when asked for (`--option gateway-class=NAME`).

One HTTPS listener per domain (port 443, the domain's host, TLS terminated with the Secret
`kubetls` names), and one HTTP listener on port 80 without a hostname only when an API has
no domain (it is then served on any host, as its `execute-api` endpoint would be). Each
HTTPRoute names the listeners of its hosts in `parentRefs[].sectionName`, so a route on a
domain is never reachable through the plain HTTP listener. Each listener admits routes
from the namespaces apic puts routes in for it, by the namespace's name label, rather than
from every namespace.

Gateway v1 limits (gateway.networking.k8s.io/v1, GatewaySpec): at most 64 listeners; a
listener's name is a DNS-1123 subdomain of at most 253 characters, unique in the Gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apic.compiler import codes
from apic.compiler.model import Api, Domain
from apic.targets.base import Reporter
from apic.targets.kubenames import dns_name, hashed_name
from apic.targets.kubetls import tls_secret

Json = object
API_VERSION = "gateway.networking.k8s.io/v1"
MAX_LISTENERS = 64
ANY_HOST = ""
HTTP_LISTENER = "http"
NAMESPACE_LABEL = "kubernetes.io/metadata.name"


def listener_name(host: str) -> str:
    """`https-api-example-com`; a hashed name where the readable one would be cut short."""
    if host == ANY_HOST:
        return HTTP_LISTENER
    readable = dns_name("https", "wildcard" if host.startswith("*.") else "", host.removeprefix("*."))
    return readable if len(readable) < 63 else hashed_name(readable, host)


@dataclass
class Listeners:
    """The hosts routes are placed on, the namespaces of the routes on each, and the domains
    (for findings on their spans)."""

    namespaces: dict[str, set[str]] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)

    def attach(self, api: Api, hosts: tuple[str, ...], namespace: str) -> list[str]:
        """Record routes of `api` on `hosts` in `namespace`; the listeners they attach to."""
        for domain in api.domains:
            self.domains.setdefault(domain.host, domain)
        keys = hosts or (ANY_HOST,)
        for host in keys:
            self.namespaces.setdefault(host, set()).add(namespace)
        return [listener_name(h) for h in keys]

    def gateway(
        self, reporter: Reporter, name: str, namespace: str, gateway_class: str
    ) -> dict[str, Json] | None:
        """The Gateway object, or None after a finding on the domain past the listener limit."""
        hosts = sorted(self.namespaces)
        if len(hosts) > MAX_LISTENERS:
            extra = hosts[MAX_LISTENERS]  # a domain: the any-host listener's key sorts first
            reporter.report(
                codes.TARGET_UNSUPPORTED,
                self.domains[extra],
                None,
                f"domain `{extra}`: a Gateway has at most {MAX_LISTENERS} listeners, and these APIs "
                f"need {len(hosts)} (one per domain, and one for APIs without a domain)",
                help="split the APIs across files, one Gateway each",
            )
            return None
        listeners = [self.listener(host) for host in hosts]
        return {
            "apiVersion": API_VERSION,
            "kind": "Gateway",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": {"app.kubernetes.io/managed-by": "apic"},
            },
            "spec": {"gatewayClassName": gateway_class, "listeners": listeners},
        }

    def listener(self, host: str) -> dict[str, Json]:
        admitted = {
            "namespaces": {
                "from": "Selector",
                "selector": {
                    "matchExpressions": [
                        {
                            "key": NAMESPACE_LABEL,
                            "operator": "In",
                            "values": sorted(self.namespaces[host]),
                        }
                    ]
                },
            },
            "kinds": [{"kind": "HTTPRoute"}],
        }
        if host == ANY_HOST:
            return {"name": HTTP_LISTENER, "port": 80, "protocol": "HTTP", "allowedRoutes": admitted}
        return {
            "name": listener_name(host),
            "hostname": host,
            "port": 443,
            "protocol": "HTTPS",
            "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": tls_secret(host)}]},
            "allowedRoutes": admitted,
        }
