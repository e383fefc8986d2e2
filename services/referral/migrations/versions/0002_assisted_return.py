"""assisted return

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 19:24:08.859157
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform.db import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assisted_returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=False),
        sa.Column("scheduled_for", UtcDateTime(), nullable=False),
        sa.Column("handover_place", sa.String(length=300), nullable=False),
        sa.Column("escorting_officer", sa.String(length=200), nullable=False),
        sa.Column("scheduled_by", sa.String(length=200), nullable=False),
        sa.Column("scheduled_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("blocked_reason", sa.String(length=500), nullable=True),
        sa.Column("blocked_at", UtcDateTime(), nullable=True),
        sa.Column("handed_over_at", UtcDateTime(), nullable=True),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("handed_over_by", sa.String(length=200), nullable=True),
        sa.Column("released_placement_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["referral_cases.case_id"],
            name=op.f("fk_assisted_returns_case_id_referral_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_returns")),
    )
    with op.batch_alter_table("assisted_returns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assisted_returns_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "uq_assisted_returns_open_case",
            ["case_id"],
            unique=True,
            postgresql_where=sa.text("status <> 'blocked'"),
            sqlite_where=sa.text("status <> 'blocked'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("assisted_returns", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assisted_returns_open_case",
            postgresql_where=sa.text("status <> 'blocked'"),
            sqlite_where=sa.text("status <> 'blocked'"),
        )
        batch_op.drop_index(batch_op.f("ix_assisted_returns_case_id"))

    op.drop_table("assisted_returns")
