"""recipient changes

A consulate's or an authority's entry in the recipients directory changes only when a second
supervisor approves the proposed change (four eyes); at most one change of an entry is
pending at a time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 20:30:00.000000
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
    op.create_table(
        "recipient_changes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(200), nullable=True),
        sa.Column("secret_proposed", sa.Boolean(), nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("proposed_by_name", sa.String(200), nullable=True),
        sa.Column("proposed_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_by_name", sa.String(200), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decision", sa.String(12), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_recipient_changes_proposed_at", "recipient_changes", ["proposed_at"])
    op.create_index(
        "uq_recipient_changes_pending",
        "recipient_changes",
        ["kind", "key"],
        unique=True,
        postgresql_where=sa.text("decided_at IS NULL"),
        sqlite_where=sa.text("decided_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_recipient_changes_pending", table_name="recipient_changes")
    op.drop_index("ix_recipient_changes_proposed_at", table_name="recipient_changes")
    op.drop_table("recipient_changes")
