"""Shelters and events for tests of the referral service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from shared.contracts.catalogue import (
    CHILD_REGISTERED_V1,
    PROTECTION_NEED_CLEARED_V1,
    SCREENING_COMPLETED_V1,
)
from shared.contracts.child import ChildIdentity, DetectionPlace, FamilyContact
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.screening_completed import ScreeningCompletedV1

INTAKE = "/opi/mx/intake"


def shelter(name: str, capacity: int, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "authority": "DIF",
        "admin1": "MX-CHP",
        "latitude": 14.9056,
        "longitude": -92.2630,
        "age_groups": ["0-11", "12-17"],
        "sexes": ["female", "male"],
        "trafficking_specialised": False,
        "capacity": capacity,
        **changes,
    }


def _child(sex: str, age: int, nationalities: tuple[str, ...]) -> ChildIdentity:
    return ChildIdentity(
        given_names="Niña",
        family_names="Prueba",
        sex=sex,
        date_of_birth=None,
        date_of_birth_estimated=True,
        age_years=age,
        age_group="0-11" if age < 12 else "12-17",
        nationalities=list(nationalities),
    )


def child_registered(
    case_id: UUID | None = None,
    *,
    sex: str = "female",
    age: int = 15,
    phone: str | None = None,
    siblings: list[UUID] | None = None,
    nationalities: tuple[str, ...] = ("GT",),
    registered_at: datetime | None = None,
) -> OutgoingEvent:
    case_id = case_id or uuid4()
    now = registered_at or datetime.now(UTC)
    contacts = [FamilyContact(name="Madre", relationship="mother", phone=phone)] if phone else []
    payload = ChildRegisteredV1(
        case_id=case_id,
        country="MX",
        registered_at=now,
        detected_at=now - timedelta(hours=2),
        child=_child(sex, age, nationalities),
        accompaniment="unaccompanied",
        detection_place=DetectionPlace(admin1="MX-CHP", point="Ciudad Hidalgo"),
        family_contacts=contacts,
        sibling_case_ids=siblings or [],
        returned_national="MX" in nationalities,
    )
    return render(CHILD_REGISTERED_V1, payload, source=INTAKE, subject=str(case_id), time=now)


def need_cleared(case_id: UUID, *kinds: str, through: int = 1) -> OutgoingEvent:
    """A supervisor's decision in intake clearing ``kinds`` up to screening ``through``."""
    now = datetime.now(UTC)
    payload = ProtectionNeedClearedV1(
        clearance_id=uuid4(),
        case_id=case_id,
        country="MX",
        cleared=list(kinds),
        through_sequence=through,
        decided_at=now,
    )
    return render(
        PROTECTION_NEED_CLEARED_V1, payload, source=INTAKE, subject=str(case_id), time=now
    )


def screening_completed(
    case_id: UUID,
    *,
    sequence: int = 1,
    asylum: bool = False,
    fear_of_return: bool = False,
    trafficking: bool = False,
    sex: str = "female",
    age: int = 15,
    nationalities: tuple[str, ...] = ("GT",),
) -> OutgoingEvent:
    now = datetime.now(UTC)
    payload = ScreeningCompletedV1(
        case_id=case_id,
        screening_id=uuid4(),
        country="MX",
        sequence=sequence,
        rescreening=sequence > 1,
        screened_at=now,
        registered_at=now - timedelta(hours=1),
        international_protection_need=asylum or fear_of_return,
        trafficking_suspected=trafficking,
        protection_flags=[],
        risk_level="high" if trafficking else "low",
        trafficking_indicators=["debt_bondage"] if trafficking else [],
        child=_child(sex, age, nationalities),
        accompaniment="unaccompanied",
        detection_place=DetectionPlace(admin1="MX-CHP", point="Ciudad Hidalgo"),
        returned_national="MX" in nationalities,
    )
    return render(SCREENING_COMPLETED_V1, payload, source=INTAKE, subject=str(case_id), time=now)
