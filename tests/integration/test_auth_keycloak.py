"""Bearer-token checks against a fake Keycloak realm served over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from jwcrypto import jwk

from shared.platform.auth import Principal, TokenVerifier, require_roles
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token, new_signing_key, sign_token

CERTS_PATH = "/realms/opi-mx/protocol/openid-connect/certs"


class FakeRealm:
    """What the fake Keycloak publishes, and how often it was asked."""

    def __init__(self) -> None:
        self.keys: list[jwk.JWK] = []
        self.extra: list[dict[str, Any]] = []
        self.requests = 0

    def document(self) -> dict[str, Any]:
        return {"keys": [k.export_public(as_dict=True) for k in self.keys] + self.extra}


class _CertsHandler(BaseHTTPRequestHandler):
    server: _FakeKeycloak

    def do_GET(self) -> None:
        if self.path != CERTS_PATH:
            self.send_error(404)
            return
        self.server.realm.requests += 1
        body = json.dumps(self.server.realm.document()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _FakeKeycloak(ThreadingHTTPServer):
    daemon_threads = True
    realm: FakeRealm


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def keys() -> dict[str, jwk.JWK]:
    return {"current": new_signing_key(), "next": new_signing_key(), "foreign": new_signing_key()}


@pytest.fixture(scope="module")
def keycloak() -> Iterator[_FakeKeycloak]:
    server = _FakeKeycloak(("127.0.0.1", 0), _CertsHandler)  # port 0: the OS picks a free one
    server.realm = FakeRealm()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def realm(keycloak: _FakeKeycloak, keys: dict[str, jwk.JWK]) -> FakeRealm:
    keycloak.realm = FakeRealm()
    keycloak.realm.keys = [keys["current"]]
    return keycloak.realm


@pytest.fixture
def keycloak_url(keycloak: _FakeKeycloak) -> str:
    host, port = keycloak.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_app(verifier: TokenVerifier) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = verifier

    @app.get("/cases")
    async def cases(
        principal: Annotated[Principal, Depends(require_roles("opi-officer"))],
    ) -> dict[str, Any]:
        return {
            "subject": principal.subject,
            "username": principal.username,
            "roles": sorted(principal.roles),
            "issuer": principal.issuer,
        }

    return app


async def open_client(
    settings: Settings, clock: FakeClock
) -> tuple[httpx.AsyncClient, TokenVerifier]:
    verifier = TokenVerifier(settings, clock=clock)
    transport = httpx.ASGITransport(app=make_app(verifier))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver"), verifier


@pytest.fixture
async def settings(keycloak_url: str, realm: FakeRealm) -> Settings:
    return Settings(keycloak_url=keycloak_url, country="MX")


@pytest.fixture
async def client(settings: Settings, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    http, verifier = await open_client(settings, clock)
    async with http:
        yield http
    await verifier.aclose()


def claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": settings.issuer,
        "sub": "0b6f4a52-officer",
        "iat": now,
        "exp": now + 300,
        "jti": "j-1",
        "typ": "Bearer",
        "azp": "opi-platform",
        "preferred_username": "officer.ana",
        "realm_access": {"roles": ["opi-officer", "offline_access"]},
    }
    base.update(overrides)
    return base


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


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


async def test_openapi_documents_the_bearer_scheme(keycloak_url, realm, clock):
    verifier = TokenVerifier(Settings(keycloak_url=keycloak_url, country="MX"), clock=clock)
    schema = make_app(verifier).openapi()
    await verifier.aclose()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/cases"]["get"]["security"] == [{"HTTPBearer": []}]
