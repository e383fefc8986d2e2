"""The audit trail of case access: every read or change, written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import AuditEntry
from shared.platform.auth import Principal


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
