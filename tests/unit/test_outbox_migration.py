"""Every service's outbox gains explicit parking, and loses it again on a downgrade, on
SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, inspect

from shared.platform.db import create_engine
from shared.platform.migrations import alembic_config, upgrade_to_head

SERVICES = Path(__file__).parents[2] / "services"
MIGRATIONS = {
    "intake": SERVICES / "intake" / "migrations",
    "referral": SERVICES / "referral" / "migrations",
    "notification": SERVICES / "notification" / "migrations",
    "reporting": SERVICES / "reporting" / "migrations",
    "regional-reporting": SERVICES / "reporting" / "regional" / "migrations",
}


def _outbox(connection: Connection) -> tuple[set[str], dict[str, str]]:
    inspector = inspect(connection)
    columns = {column["name"] for column in inspector.get_columns("outbox_messages")}
    # SQLite rebuilds the table to drop a column: the event ids must stay unique
    unique = inspector.get_unique_constraints("outbox_messages")
    assert [constraint["column_names"] for constraint in unique] == [["event_id"]]
    indexes = {
        index["name"]: str(
            index.get("dialect_options", {}).get("postgresql_where")
            or index.get("dialect_options", {}).get("sqlite_where")
        )
        for index in inspector.get_indexes("outbox_messages")
    }
    return columns, indexes


# the revision each service's outbox parking came with; a downgrade goes to the one before
PARKING = {"notification": "0002"}


def _downgrade_parking(connection: Connection, migrations: Path, service: str) -> None:
    config = alembic_config(migrations)
    config.attributes["connection"] = connection
    command.downgrade(config, f"{PARKING.get(service, '0003')}-1")


@pytest.mark.parametrize("service", MIGRATIONS)
async def test_outbox_parking_migrates_up_and_down(database_url: str, service: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine, MIGRATIONS[service])
        async with engine.connect() as connection:
            columns, indexes = await connection.run_sync(_outbox)
        assert {"parked_at", "refusals", "attempts"} <= columns
        assert "parked_at" in indexes["ix_outbox_messages_pending"]
        assert "parked_at" in indexes["ix_outbox_messages_parked"]

        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_parking, MIGRATIONS[service], service)
        async with engine.connect() as connection:
            columns, indexes = await connection.run_sync(_outbox)
        assert not {"parked_at", "refusals"} & columns
        assert "ix_outbox_messages_parked" not in indexes
        assert "parked_at" not in indexes["ix_outbox_messages_pending"]

        await upgrade_to_head(engine, MIGRATIONS[service])
    finally:
        await engine.dispose()
