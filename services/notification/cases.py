"""The notification service's view of a case, and what each intake or referral event means
for what the outside world must be told."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import alerts, need, notices, referrals
from services.notification.models import NotifiedCase
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.notification import AlertKind
from shared.contracts.protection_need import (
    ProtectionNeedClearedV1,
    is_pending,
)
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import insert_if_absent


async def _case(
    session: AsyncSession, event: ChildRegisteredV1 | ScreeningCompletedV1
) -> NotifiedCase:
    child = event.child
    await insert_if_absent(
        session,
        NotifiedCase,
        {
            "case_id": event.case_id,
            "given_names": child.given_names,
            "family_names": child.family_names,
            "sex": child.sex,
            "date_of_birth": child.date_of_birth,
            "age_years": child.age_years,
            "nationalities": list(child.nationalities),
            "returned_national": event.returned_national,
            "registered_at": event.registered_at,
            "registration_seen": False,
            "screening_sequence": 0,
            "international_protection_need": False,
            "trafficking_suspected": False,
        },
        ["case_id"],
    )
    case = await session.scalar(
        select(NotifiedCase).where(NotifiedCase.case_id == event.case_id).with_for_update()
    )
    assert case is not None
    if not case.nationalities and not case.registration_seen and not case.screenings_applied:
        # a placeholder kept for a decision that came first: the child's details now
        case.given_names, case.family_names = child.given_names, child.family_names
        case.sex, case.date_of_birth, case.age_years = (
            child.sex,
            child.date_of_birth,
            child.age_years,
        )
        case.nationalities = list(child.nationalities)
        case.returned_national = event.returned_national
        case.registered_at = event.registered_at
    return case


async def on_child_registered(
    session: AsyncSession, event: ChildRegisteredV1, *, country: str, now: datetime
) -> None:
    """The child-protection authority must be told at once."""
    case = await _case(session, event)
    case.registration_seen = True
    details = {
        "accompaniment": event.accompaniment,
        "detected_at": event.detected_at.isoformat(),
        "detection_place": event.detection_place.model_dump(mode="json"),
        "registered_at": event.registered_at.isoformat(),
        "date_of_birth": event.child.date_of_birth.isoformat()
        if event.child.date_of_birth
        else None,
        "family_contacts": [c.model_dump(mode="json") for c in event.family_contacts],
    }
    await notices.to_authority(session, case, details, now)


async def on_screening_completed(
    session: AsyncSession, event: ScreeningCompletedV1, *, country: str, now: datetime
) -> None:
    case = await _case(session, event)
    was_open = await need.reasons(session, case)
    case.screenings_applied += 1
    case.screening_sequence = max(case.screening_sequence, event.sequence)
    case.first_screened_at = min(filter(None, (case.first_screened_at, event.screened_at)))
    # Any screening can raise a flag, whenever it arrives, but none clears one: closing a
    # need is a supervisor's recorded decision, and until one is made the consulate stays out.
    case.raise_flags(
        event.sequence,
        international_protection_need=event.international_protection_need,
        trafficking_suspected=event.trafficking_suspected,
    )
    await alerts.close_alert(
        session, case.case_id, AlertKind.SCREENING_OVERDUE, country=country, now=now
    )
    await _decide(session, case, was_open, country=country, now=now)


async def on_protection_need_cleared(
    session: AsyncSession, event: ProtectionNeedClearedV1, *, country: str, now: datetime
) -> None:
    """A supervisor's decision closes the flags it names, up to the screening it saw; if no
    other part of the need remains open, the consulate may now be told."""
    case = await session.scalar(
        select(NotifiedCase).where(NotifiedCase.case_id == event.case_id).with_for_update()
    )
    if case is None:
        # intake decided on screenings this service has not seen: keep the decision for them
        case = await _placeholder(session, event.case_id, event.decided_at)
    was_open = await need.reasons(session, case)
    case.clear_flags(event.cleared, event.through_sequence)
    # the decision saw screenings up to its sequence: any of them not here yet is awaited
    case.screening_sequence = max(case.screening_sequence, event.through_sequence)
    if case.registration_seen or case.screenings_applied:
        await _decide(session, case, was_open, country=country, now=now)


async def _placeholder(session: AsyncSession, case_id: UUID, at: datetime) -> NotifiedCase:
    """A case known so far only by a decision about it: no child details, no registration;
    its screenings, when they come, fill it in (and no consul is told before they do)."""
    await insert_if_absent(
        session,
        NotifiedCase,
        {
            "case_id": case_id,
            "given_names": "",
            "family_names": "",
            "sex": "unknown",
            "date_of_birth": None,
            "age_years": 0,
            "nationalities": [],
            "returned_national": False,
            "registered_at": at,
            "registration_seen": False,
            "screening_sequence": 0,
            "international_protection_need": False,
            "trafficking_suspected": False,
        },
        ["case_id"],
    )
    case = await session.scalar(
        select(NotifiedCase).where(NotifiedCase.case_id == case_id).with_for_update()
    )
    assert case is not None
    return case


async def _decide(
    session: AsyncSession,
    case: NotifiedCase,
    was_open: list[str],
    *,
    country: str,
    now: datetime,
) -> None:
    """After any change to the case's need: plan the consular notice if the firewall allows
    one, else keep the consulate out (and alert if it may already know)."""
    reasons = await need.reasons(session, case)
    if not reasons:
        await notices.consular(session, case, country=country, now=now)
        return
    await _need_opened(
        session,
        case.case_id,
        case,
        "; ".join(reasons),
        newly=not was_open,
        country=country,
        now=now,
    )


async def need_reasons(session: AsyncSession, case: NotifiedCase) -> list[str]:
    """The open protection need of the case, from this service's copy of the facts."""
    return await need.reasons(session, case)


