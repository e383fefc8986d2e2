"""open placements index

A partial index of the stays not yet released: shelter occupancy (GET /stats/indicators)
reads the open stays only, not every stay ever recorded (with a million cases on SQLite:
0.74 s down to 0.03 s; see benchmarks/reporting_queries.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("released_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("placement_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_facts_open",
            ["shelter_id", "case_id"],
            unique=False,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("placement_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_placement_facts_open", sqlite_where=OPEN, postgresql_where=OPEN)
