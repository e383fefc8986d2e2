"""notified referrals

Notification follows each protection referral's status: a pending one keeps the consulate
from being told of the child, whatever the latest screening says.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform.db import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notified_referrals",
        sa.Column("referral_id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("authority", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_notified_referrals_case_id", "notified_referrals", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_notified_referrals_case_id", table_name="notified_referrals")
    op.drop_table("notified_referrals")
