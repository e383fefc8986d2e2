"""Where a webhook may point (issue 11, recipients): https to a public host only, every
address the name resolves to checked, both when an entry is saved and at every send; a
development instance is exempt. Literal and numeric hosts go through the real getaddrinfo;
names through a fake resolver, so nothing here needs DNS."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from services.notification.channels import Channels, DeliveryError, Destination
from services.notification.webhook_addresses import (
    WebhookAddresses,
    development_instance,
    refusal,
    system_resolver,
)
from shared.platform.config import Settings

PUBLIC = "93.184.215.14"


class FakeDns:
    """A resolver answering from a table, counting the names it was asked."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append((host, port))
        if host not in self.table:
            raise OSError(-2, "Name or service not known")
        return self.table[host]


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://127.1/hooks", "loopback"),  # inet_aton's short form
        ("https://2130706433/hooks", "loopback"),  # 127.0.0.1 as one number
        ("https://0x7f.0.0.1/hooks", "loopback"),
        ("https://[::1]/hooks", "loopback"),
        ("https://[::ffff:127.0.0.1]/hooks", "loopback"),  # IPv4-mapped
        ("https://[2002:7f00:1::]/hooks", "loopback"),  # 6to4 of 127.0.0.1
        ("https://10.0.0.7/hooks", "private"),
        ("https://10.1/hooks", "private"),
        ("https://172.16.5.4/hooks", "private"),
        ("https://192.168.1.10:8443/hooks", "private"),
        ("https://[64:ff9b::a00:7]/hooks", "private"),  # NAT64 of 10.0.0.7
        ("https://169.254.10.1/hooks", "link-local"),
        ("https://[fe80::1]/hooks", "link-local"),
        ("https://[fc00::1]/hooks", "unique-local"),
        ("https://[fd12:3456::1]/hooks", "unique-local"),
        ("https://224.0.0.251/hooks", "multicast"),
        ("https://[ff02::1]/hooks", "multicast"),
        ("https://240.0.0.1/hooks", "reserved"),
        ("https://255.255.255.255/hooks", "reserved"),
        ("https://0.0.0.0/hooks", "unspecified"),
        ("https://0/hooks", "unspecified"),
        ("https://[::]/hooks", "unspecified"),
        ("https://100.64.0.1/hooks", "not a public address"),  # carrier-grade NAT
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "metadata"),
        ("https://[::ffff:169.254.169.254]/", "metadata"),
        ("https://100.100.100.200/latest/meta-data/", "metadata"),
    ],
)
async def test_a_webhook_to_a_non_public_address_is_refused(address: str, why: str) -> None:
    found = await refusal(address, system_resolver)  # the real getaddrinfo: no DNS needed
    assert found is not None and why in found, found


@pytest.mark.parametrize(
    "address",
    [
        f"https://{PUBLIC}/hooks",
        f"https://{PUBLIC}:8443/hooks?x=1",
        "https://[2606:4700:4700::1111]/hooks",
        "https://[::ffff:93.184.215.14]/hooks",  # the IPv4-mapped form of a public address
    ],
)
async def test_a_webhook_to_a_public_address_is_allowed(address: str) -> None:
    assert await refusal(address, system_resolver) is None


@pytest.mark.parametrize(
    ("address", "why"),
    [
        (f"http://{PUBLIC}/hooks", "https://"),
        ("http://127.0.0.1:8099/hooks", "https://"),
        (f"https://user:password@{PUBLIC}/hooks", "credentials"),
        (f"https://{PUBLIC}:99999/hooks", "port"),
        ("https:///hooks", "host"),
    ],
)
async def test_only_https_without_credentials(address: str, why: str) -> None:
    dns = FakeDns({})
    found = await refusal(address, dns)
    assert found is not None and why in found, found
    assert dns.asked == []


@pytest.mark.parametrize(
    "host",
    [
        "metadata.google.internal",
        "metadata.google.internal.",
        "metadata",
        "instance-data.ec2.internal",
        "localhost",
        "api.localhost",
        "printer.local",
        "consulado.internal",
    ],
)
async def test_metadata_and_local_names_are_refused_without_asking_dns(host: str) -> None:
    dns = FakeDns({host.rstrip("."): [PUBLIC]})
    found = await refusal(f"https://{host}/hooks", dns)
    assert found is not None and ("metadata" in found or "local name" in found), found
    assert dns.asked == []


