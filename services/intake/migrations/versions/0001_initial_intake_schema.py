"""initial intake schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 15:59:01.156031
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
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("registered_at", UtcDateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.Column("detected_at", UtcDateTime(), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("family_names", sa.String(length=200), nullable=False),
        sa.Column("name_since_separation", sa.String(length=200), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("date_of_birth_estimated", sa.Boolean(), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=False),
        sa.Column("age_group", sa.String(length=5), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("accompaniment", sa.String(length=20), nullable=False),
        sa.Column("detection_admin1", sa.String(length=6), nullable=False),
        sa.Column("detection_point", sa.String(length=200), nullable=False),
        sa.Column("detection_latitude", sa.Float(), nullable=True),
        sa.Column("detection_longitude", sa.Float(), nullable=True),
        sa.Column("family_contacts", sa.JSON(), nullable=False),
        sa.Column("sibling_case_ids", sa.JSON(), nullable=False),
        sa.Column("returned_from", sa.String(length=2), nullable=True),
        sa.Column("returned_national", sa.Boolean(), nullable=False),
        sa.Column("shelter_id", sa.Uuid(), nullable=True),
        sa.Column("shelter_name", sa.String(length=200), nullable=True),
        sa.Column("placed_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_accompaniment"), ["accompaniment"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_registered_at"), ["registered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

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
        "case_nationalities",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_nationalities_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "country", name=op.f("pk_case_nationalities")),
    )
    with op.batch_alter_table("case_nationalities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_nationalities_country"), ["country"], unique=False
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_idempotency_keys_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("caller", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("screened_at", UtcDateTime(), nullable=False),
        sa.Column("screened_by", sa.String(length=200), nullable=False),
        sa.Column("asylum_intent", sa.Boolean(), nullable=False),
        sa.Column("fear_of_return", sa.Boolean(), nullable=False),
        sa.Column("trafficking_indicators", sa.JSON(), nullable=False),
        sa.Column("violence_indicators", sa.JSON(), nullable=False),
        sa.Column("health_needs", sa.JSON(), nullable=False),
        sa.Column("pregnant", sa.Boolean(), nullable=True),
        sa.Column("family_in_destination", sa.String(length=2), nullable=True),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("interview_notes", sa.Text(), nullable=True),
        sa.Column("international_protection_need", sa.Boolean(), nullable=False),
        sa.Column("trafficking_suspected", sa.Boolean(), nullable=False),
        sa.Column("protection_flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_screenings_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
        sa.UniqueConstraint("case_id", "sequence", name=op.f("uq_screenings_case_id")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screenings_case_id"), ["case_id"], unique=False)

    make_append_only()


def downgrade() -> None:
    drop_append_only()
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screenings_case_id"))

    op.drop_table("screenings")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("case_nationalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_nationalities_country"))

    op.drop_table("case_nationalities")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_messages_pending",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.drop_table("outbox_messages")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_registered_at"))
        batch_op.drop_index(batch_op.f("ix_cases_accompaniment"))

    op.drop_table("cases")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_case_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
