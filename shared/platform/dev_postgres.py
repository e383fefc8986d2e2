"""Throwaway PostgreSQL databases for tests and benchmarks, on a server reached with an
admin DSN (development and CI machines: ``postgresql://postgres@127.0.0.1:5432/postgres``)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.engine import make_url

LOCAL_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextlib.asynccontextmanager
async def postgres_database(
    admin_dsn: str = LOCAL_ADMIN_DSN, prefix: str = "opi_test"
) -> AsyncIterator[str]:
    """A database of its own, dropped afterwards; yields its SQLAlchemy asyncpg URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _admin(admin_dsn, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_dsn).set(drivername="postgresql+asyncpg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        await _admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(admin_dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