async def test_every_resolved_address_must_be_public() -> None:
    dns = FakeDns(
        {
            "consulado.example.org": [PUBLIC, "2606:4700:4700::1111"],
            "mixed.example.org": [PUBLIC, "10.0.0.7"],
            "rebound.example.org": ["169.254.169.254"],
            "v6.example.org": ["fd00::5"],
        }
    )
    assert await refusal("https://consulado.example.org:8443/hooks", dns) is None
    assert dns.asked == [("consulado.example.org", 8443)]
    mixed = await refusal("https://mixed.example.org/hooks", dns)
    assert mixed == "mixed.example.org resolves to 10.0.0.7, a private address"
    rebound = await refusal("https://rebound.example.org/hooks", dns)
    assert rebound is not None and "cloud metadata" in rebound
    v6 = await refusal("https://v6.example.org/hooks", dns)
    assert v6 is not None and "unique-local" in v6
    assert dns.asked[-1] == ("v6.example.org", 443)


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    dns = FakeDns({"empty.example.org": []})
    unknown = await refusal("https://nowhere.example.org/hooks", dns)
    assert unknown is not None and "could not be resolved" in unknown
    empty = await refusal("https://empty.example.org/hooks", dns)
    assert empty == "empty.example.org resolves to no address"


async def test_the_system_resolver_uses_getaddrinfo() -> None:
    assert await system_resolver("127.0.0.1", 443) == ["127.0.0.1"]
    assert set(await system_resolver("2130706433", 443)) == {"127.0.0.1"}


async def test_development_allows_loopback_and_production_does_not() -> None:
    local = "http://127.0.0.1:8099/hooks/consulate-gt"
    dns = FakeDns({})
    assert await WebhookAddresses(development=True, resolver=dns).refusal(local) is None
    assert await WebhookAddresses(development=False, resolver=dns).refusal(local) is not None


def test_a_development_instance_is_one_trusting_the_development_identity(
    tmp_path: Path,
) -> None:
    assert development_instance(Settings(auth_jwks_file=tmp_path / "jwks.json"))
    assert not development_instance(Settings(keycloak_url="https://sso.example.org"))


# at every send: the channel asks again before any request leaves


def _channels(http: httpx.AsyncClient, addresses: WebhookAddresses) -> Channels:
    return Channels(
        http=http,
        smtp_host="127.0.0.1",
        smtp_port=1,
        sender="opi@localhost",
        smtp_timeout=1,
        addresses=addresses,
    )


async def test_a_name_resolving_to_a_private_address_is_not_sent_to() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(202)

    dns = FakeDns({"consulado.example.org": [PUBLIC]})
    destination = Destination(
        "webhook", "https://consulado.example.org/hooks", "s" * 16, "Consulado"
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        channels = _channels(http, WebhookAddresses(development=False, resolver=dns))
        assert await channels.deliver(destination, "n-1", {"type": "t"}) == "HTTP 202"
        assert len(sent) == 1
        dns.table["consulado.example.org"] = ["10.20.30.40"]  # re-pointed since it was saved
        with pytest.raises(DeliveryError) as refused:
            await channels.deliver(destination, "n-2", {"type": "t"})
    assert len(sent) == 1, "nothing may be sent to a private address"
    assert not refused.value.reached
    assert str(refused.value) == (
        "webhook address refused, nothing sent: "
        "consulado.example.org resolves to 10.20.30.40, a private address"
    )
    assert dns.asked == [("consulado.example.org", 443)] * 2


async def test_in_development_the_channel_sends_to_loopback() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(202)

    destination = Destination("webhook", "http://127.0.0.1:9/hooks", "s" * 16, "Consulado")
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        development = _channels(http, WebhookAddresses(development=True))
        assert await development.deliver(destination, "n-1", {"type": "t"}) == "HTTP 202"
        production = _channels(http, WebhookAddresses(development=False))
        with pytest.raises(DeliveryError, match="https://"):
            await production.deliver(destination, "n-2", {"type": "t"})
    assert len(sent) == 1
