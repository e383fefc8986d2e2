"""The audit trail: who read or changed which case, when; written in the caller's
transaction. Each service keeps its own ``audit_log`` (append-only, by database triggers that
its first migration creates with ``make_append_only``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from alembic import op
from sqlalchemy import JSON, Integer, String, Uuid
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.auth import Principal
from shared.platform.db import Base, UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(50))
    case_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    case_id: UUID | None,
    at: datetime,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            actor=actor.subject,
            roles=sorted(actor.roles),
            action=action,
            case_id=case_id,
            detail=detail,
        )
    )


def make_append_only() -> None:
    """For a migration: the audit trail must survive a careless or malicious UPDATE/DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def drop_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
