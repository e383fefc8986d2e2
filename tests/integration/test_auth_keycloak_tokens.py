"""Bearer-token checks against a fake Keycloak realm served over real HTTP: which tokens are
refused, with which status, and what a valid one yields."""

from __future__ import annotations

import time

import pytest
from jwcrypto import jwk

from shared.platform.auth import TokenVerifier
from shared.platform.config import Settings
from shared.platform.dev_identity import sign_token

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
    make_app,
    open_client,
    realm,
    settings,
)


async def test_missing_token_is_401(client):
    response = await client.get("/cases")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["detail"] == "missing bearer token"


async def test_other_scheme_is_401(client):
    response = await client.get("/cases", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert response.status_code == 401


@pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
async def test_garbage_token_is_401_and_not_echoed(client, garbage):
    response = await client.get("/cases", headers=bearer(garbage))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert garbage not in response.text


async def test_token_signed_by_another_key_is_401(client, settings, keys, realm):
    impostor = jwk.JWK(**keys["foreign"].export(as_dict=True) | {"kid": keys["current"]["kid"]})
    response = await client.get("/cases", headers=bearer(sign_token(impostor, claims(settings))))
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]
    assert realm.requests == 1  # a known kid with a bad signature is no reason to refetch

    unknown_kid = sign_token(keys["foreign"], claims(settings))
    response = await client.get("/cases", headers=bearer(unknown_kid))
    assert response.status_code == 401
    assert "unknown key" in response.json()["detail"]


async def test_expired_token_is_401(client, settings, keys):
    now = int(time.time())
    token = sign_token(keys["current"], claims(settings, iat=now - 7200, exp=now - 3600))
    response = await client.get("/cases", headers=bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_token_without_expiry_is_401(client, settings, keys):
    token_claims = claims(settings)
    del token_claims["exp"]
    response = await client.get("/cases", headers=bearer(sign_token(keys["current"], token_claims)))
    assert response.status_code == 401


async def test_wrong_issuer_is_401(client, settings, keys):
    token = sign_token(keys["current"], claims(settings, iss="https://evil.example/realms/opi-mx"))
    response = await client.get("/cases", headers=bearer(token))
    assert response.status_code == 401
    assert "issued" in response.json()["detail"]


async def test_id_token_is_not_an_access_token(client, settings, keys):
    token = sign_token(keys["current"], claims(settings, typ="ID"))
    response = await client.get("/cases", headers=bearer(token))
    assert response.status_code == 401


async def test_missing_role_is_403(client, settings, keys):
    token = sign_token(keys["current"], claims(settings, realm_access={"roles": ["supervisor"]}))
    response = await client.get("/cases", headers=bearer(token))
    assert response.status_code == 403
    assert "opi-officer" in response.json()["detail"]


async def test_valid_token_is_200_with_principal(client, settings, keys, realm):
    token = sign_token(keys["current"], claims(settings))
    for _ in range(3):
        response = await client.get("/cases", headers=bearer(token))
        assert response.status_code == 200
    assert response.json() == {
        "subject": "0b6f4a52-officer",
        "username": "officer.ana",
        "roles": ["offline_access", "opi-officer"],
        "issuer": f"{settings.keycloak_url}/realms/opi-mx",
    }
    assert realm.requests == 1  # keys are cached


async def test_encryption_keys_are_not_trusted_for_signatures(client, settings, keys, realm):
    enc = keys["foreign"].export_public(as_dict=True) | {"kid": "enc-1", "use": "enc"}
    realm.extra = [enc | {"alg": "RSA-OAEP"}]
    impostor = jwk.JWK(**keys["foreign"].export(as_dict=True) | {"kid": "enc-1"})
    response = await client.get("/cases", headers=bearer(sign_token(impostor, claims(settings))))
    assert response.status_code == 401


async def test_audience_is_checked_when_configured(keycloak_url, realm, keys, clock):
    settings = Settings(keycloak_url=keycloak_url, country="MX", auth_audience="opi-intake")
    http, verifier = await open_client(settings, clock)
    async with http:
        for aud, expected in [
            (None, 401),
            ("account", 401),
            ("opi-intake", 200),
            (["account", "opi-intake"], 200),
        ]:
            token_claims = claims(settings) if aud is None else claims(settings, aud=aud)
            token = sign_token(keys["current"], token_claims)
            response = await http.get("/cases", headers=bearer(token))
            assert response.status_code == expected, aud
    await verifier.aclose()


async def test_openapi_documents_the_bearer_scheme(keycloak_url, realm, clock):
    verifier = TokenVerifier(Settings(keycloak_url=keycloak_url, country="MX"), clock=clock)
    schema = make_app(verifier).openapi()
    await verifier.aclose()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/cases"]["get"]["security"] == [{"HTTPBearer": []}]
