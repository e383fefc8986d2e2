"""Shared test infrastructure: real Apache Kafka (KRaft), real SQLite and PostgreSQL
databases, real HTTP servers on free ports, and development tokens. The embedded Tansu
broker of `make run` is proven by the `opi dev` smoke tests in tests/e2e."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token
from shared.platform.dev_postgres import postgres_database
from shared.platform.embedded_broker import free_port
from tests.apache_kafka import ApacheKafka


@pytest.fixture(scope="session")
def kafka() -> Iterator[ApacheKafka]:
    with ApacheKafka() as broker:
        yield broker


@pytest.fixture
def own_kafka() -> Iterator[ApacheKafka]:
    """A broker of the test's own, for tests that stop, restart or freeze it."""
    with ApacheKafka() as broker:
        yield broker


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each database-dependent test runs on SQLite and on the real PostgreSQL."""
    return request.param


@pytest.fixture
async def new_database(backend: str, tmp_path: Path) -> AsyncIterator[Callable[[], Any]]:
    """Makes as many databases of the test's backend as it needs (one per service)."""
    async with contextlib.AsyncExitStack() as stack:
        count = 0

        async def _new() -> str:
            nonlocal count
            count += 1
            if backend == "sqlite":
                return f"sqlite+aiosqlite:///{tmp_path / f'service-{count}.db'}"
            return await stack.enter_async_context(postgres_database())

        yield _new


@pytest.fixture
async def database_url(new_database: Callable[[], Any]) -> str:
    return await new_database()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def _make(**overrides: Any) -> Settings:
        data_dir = overrides.pop("data_dir", tmp_path / "opi")
        realm = Settings(
            country=overrides.get("country", "MX"),
            reporting_regional=overrides.get("reporting_regional", False),
        ).realm
        defaults: dict[str, Any] = {
            "country": "MX",
            "data_dir": data_dir,
            "auth_jwks_file": ensure_signing_key(data_dir, realm),
            "outbox_poll_interval_seconds": 0.1,
            "consumer_retry_backoff_seconds": 0.01,
            "kafka_session_timeout_ms": 2000,
            "kafka_heartbeat_interval_ms": 500,
            "kafka_rebalance_timeout_ms": 5000,
            "kafka_fetch_max_wait_ms": 10,
        }
        return Settings(**{**defaults, **overrides})

    return _make


@pytest.fixture
def token_for() -> Callable[..., str]:
    def _token(settings: Settings, *roles: str, subject: str = "officer-1") -> str:
        return mint_token(
            settings.data_dir,
            settings.realm,
            issuer=settings.issuer,
            subject=subject,
            roles=roles,
            username=subject,
        )

    return _token


class RunningService:
    """A service's app served by a real uvicorn on a free port, in the test's event loop."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RunningService:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30)
