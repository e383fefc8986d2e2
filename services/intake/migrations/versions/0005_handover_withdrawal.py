"""handover withdrawal

A handover sent or received may be withdrawn (``handovers.withdrawn_at``); a return withdrawn
before its handover was sealed is remembered (``withdrawn_returns``), so that a late
return-scheduled seals nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform.db import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", UtcDateTime(), nullable=True))
    op.create_table(
        "withdrawn_returns",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("return_id"),
    )


def downgrade() -> None:
    op.drop_table("withdrawn_returns")
    with op.batch_alter_table("handovers", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
