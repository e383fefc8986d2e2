"""Database outages for tests: a PostgreSQL database that refuses connections, a SQLite file
locked by another writer, and a way to wait for what comes after."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from shared.platform.dev_postgres import LOCAL_ADMIN_DSN


@contextlib.asynccontextmanager
async def postgres_closed(url: str, admin_dsn: str = LOCAL_ADMIN_DSN) -> AsyncIterator[None]:
    """The database refuses new connections and its open ones are cut, as in a failover."""
    name = make_url(url).database
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


@contextlib.asynccontextmanager
async def sqlite_locked(url: str) -> AsyncIterator[None]:
    """Another writer's long transaction: every other writer gets 'database is locked'."""
    holder = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def eventually(
    check: Callable[[], Any],
    within: float,
    what: str,
    *,
    until: Callable[[Any], bool] = bool,
) -> Any:
    """The first result of ``check`` (sync or async) that satisfies ``until``."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if until(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what} (last: {result!r})")
        await asyncio.sleep(0.1)
