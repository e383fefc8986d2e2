"""Read-only queries of placements and of cases waiting for one."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral.models import Placement, ReferralCase


def _pending() -> ColumnElement[bool]:
    return and_(ReferralCase.pending_since.is_not(None), ReferralCase.closed.is_(False))


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).where(_pending())) or 0


async def pending_case_ids(session: AsyncSession, limit: int = 200) -> list[UUID]:
    rows = await session.scalars(
        select(ReferralCase.case_id)
        .where(_pending())
        .order_by(ReferralCase.pending_since, ReferralCase.case_id)
        .limit(limit)
    )
    return list(rows)


async def pending(session: AsyncSession) -> list[ReferralCase]:
    query = select(ReferralCase).where(_pending())
    return list(
        await session.scalars(query.order_by(ReferralCase.pending_since, ReferralCase.case_id))
    )


async def listing(
    session: AsyncSession, *, case_id: UUID | None, shelter_id: UUID | None, active: bool | None
) -> list[Placement]:
    query = select(Placement).order_by(Placement.placed_at)
    if case_id:
        query = query.where(Placement.case_id == case_id)
    if shelter_id:
        query = query.where(Placement.shelter_id == shelter_id)
    if active is not None:
        released = Placement.released_at
        query = query.where(released.is_(None) if active else released.is_not(None))
    return list(await session.scalars(query))
