"""Notification's copy of the protection referrals of each case (``notified_referrals``)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import NotifiedReferral
from shared.contracts.protection_need import PendingReferral
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.platform import referral_copies


async def record(
    session: AsyncSession, event: ProtectionReferralMadeV1 | ProtectionReferralUpdatedV1
) -> referral_copies.ReferralRow:
    return await referral_copies.record(session, NotifiedReferral, event)


async def pending(session: AsyncSession, case_id: UUID) -> list[PendingReferral]:
    return await referral_copies.pending(session, NotifiedReferral, case_id)
