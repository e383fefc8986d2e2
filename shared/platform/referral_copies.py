"""A service's own copy of the protection referrals of each case, from referral's events in
whatever order they come: the status with the latest time wins. Notification and intake each
keep one (a table with these columns), to decide the open protection need from their own
facts."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.protection_need import PENDING_REFERRAL_STATUSES, PendingReferral
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.platform.db import insert_if_absent


class ReferralRow(Protocol):
    referral_id: Any
    case_id: Any
    kind: Any
    authority: Any
    status: Any
    status_at: Any


async def record(
    session: AsyncSession,
    model: type[Any],
    event: ProtectionReferralMadeV1 | ProtectionReferralUpdatedV1,
) -> ReferralRow:
    at = event.made_at if isinstance(event, ProtectionReferralMadeV1) else event.updated_at
    await insert_if_absent(
        session,
        model,
        {
            "referral_id": event.referral_id,
            "case_id": event.case_id,
            "kind": event.kind.value,
            "authority": event.authority,
            "status": event.status.value,
            "status_at": at,
        },
        ["referral_id"],
    )
    row = await session.scalar(
        select(model).where(model.referral_id == event.referral_id).with_for_update()
    )
    assert row is not None
    if at > row.status_at:  # a status older than the one kept changes nothing
        row.status, row.status_at = event.status.value, at
    return row


async def of_case(session: AsyncSession, model: type[Any], case_id: UUID) -> list[ReferralRow]:
    rows = await session.scalars(
        select(model).where(model.case_id == case_id).order_by(model.status_at)
    )
    return list(rows)


async def pending(session: AsyncSession, model: type[Any], case_id: UUID) -> list[PendingReferral]:
    return [
        PendingReferral(row.kind, row.authority, row.status)
        for row in await of_case(session, model, case_id)
        if row.status in PENDING_REFERRAL_STATUSES
    ]