async def _need_opened(
    session: AsyncSession,
    case_id: UUID,
    case: NotifiedCase | None,
    why: str,
    *,
    newly: bool,
    country: str,
    now: datetime,
) -> None:
    """Nothing not yet delivered may reach the consulate; a need that opens once the
    consulate may have been told (a delivery, or a try it answered) raises an alert."""
    await notices.block_consular(session, case_id, f"open protection need: {why}")
    await alerts.close_alert(
        session, case_id, AlertKind.CONSULAR_NOTICE_OVERDUE, country=country, now=now
    )
    if newly and case is not None and case.consular_contacted_at is not None:
        await alerts.raise_alert(
            session,
            case_id,
            AlertKind.FLAG_AFTER_CONSULAR_NOTICE,
            f"a protection need opened after the consulate was notified: {why}"[:500],
            country=country,
            now=now,
        )


async def on_shelter_assigned(
    session: AsyncSession, event: ShelterAssignedV1, *, now: datetime
) -> None:
    details = {
        "shelter_id": str(event.shelter_id),
        "shelter_name": event.shelter_name,
        "authority": event.authority,
        "reason": event.reason,
        "assigned_at": event.assigned_at.isoformat(),
    }
    case = await session.get(NotifiedCase, event.case_id)
    if case is not None:
        details["child"] = notices.case_facts(case)
    await notices.to_shelter(session, event.case_id, event.shelter_id, details, now)


async def on_protection_referral(
    session: AsyncSession, event: ProtectionReferralMadeV1, *, country: str, now: datetime
) -> None:
    """Referral decided; this service tells the refugee commission or the prosecutor (a
    national authority: protection data may go there, never to a consulate). While it is
    pending, no consulate hears of the child, whatever a later screening says."""
    await _follow_referral(session, event, country=country, now=now)
    message = {
        "type": "protection-referral",
        "referral_id": str(event.referral_id),
        "case_id": str(event.case_id),
        "kind": event.kind,
        "authority": event.authority,
        "authority_name": event.authority_name,
        "made_at": event.made_at.isoformat(),
    }
    case = await session.get(NotifiedCase, event.case_id)
    if case is not None:
        message["child"] = notices.case_facts(case)
    await notices.plan(
        session,
        case_id=event.case_id,
        purpose=f"protection-referral:{event.kind}",
        kind=notices.AUTHORITIES,
        key=event.authority,
        message=message,
        now=now,
    )


async def on_protection_referral_updated(
    session: AsyncSession, event: ProtectionReferralUpdatedV1, *, country: str, now: datetime
) -> None:
    """An acknowledged referral keeps the need open. A declined one no longer counts, but it
    notifies no consulate by itself: the next screening, or a resend, decides again."""
    await _follow_referral(session, event, country=country, now=now)


async def _follow_referral(
    session: AsyncSession,
    event: ProtectionReferralMadeV1 | ProtectionReferralUpdatedV1,
    *,
    country: str,
    now: datetime,
) -> None:
    case_id, authority = event.case_id, event.authority
    case = await session.scalar(
        select(NotifiedCase).where(NotifiedCase.case_id == case_id).with_for_update()
    )
    was_open = await need.reasons(session, case) if case is not None else []
    row = await referrals.record(session, event)
    if is_pending(row.status):
        why = f"protection referral to {authority} pending ({row.status})"
        await _need_opened(
            session, case_id, case, why, newly=not was_open, country=country, now=now
        )
