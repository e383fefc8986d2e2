"""The development identity: a local signing key and Keycloak-shaped tokens."""

from __future__ import annotations

import json
import stat
import time

import pytest

from shared.platform.auth import InvalidToken, TokenVerifier
from shared.platform.config import Settings
from shared.platform.dev_identity import (
    ensure_signing_key,
    mint_token,
    new_signing_key,
    sign_token,
)

REALM = "opi-mx"


def test_key_is_created_once_and_reused(tmp_path):
    jwks_path = ensure_signing_key(tmp_path, REALM)
    key_path = tmp_path / "identity" / REALM / "signing-key.json"
    assert jwks_path == tmp_path / "identity" / REALM / "jwks.json"
    first_key = key_path.read_text()
    first_jwks = jwks_path.read_text()

    assert ensure_signing_key(tmp_path, REALM) == jwks_path
    assert key_path.read_text() == first_key
    assert jwks_path.read_text() == first_jwks
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["jwks.json", "signing-key.json"]


def test_private_key_is_owner_only_and_jwks_is_public(tmp_path):
    jwks_path = ensure_signing_key(tmp_path, REALM)
    key_path = jwks_path.with_name("signing-key.json")
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600

    private = json.loads(key_path.read_text())
    (public,) = json.loads(jwks_path.read_text())["keys"]
    assert private["kty"] == "RSA" and "d" in private
    assert public["kid"] == private["kid"]
    assert public["use"] == "sig" and public["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & public.keys()


def test_realm_must_be_a_plain_name(tmp_path):
    with pytest.raises(ValueError):
        ensure_signing_key(tmp_path, "../elsewhere")


async def test_minted_token_verifies_in_dev_mode(tmp_path):
    settings = Settings(
        country="MX", data_dir=tmp_path, auth_jwks_file=ensure_signing_key(tmp_path, REALM)
    )
    token = mint_token(
        tmp_path,
        REALM,
        issuer=settings.issuer,
        subject="user-1",
        roles=["opi-officer", "supervisor"],
        username="ana",
        audience="opi-intake",
    )
    verifier = TokenVerifier(settings)
    try:
        principal = await verifier.verify(token)
    finally:
        await verifier.aclose()
    assert principal.subject == "user-1"
    assert principal.username == "ana"
    assert principal.roles == frozenset({"opi-officer", "supervisor"})
    assert principal.issuer == settings.issuer == "opi-dev/opi-mx"


async def test_token_from_another_key_is_rejected_in_dev_mode(tmp_path):
    settings = Settings(country="MX", auth_jwks_file=ensure_signing_key(tmp_path, REALM))
    now = int(time.time())
    forged = sign_token(
        new_signing_key(),
        {"iss": settings.issuer, "sub": "x", "typ": "Bearer", "iat": now, "exp": now + 60},
    )
    verifier = TokenVerifier(settings)
    try:
        with pytest.raises(InvalidToken):
            await verifier.verify(forged)
    finally:
        await verifier.aclose()
