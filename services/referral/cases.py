"""The referral service's view of a case, kept from intake's events in whatever order and
however often they arrive: any screening can raise a flag and only a supervisor's decision
clears one; child details fill in once known."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral.models import CaseRelation, ReferralCase
from services.referral.placement_rules import Need
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.platform.db import insert_if_absent


async def locked_case(session: AsyncSession, case_id: UUID) -> ReferralCase | None:
    return await session.scalar(
        select(ReferralCase).where(ReferralCase.case_id == case_id).with_for_update()
    )


def need_of(case: ReferralCase) -> Need:
    return Need(
        age_group=case.age_group,
        sex=case.sex,
        admin1=case.admin1,
        latitude=case.latitude,
        longitude=case.longitude,
        needs_specialised=case.trafficking_suspected,
    )


async def record_registration(session: AsyncSession, event: ChildRegisteredV1) -> ReferralCase:
    case = await _ensure_case(session, event)
    relations = {("sibling", str(sibling)) for sibling in event.sibling_case_ids}
    relations |= {("phone", contact.phone) for contact in event.family_contacts if contact.phone}
    known = await session.scalars(select(CaseRelation).where(CaseRelation.case_id == case.case_id))
    for kind, value in relations - {(r.kind, r.value) for r in known}:
        session.add(CaseRelation(case_id=case.case_id, kind=kind, value=value))
    await session.flush()
    return case


async def record_screening(
    session: AsyncSession, event: ScreeningCompletedV1
) -> tuple[ReferralCase, bool]:
    """Returns the case and whether this screening changes anything: it is the newest one
    seen, or it raises a flag (whenever it arrives: a late flagged screening still counts)."""
    case = await _ensure_case(session, event)
    newest = event.sequence > case.screening_sequence
    raises = event.international_protection_need or event.trafficking_suspected
    case.screening_sequence = max(case.screening_sequence, event.sequence)
    case.screenings_applied += 1
    case.raise_flags(
        event.sequence,
        international_protection_need=event.international_protection_need,
        trafficking_suspected=event.trafficking_suspected,
    )
    await session.flush()
    return case, newest or raises


async def record_clearance(session: AsyncSession, event: ProtectionNeedClearedV1) -> bool:
    """A supervisor's decision in intake; False for a case this service does not know yet
    (the decision is then dead-lettered, which keeps the need open: the safe side)."""
    case = await locked_case(session, event.case_id)
    if case is None:
        return False
    case.clear_flags(event.cleared, event.through_sequence)
    # the decision saw screenings up to its sequence: any of them not here yet is awaited
    case.screening_sequence = max(case.screening_sequence, event.through_sequence)
    await session.flush()
    return True


async def _ensure_case(
    session: AsyncSession, event: ChildRegisteredV1 | ScreeningCompletedV1
) -> ReferralCase:
    """The case, created by whichever of its events comes first, even at the same moment."""
    place = event.detection_place
    await insert_if_absent(
        session,
        ReferralCase,
        {
            "case_id": event.case_id,
            "age_group": event.child.age_group,
            "sex": event.child.sex,
            "nationalities": list(event.child.nationalities),
            "admin1": place.admin1,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "registered_at": event.registered_at,
            "screening_sequence": 0,
            "closed": False,
        },
        ["case_id"],
    )
    case = await locked_case(session, event.case_id)
    assert case is not None
    return case


async def sibling_case_ids(session: AsyncSession, case_id: UUID) -> set[UUID]:
    """Siblings: linked by intake either way, or sharing a family contact's phone."""
    own = (
        await session.execute(
            select(CaseRelation.kind, CaseRelation.value).where(CaseRelation.case_id == case_id)
        )
    ).all()
    linked = {UUID(value) for kind, value in own if kind == "sibling"}
    phones = [value for kind, value in own if kind == "phone"]
    related = select(CaseRelation.case_id).where(
        CaseRelation.case_id != case_id,
        or_(
            and_(CaseRelation.kind == "sibling", CaseRelation.value == str(case_id)),
            and_(CaseRelation.kind == "phone", CaseRelation.value.in_(phones)),
        ),
    )
    linked.update(await session.scalars(related))
    return linked
