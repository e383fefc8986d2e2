"""For a service's migration: parking made explicit in its ``outbox_messages`` table.

Before, an event counted as parked once ``attempts`` reached the limit, and an outage
counted attempts on every waiting event. The events such a limit parked get no
``parked_at`` here: they are sent again after the upgrade, and one Kafka refuses is parked
again after its refusals.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.platform.db import UtcDateTime

TABLE = "outbox_messages"
PENDING = "ix_outbox_messages_pending"
PARKED = "ix_outbox_messages_parked"
WAS_PENDING = sa.text("published_at IS NULL")
IS_PENDING = sa.text("published_at IS NULL AND parked_at IS NULL")
IS_PARKED = sa.text("parked_at IS NOT NULL")


def add_parking() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("parked_at", UtcDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("refusals", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    _swap_index(PENDING, old=WAS_PENDING, new=IS_PENDING)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            PARKED, ["id"], unique=False, postgresql_where=IS_PARKED, sqlite_where=IS_PARKED
        )


def drop_parking() -> None:
    # indexes first: on SQLite dropping a column rebuilds the table with its indexes
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(PARKED, postgresql_where=IS_PARKED, sqlite_where=IS_PARKED)
    _swap_index(PENDING, old=IS_PENDING, new=None)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_column("refusals")
        batch_op.drop_column("parked_at")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            PENDING, ["id"], unique=False, postgresql_where=WAS_PENDING, sqlite_where=WAS_PENDING
        )


def _swap_index(name: str, *, old: sa.TextClause, new: sa.TextClause | None) -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(name, postgresql_where=old, sqlite_where=old)
        if new is not None:
            batch_op.create_index(
                name, ["id"], unique=False, postgresql_where=new, sqlite_where=new
            )
