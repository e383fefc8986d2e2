"""protection need

A supervisor's decision clearing flags (``need_clearances``), intake's copy of the protection
referrals of each case (``referral_copies``), and the dead-lettered events that could open a
need (``unresolved_events``): while any holds a need open, no handover is sealed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 06:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform import unresolved
from shared.platform.db import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "need_clearances",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("cleared", sa.JSON(), nullable=False),
        sa.Column("through_sequence", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_by_name", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_need_clearances_case_id", "need_clearances", ["case_id"])
    op.create_table(
        "referral_copies",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("authority", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    op.create_index("ix_referral_copies_case_id", "referral_copies", ["case_id"])
    unresolved.create_table()


def downgrade() -> None:
    unresolved.drop_table()
    op.drop_index("ix_referral_copies_case_id", table_name="referral_copies")
    op.drop_table("referral_copies")
    op.drop_index("ix_need_clearances_case_id", table_name="need_clearances")
    op.drop_table("need_clearances")
