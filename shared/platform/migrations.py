"""Alembic per service: each service keeps its own ``migrations/`` and version table.

Migrations run on the service's own async engine by sharing one connection with Alembic
(Alembic's documented pattern for asyncio applications).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return config


async def upgrade_to_head(engine: AsyncEngine, migrations_dir: Path) -> None:
    config = alembic_config(migrations_dir)

    def _upgrade(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
