"""initial regional reporting schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 18:20:50.358665
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform.db import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("trace_context", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            UtcDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_messages_event_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_pending",
            ["id"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column(
            "processed_at",
            UtcDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "source", "event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "regional_case_events",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("case_key", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=30), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("age_group", sa.String(length=10), nullable=True),
        sa.Column("accompaniment", sa.String(length=20), nullable=True),
        sa.Column("admin1", sa.String(length=10), nullable=True),
        sa.Column("international_protection_need", sa.Boolean(), nullable=True),
        sa.Column("trafficking_suspected", sa.Boolean(), nullable=True),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "country",
            "case_key",
            "event_type",
            "event_date",
            "outcome",
            name=op.f("pk_regional_case_events"),
        ),
    )
    with op.batch_alter_table("regional_case_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_regional_case_events_type_date", ["event_type", "event_date"], unique=False
        )

    op.create_table(
        "regional_cases",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("case_key", sa.String(length=64), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("age_group", sa.String(length=10), nullable=True),
        sa.Column("accompaniment", sa.String(length=20), nullable=True),
        sa.Column("admin1", sa.String(length=10), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("screened_on", sa.Date(), nullable=True),
        sa.Column("consular_notified_on", sa.Date(), nullable=True),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("international_protection_need", sa.Boolean(), nullable=True),
        sa.Column("trafficking_suspected", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("country", "case_key", name=op.f("pk_regional_cases")),
    )
    with op.batch_alter_table("regional_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_regional_cases_registered_on"), ["registered_on"], unique=False
        )

    op.create_table(
        "regional_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_regional_counters")),
    )
    counters = sa.table(
        "regional_counters", sa.column("name", sa.String), sa.column("value", sa.Integer)
    )
    op.bulk_insert(
        counters,
        [
            {"name": "projection_version", "value": 0},
            {"name": "statistics_published_version", "value": 0},
        ],
    )


def downgrade() -> None:
    op.drop_table("regional_counters")
    with op.batch_alter_table("regional_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regional_cases_registered_on"))

    op.drop_table("regional_cases")
    with op.batch_alter_table("regional_case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_regional_case_events_type_date")

    op.drop_table("regional_case_events")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_messages_pending",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.drop_table("outbox_messages")
