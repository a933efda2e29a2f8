"""Where a Kubernetes gateway finds a domain's certificate, for every target that terminates
TLS inside the cluster (gateway-api's Gateway, k8s for ingress-nginx and Kong).

The model's certificate is an ACM certificate, which only AWS load balancers and API Gateway
can serve: its private key never leaves ACM. A controller in the cluster reads a
`kubernetes.io/tls` Secret instead, so apic names one Secret per host and says (TG002), on
the domain's certificate, which Secret must hold a certificate for it. Not a target: two
targets name the same Secrets for the same domains.
"""

from __future__ import annotations

from apic.compiler import codes
from apic.compiler.model import Api
from apic.targets.base import Reporter
from apic.targets.kubenames import dns_name


def tls_secret(host: str) -> str:
    """The Secret holding `host`'s certificate: `api-example-com-tls`, `wildcard-example-com-tls`."""
    if host.startswith("*."):
        return dns_name("wildcard", host[2:], "tls")
    return dns_name(host, "tls")


def ingress_tls(hosts: tuple[str, ...]) -> list[dict[str, object]]:
    """An Ingress's `spec.tls`: one section per host, each with its own Secret."""
    return [{"hosts": [host], "secretName": tls_secret(host)} for host in hosts]


def say_certificate_secrets(reporter: Reporter, api: Api, reader: str, where: str) -> None:
    """Say on each domain's certificate which Secret `reader` reads in its place."""
    for domain in sorted(api.domains, key=lambda d: d.host):
        reporter.report(
            codes.TARGET_APPROXIMATION,
            domain,
            "certificate",
            f"domain `{domain.host}`: {reader} cannot serve the ACM certificate `{domain.certificate}` "
            f"(its key never leaves ACM); it reads Secret `{tls_secret(domain.host)}` {where}, "
            "which must hold a certificate for the host",
            help="create the Secret (type kubernetes.io/tls), e.g. with cert-manager, before applying",
        )
