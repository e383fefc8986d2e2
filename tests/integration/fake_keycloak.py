"""A fake Keycloak realm served over real HTTP, and the fixtures and helpers the bearer-token
tests share. Test modules import the fixtures they use (and those these depend on) by name;
the module-scoped server is then started and shut down once per test module."""

from __future__ import annotations

import json
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
from shared.platform.dev_identity import new_signing_key

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
