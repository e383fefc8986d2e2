"""Placement use cases: place a case automatically, override by hand, release, and place
pending cases when a place frees up. Capacity is guarded by the database (conditional
UPDATE plus a CHECK constraint), never by a lock in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral import cases, events
from services.referral.models import Placement, ReferralCase, Shelter
from services.referral.placement_rules import ShelterOption, keeps, rank, reason, why_pending

SYSTEM = "referral-rules"


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass


@dataclass(frozen=True)
class Outcome:
    placement: Placement | None
    pending: bool


def option_of(shelter: Shelter) -> ShelterOption:
    return ShelterOption(
        id=shelter.id,
        name=shelter.name,
        admin1=shelter.admin1,
        latitude=shelter.latitude,
        longitude=shelter.longitude,
        age_groups=frozenset(shelter.age_groups),
        sexes=frozenset(shelter.sexes),
        specialised=shelter.trafficking_specialised,
        free_places=shelter.free_places,
        active=shelter.active,
    )


async def active_placement(session: AsyncSession, case_id: UUID) -> Placement | None:
    return await session.scalar(
        select(Placement).where(Placement.case_id == case_id, Placement.released_at.is_(None))
    )


async def claim_place(session: AsyncSession, shelter_id: UUID) -> bool:
    """Take one place if one is free; atomic on every database, whoever else is claiming."""
    result = await session.execute(
        update(Shelter)
        .where(Shelter.id == shelter_id, Shelter.active, Shelter.occupied < Shelter.capacity)
        .values(occupied=Shelter.occupied + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def free_place(session: AsyncSession, shelter_id: UUID) -> None:
    await session.execute(
        update(Shelter)
        .where(Shelter.id == shelter_id)
        .values(occupied=Shelter.occupied - 1)
        .execution_options(synchronize_session=False)
    )


async def ensure_placement(
    session: AsyncSession, case: ReferralCase, *, country: str, now: datetime
) -> Outcome:
    """Place the case where the rules say, unless where it is already fits."""
    if case.closed:
        return Outcome(None, pending=False)
    need = cases.need_of(case)
    current = await active_placement(session, case.case_id)
    if current is not None:
        shelter = await session.get(Shelter, current.shelter_id)
        if shelter is not None and keeps(option_of(shelter), need):
            _clear_pending(case)
            return Outcome(current, pending=False)
    sibling_shelters = await _sibling_shelters(session, case.case_id)
    shelters = (await session.scalars(select(Shelter).where(Shelter.active))).all()
    for option in rank([option_of(s) for s in shelters], need, sibling_shelters):
        if await claim_place(session, option.id):
            why = reason(option, need, sibling_shelters)
            placement = await _place(
                session, case, option.id, why, SYSTEM, now, country, manual=False, previous=current
            )
            return Outcome(placement, pending=False)
    _mark_pending(session, case, why_pending(need), now, country)
    return Outcome(current, pending=True)


async def _sibling_shelters(session: AsyncSession, case_id: UUID) -> frozenset[UUID]:
    siblings = await cases.sibling_case_ids(session, case_id)
    if not siblings:
        return frozenset()
    rows = await session.scalars(
        select(Placement.shelter_id).where(
            Placement.case_id.in_(siblings), Placement.released_at.is_(None)
        )
    )
    return frozenset(rows)


async def _place(
    session: AsyncSession,
    case: ReferralCase,
    shelter_id: UUID,
    why: str,
    placed_by: str,
    now: datetime,
    country: str,
    *,
    manual: bool,
    previous: Placement | None,
) -> Placement:
    if previous is not None:
        await _release(session, previous, "transferred", placed_by, now, country)
    placement = Placement(
        id=uuid4(),
        case_id=case.case_id,
        shelter_id=shelter_id,
        reason=why,
        manual=manual,
        placed_by=placed_by,
        placed_at=now,
    )
    session.add(placement)
    await session.flush()
    _clear_pending(case)
    shelter = await session.get(Shelter, shelter_id)
    assert shelter is not None
    events.shelter_assigned(
        session, country, placement, shelter, previous.shelter_id if previous else None
    )
    return placement


def _mark_pending(
    session: AsyncSession, case: ReferralCase, why: str, now: datetime, country: str
) -> None:
    if case.pending_since is None:  # announce once, not at every retry
        case.pending_since = now
        case.pending_reason = why
        events.placement_pending(session, country, case)


def _clear_pending(case: ReferralCase) -> None:
    case.pending_since = None
    case.pending_reason = None


async def _release(
    session: AsyncSession, placement: Placement, why: str, by: str, now: datetime, country: str
) -> None:
    placement.released_at = now
    placement.release_reason = why
    placement.released_by = by
    await session.flush()
    await free_place(session, placement.shelter_id)
    events.placement_released(session, country, placement)


async def place_manually(
    session: AsyncSession,
    case_id: UUID,
    shelter_id: UUID,
    why: str,
    by: str,
    *,
    country: str,
    now: datetime,
) -> Placement:
    case = await cases.locked_case(session, case_id)
    if case is None:
        raise NotFound(f"no case {case_id} known to referral")
    if await session.get(Shelter, shelter_id) is None:
        raise NotFound(f"no shelter {shelter_id}")
    current = await active_placement(session, case_id)
    if current is not None and current.shelter_id == shelter_id:
        raise Conflict("the child is already placed in this shelter")
    if not await claim_place(session, shelter_id):
        raise Conflict("the shelter has no free place (or is inactive)")
    case.closed = False
    return await _place(
        session, case, shelter_id, why, by, now, country, manual=True, previous=current
    )


async def release(
    session: AsyncSession, placement_id: UUID, why: str, by: str, *, country: str, now: datetime
) -> Placement:
    # the case first, then the placement: the order every other path takes, so no deadlock
    case_id = await session.scalar(select(Placement.case_id).where(Placement.id == placement_id))
    if case_id is None:
        raise NotFound(f"no placement {placement_id}")
    case = await cases.locked_case(session, case_id)
    placement = await session.scalar(
        select(Placement).where(Placement.id == placement_id).with_for_update()
    )
    assert placement is not None
    if placement.released_at is not None:
        raise Conflict("this placement was already released")
    if case is not None:
        case.closed = True  # the child left: the rules must not place them again
        _clear_pending(case)
    await _release(session, placement, why, by, now, country)
    return placement


async def place_pending_case(
    session: AsyncSession, case_id: UUID, *, country: str, now: datetime
) -> bool:
    """Retry one pending case; another instance working on it is skipped, not waited for."""
    case = await session.scalar(
        select(ReferralCase)
        .where(ReferralCase.case_id == case_id)
        .with_for_update(skip_locked=True)
    )
    if case is None or case.pending_since is None:
        return False
    outcome = await ensure_placement(session, case, country=country, now=now)
    return not outcome.pending
