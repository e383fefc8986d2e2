"""Where a webhook may point: ``https`` to a public host, and nowhere else.

A recipient's webhook is a URL a supervisor types in; the service then POSTs children's
details to it. Left unchecked it could reach the service's own network: a loopback or
private address, a link-local one, or a cloud's metadata endpoint. So the host is checked
after name resolution, and every address it resolves to must be public, both when the
entry is saved and at every send (a name can be re-pointed in between).

A development instance (``opi dev``, the tests, the fault harness: the ones that trust the
development identity, ``OPI_AUTH_JWKS_FILE``) is exempt: its receivers run on this machine.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from shared.platform.config import Settings

IPAddress = IPv4Address | IPv6Address
# host, port -> every address the host resolves to (textual, as getaddrinfo gives them)
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# the instance metadata services of the clouds: never a recipient
METADATA_ADDRESSES = frozenset(
    ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, Azure, Google Cloud, Oracle, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.170.23",  # AWS EKS pod identity
        "fd00:ec2::254",  # AWS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
    )
)
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
# names that are local by definition (RFC 6761, RFC 6762, RFC 8375, ICANN's .internal)
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")
UNIQUE_LOCAL = IPv6Network("fc00::/7")
# not public, though this Python's ipaddress may not say so
NOT_PUBLIC = (
    IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    IPv6Network("64:ff9b:1::/48"),  # local-use NAT64
)
NAT64 = IPv6Network("64:ff9b::/96")


def ip_refusal(ip: IPAddress) -> str | None:
    """What makes ``ip`` unfit for a webhook, or None if it is a public unicast address."""
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    embedded = _embedded_ipv4(ip)
    if embedded is not None:  # reached through its IPv4 address: that one decides
        why = ip_refusal(embedded)
        return f"an IPv6 form of {embedded}, {why}" if why else None
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, IPv6Address) and ip in UNIQUE_LOCAL, "a unique-local address"),
        (isinstance(ip, IPv6Address) and ip.is_site_local, "a site-local address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (any(ip in network for network in NOT_PUBLIC), "a special-purpose address"),
        (not ip.is_global, "not a public address"),
    )
    for failed, why in checks:
        if failed:
            return why
    return None


def _embedded_ipv4(ip: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (IPv4-mapped, 6to4, NAT64), if any."""
    if not isinstance(ip, IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, as the HTTP client would connect."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def refusal(address: str, resolver: Resolver = system_resolver) -> str | None:
    """Why a webhook may not be sent to ``address``; None when it may (production rules)."""
    url = urlsplit(address.strip())
    if url.scheme != "https":
        return "a webhook must be an https:// URL"
    if url.username is not None or url.password is not None:
        return "no credentials in the address: the recipient's secret signs every message"
    try:
        port = url.port or 443
    except ValueError:
        return "the address has an invalid port"
    host = (url.hostname or "").rstrip(".")
    if not host:
        return "a webhook address must name a host"
    try:
        literal: IPAddress | None = ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        why = ip_refusal(literal)
        return f"{host} is {why}" if why else None
    if host in METADATA_HOSTS:
        return f"{host} is a cloud metadata host"
    if host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return f"{host} is a local name"
    try:
        resolved = await resolver(host, port)
    except (OSError, UnicodeError) as error:
        return f"{host} could not be resolved ({error})"
    if not resolved:
        return f"{host} resolves to no address"
    for text in resolved:
        try:
            ip = ip_address(text)
        except ValueError:
            return f"{host} resolves to {text!r}, not an IP address"
        why = ip_refusal(ip)
        if why:
            return f"{host} resolves to {ip}, {why}"
    return None


@dataclass(frozen=True)
class WebhookAddresses:
    """The rule as one instance applies it: production rules, unless in development."""

    development: bool
    resolver: Resolver = system_resolver

    async def refusal(self, address: str) -> str | None:
        if self.development:
            return None
        return await refusal(address, self.resolver)


def development_instance(settings: Settings) -> bool:
    """An instance trusting the development identity instead of Keycloak is a development
    one: `opi dev`, the tests and the fault harness set it; no deployment does (the
    compose and Kubernetes tests check that)."""
    return settings.auth_jwks_file is not None
