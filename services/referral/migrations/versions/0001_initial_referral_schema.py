"""initial referral schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 16:24:13.562634
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.platform.audit import drop_append_only, make_append_only
from shared.platform.db import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_case_id"), ["case_id"], unique=False)

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
        "protection_referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("authority", sa.String(length=50), nullable=False),
        sa.Column("authority_name", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("screening_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("made_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_referrals")),
    )
    with op.batch_alter_table("protection_referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_protection_referrals_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index("uq_protection_referrals_case_kind", ["case_id", "kind"], unique=True)

    op.create_table(
        "referral_cases",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("age_group", sa.String(length=5), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("nationalities", sa.JSON(), nullable=False),
        sa.Column("admin1", sa.String(length=6), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("screening_sequence", sa.Integer(), nullable=False),
        sa.Column("trafficking_suspected", sa.Boolean(), nullable=False),
        sa.Column("international_protection_need", sa.Boolean(), nullable=False),
        sa.Column("pending_since", UtcDateTime(), nullable=True),
        sa.Column("pending_reason", sa.String(length=500), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_referral_cases")),
    )
    with op.batch_alter_table("referral_cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_cases_pending_since"), ["pending_since"], unique=False
        )

    op.create_table(
        "shelters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authority", sa.String(length=50), nullable=False),
        sa.Column("admin1", sa.String(length=6), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("age_groups", sa.JSON(), nullable=False),
        sa.Column("sexes", sa.JSON(), nullable=False),
        sa.Column("trafficking_specialised", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "occupied >= 0 AND occupied <= capacity", name=op.f("ck_shelters_within_capacity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelters")),
    )
    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelters_admin1"), ["admin1"], unique=False)

    op.create_table(
        "case_relations",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["referral_cases.case_id"],
            name=op.f("fk_case_relations_case_id_referral_cases"),
        ),
        sa.PrimaryKeyConstraint("case_id", "kind", "value", name=op.f("pk_case_relations")),
    )
    with op.batch_alter_table("case_relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_relations_value"), ["value"], unique=False)

    op.create_table(
        "placements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("shelter_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", UtcDateTime(), nullable=False),
        sa.Column("released_at", UtcDateTime(), nullable=True),
        sa.Column("release_reason", sa.String(length=30), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["referral_cases.case_id"],
            name=op.f("fk_placements_case_id_referral_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["shelter_id"], ["shelters.id"], name=op.f("fk_placements_shelter_id_shelters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_shelter_id"), ["shelter_id"], unique=False)
        batch_op.create_index(
            "uq_placements_active_case",
            ["case_id"],
            unique=True,
            postgresql_where=sa.text("released_at IS NULL"),
            sqlite_where=sa.text("released_at IS NULL"),
        )

    make_append_only()


def downgrade() -> None:
    drop_append_only()
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placements_active_case",
            postgresql_where=sa.text("released_at IS NULL"),
            sqlite_where=sa.text("released_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_placements_shelter_id"))
        batch_op.drop_index(batch_op.f("ix_placements_case_id"))

    op.drop_table("placements")
    with op.batch_alter_table("case_relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_relations_value"))

    op.drop_table("case_relations")
    with op.batch_alter_table("shelters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelters_admin1"))

    op.drop_table("shelters")
    with op.batch_alter_table("referral_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_cases_pending_since"))

    op.drop_table("referral_cases")
    with op.batch_alter_table("protection_referrals", schema=None) as batch_op:
        batch_op.drop_index("uq_protection_referrals_case_kind")
        batch_op.drop_index(batch_op.f("ix_protection_referrals_case_id"))

    op.drop_table("protection_referrals")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_messages_pending",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.drop_table("outbox_messages")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_case_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
