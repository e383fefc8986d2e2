"""protection need facts

A flag is open while the latest screening that raised it is newer than a supervisor's
clearing decision; screenings applied are counted so that one not yet applied holds the
need open; dead-lettered screenings are kept as unresolved and hold the case's need open.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform import unresolved

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = (
    "protection_raised_through",
    "trafficking_raised_through",
    "protection_cleared_through",
    "trafficking_cleared_through",
    "screenings_applied",
)


def upgrade() -> None:
    with op.batch_alter_table("referral_cases", schema=None) as batch_op:
        for name in COUNTERS:
            batch_op.add_column(
                sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)
            )
    # what was known: a raised flag came from the latest screening, and every screening up
    # to the latest was applied
    op.execute("UPDATE referral_cases SET screenings_applied = screening_sequence")
    op.execute(
        "UPDATE referral_cases SET protection_raised_through = screening_sequence "
        "WHERE international_protection_need"
    )
    op.execute(
        "UPDATE referral_cases SET trafficking_raised_through = screening_sequence "
        "WHERE trafficking_suspected"
    )
    unresolved.create_table()


def downgrade() -> None:
    unresolved.drop_table()
    with op.batch_alter_table("referral_cases", schema=None) as batch_op:
        for name in reversed(COUNTERS):
            batch_op.drop_column(name)
