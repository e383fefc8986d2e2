"""The notification service's view of a case, and what each intake or referral event means
for what the outside world must be told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import alerts, notices
from services.notification.models import NotifiedCase
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.notification import AlertKind
from shared.contracts.protection_referral import ProtectionReferralMadeV1
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
    if event.sequence <= case.screening_sequence:
        return  # an older screening arriving late changes nothing
    case.screening_sequence = event.sequence
    case.first_screened_at = case.first_screened_at or event.screened_at
    case.international_protection_need = event.international_protection_need
    case.trafficking_suspected = event.trafficking_suspected
    await alerts.close_alert(
        session, case.case_id, AlertKind.SCREENING_OVERDUE, country=country, now=now
    )
    if not case.protection_flag_open:
        await notices.consular(session, case, country=country, now=now)
        return
    await notices.block_consular(session, case.case_id, "a protection flag is open")
    await alerts.close_alert(
        session, case.case_id, AlertKind.CONSULAR_NOTICE_OVERDUE, country=country, now=now
    )
    if case.consular_notified_at is not None:
        await alerts.raise_alert(
            session,
            case.case_id,
            AlertKind.FLAG_AFTER_CONSULAR_NOTICE,
            "a protection flag was raised after the consulate was notified",
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
    session: AsyncSession, event: ProtectionReferralMadeV1, *, now: datetime
) -> None:
    """Referral decided; this service tells the refugee commission or the prosecutor (a
    national authority: protection data may go there, never to a consulate)."""
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
