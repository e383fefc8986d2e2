"""Notification's copy of the protection referrals of each case, from referral's events in
whatever order they come: the status with the latest time wins."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import NotifiedReferral
from shared.contracts.protection_need import PENDING_REFERRAL_STATUSES, PendingReferral
from shared.platform.db import insert_if_absent


async def record(
    session: AsyncSession,
    *,
    referral_id: UUID,
    case_id: UUID,
    kind: str,
    authority: str,
    status: str,
    at: datetime,
) -> NotifiedReferral:
    await insert_if_absent(
        session,
        NotifiedReferral,
        {
            "referral_id": referral_id,
            "case_id": case_id,
            "kind": kind,
            "authority": authority,
            "status": status,
            "status_at": at,
        },
        ["referral_id"],
    )
    row = await session.scalar(
        select(NotifiedReferral)
        .where(NotifiedReferral.referral_id == referral_id)
        .with_for_update()
    )
    assert row is not None
    if at > row.status_at:  # a status older than the one kept changes nothing
        row.status, row.status_at = status, at
    return row


async def pending(session: AsyncSession, case_id: UUID) -> list[PendingReferral]:
    rows = await session.scalars(
        select(NotifiedReferral)
        .where(
            NotifiedReferral.case_id == case_id,
            NotifiedReferral.status.in_(PENDING_REFERRAL_STATUSES),
        )
        .order_by(NotifiedReferral.status_at)
    )
    return [PendingReferral(r.kind, r.authority, r.status) for r in rows]
