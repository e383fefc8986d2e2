"""Bearer-token checks against a fake Keycloak realm served over real HTTP: key rotation,
rate-limited refetches of the realm keys, an unreachable realm and the development key file."""

from __future__ import annotations

import asyncio
import logging
import socket

from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token, sign_token

# The fake Keycloak's fixtures are imported so that pytest finds them in this module (its
# module-scoped server is then shut down after this module's tests); tests request them by
# parameter name, hence F401 on this import and F811 on those parameters.
# ruff: noqa: F811
from tests.integration.fake_keycloak import (  # noqa: F401
    bearer,
    claims,
    client,
    clock,
    keycloak,
    keycloak_url,
    keys,
    open_client,
    realm,
    settings,
)


async def test_key_rotation_is_picked_up_with_one_refetch(client, settings, keys, realm, clock):
    old = sign_token(keys["current"], claims(settings))
    assert (await client.get("/cases", headers=bearer(old))).status_code == 200
    assert realm.requests == 1

    realm.keys = [keys["next"], keys["current"]]
    clock.now += 11
    new = sign_token(keys["next"], claims(settings))
    for _ in range(3):
        assert (await client.get("/cases", headers=bearer(new))).status_code == 200
    assert (await client.get("/cases", headers=bearer(old))).status_code == 200
    assert realm.requests == 2


async def test_concurrent_new_kid_requests_share_one_refetch(client, settings, keys, realm, clock):
    realm.keys = [keys["next"]]
    new = sign_token(keys["next"], claims(settings))
    responses = await asyncio.gather(*(client.get("/cases", headers=bearer(new)) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert realm.requests == 1


async def test_unknown_kid_refetches_are_rate_limited(client, settings, keys, realm, clock):
    good = sign_token(keys["current"], claims(settings))
    bogus = sign_token(keys["foreign"], claims(settings))
    assert (await client.get("/cases", headers=bearer(good))).status_code == 200
    for _ in range(5):
        assert (await client.get("/cases", headers=bearer(bogus))).status_code == 401
    assert realm.requests == 1

    clock.now += 11
    for _ in range(5):
        assert (await client.get("/cases", headers=bearer(bogus))).status_code == 401
    assert realm.requests == 2


async def test_unreachable_keycloak_is_401_and_logged(keys, clock, caplog):
    with socket.socket() as probe:  # a port that was free a moment ago; nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(keycloak_url=f"http://127.0.0.1:{port}", country="MX")
    http, verifier = await open_client(settings, clock)
    token = sign_token(keys["current"], claims(settings))
    with caplog.at_level(logging.WARNING, logger="shared.platform.auth"):
        async with http:
            response = await http.get("/cases", headers=bearer(token))
    await verifier.aclose()
    assert response.status_code == 401
    assert "unavailable" in response.json()["detail"]
    assert "cannot fetch realm keys" in caplog.text


async def test_dev_mode_trusts_the_jwks_file(tmp_path, clock):
    jwks_path = ensure_signing_key(tmp_path, "opi-mx")
    settings = Settings(country="MX", data_dir=tmp_path, auth_jwks_file=jwks_path)
    http, verifier = await open_client(settings, clock)
    async with http:
        officer = mint_token(
            tmp_path, "opi-mx", issuer=settings.issuer, subject="dev-1", roles=["opi-officer"]
        )
        response = await http.get("/cases", headers=bearer(officer))
        assert response.status_code == 200
        assert response.json()["subject"] == "dev-1"
        assert response.json()["issuer"] == "opi-dev/opi-mx"

        supervisor = mint_token(
            tmp_path, "opi-mx", issuer=settings.issuer, subject="dev-2", roles=["supervisor"]
        )
        assert (await http.get("/cases", headers=bearer(supervisor))).status_code == 403

        foreign = mint_token(
            tmp_path / "other", "opi-mx", issuer=settings.issuer, subject="x", roles=["opi-officer"]
        )
        assert (await http.get("/cases", headers=bearer(foreign))).status_code == 401
    await verifier.aclose()
