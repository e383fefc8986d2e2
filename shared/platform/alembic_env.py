"""The body of every service's Alembic ``env.py``: migrate on the connection the service
hands over, or, from the ``alembic`` command line, on the service's configured database."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, MetaData

from shared.platform.config import Settings
from shared.platform.db import create_engine


def run_migrations(service: str, metadata: MetaData) -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection, service, metadata)
        return
    asyncio.run(_migrate_configured_database(service, metadata))


def _migrate(connection: Connection, service: str, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=f"{service}_alembic_version",
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_configured_database(service: str, metadata: MetaData) -> None:
    engine = create_engine(Settings().database_url_for(service))
    async with engine.begin() as connection:
        await connection.run_sync(_migrate, service, metadata)
    await engine.dispose()
