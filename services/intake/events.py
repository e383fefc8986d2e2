"""The events intake emits, built from its rows and staged in the outbox."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.models import Case, NeedClearance, Screening
from shared.contracts.catalogue import (
    CHILD_REGISTERED_V1,
    PROTECTION_NEED_CLEARED_V1,
    SCREENING_COMPLETED_V1,
    EventContract,
)
from shared.contracts.child import ChildIdentity, DetectionPlace
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.protection_need import ProtectionNeedClearedV1, ProtectionNeedKind
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.platform import outbox

SERVICE = "intake"


def child_identity(case: Case) -> ChildIdentity:
    return ChildIdentity(
        given_names=case.given_names,
        family_names=case.family_names,
        name_since_separation=case.name_since_separation,
        sex=case.sex,
        date_of_birth=case.date_of_birth,
        date_of_birth_estimated=case.date_of_birth_estimated,
        age_years=case.age_years,
        age_group=case.age_group,
        nationalities=case.nationality_codes,
        languages=case.languages,
        documents=case.documents,
    )


def detection_place(case: Case) -> DetectionPlace:
    return DetectionPlace(
        admin1=case.detection_admin1,
        point=case.detection_point,
        latitude=case.detection_latitude,
        longitude=case.detection_longitude,
    )


def child_registered(case: Case) -> ChildRegisteredV1:
    return ChildRegisteredV1(
        case_id=case.id,
        country=case.country,
        registered_at=case.registered_at,
        detected_at=case.detected_at,
        child=child_identity(case),
        accompaniment=case.accompaniment,
        detection_place=detection_place(case),
        family_contacts=case.family_contacts,
        sibling_case_ids=case.sibling_case_ids,
        returned_national=case.returned_national,
    )


def screening_completed(case: Case, screening: Screening) -> ScreeningCompletedV1:
    return ScreeningCompletedV1(
        case_id=case.id,
        screening_id=screening.id,
        country=case.country,
        sequence=screening.sequence,
        rescreening=screening.rescreening,
        screened_at=screening.screened_at,
        registered_at=case.registered_at,
        international_protection_need=screening.international_protection_need,
        trafficking_suspected=screening.trafficking_suspected,
        protection_flags=screening.protection_flags,
        risk_level=screening.risk_level,
        trafficking_indicators=screening.trafficking_indicators,
        violence_indicators=screening.violence_indicators,
        health_needs=screening.health_needs,
        child=child_identity(case),
        accompaniment=case.accompaniment,
        detection_place=detection_place(case),
        returned_national=case.returned_national,
    )


def stage(
    session: AsyncSession, contract: EventContract, payload: BaseModel, case: Case, at: datetime
) -> None:
    outbox.stage(
        session, contract, payload, country=case.country, service=SERVICE, case_id=case.id, at=at
    )


def stage_child_registered(session: AsyncSession, case: Case) -> None:
    stage(session, CHILD_REGISTERED_V1, child_registered(case), case, case.registered_at)


def stage_screening_completed(session: AsyncSession, case: Case, screening: Screening) -> None:
    payload = screening_completed(case, screening)
    stage(session, SCREENING_COMPLETED_V1, payload, case, screening.screened_at)


def stage_protection_need_cleared(
    session: AsyncSession, case: Case, clearance: NeedClearance
) -> None:
    # the decision, never its reason: that stays in intake's record
    payload = ProtectionNeedClearedV1(
        clearance_id=clearance.id,
        case_id=case.id,
        country=case.country,
        cleared=[ProtectionNeedKind(kind) for kind in clearance.cleared],
        through_sequence=clearance.through_sequence,
        decided_at=clearance.decided_at,
    )
    stage(session, PROTECTION_NEED_CLEARED_V1, payload, case, clearance.decided_at)
