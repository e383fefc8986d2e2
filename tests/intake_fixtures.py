"""Bodies and helpers for tests of the intake service."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from shared.contracts.catalogue import SHELTER_ASSIGNED_V1
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.shelter_assigned import ShelterAssignedV1

REGISTRATION: dict[str, Any] = {
    "child": {
        "given_names": "Ana Lucía",
        "family_names": "Pérez López",
        "sex": "female",
        "date_of_birth": "2011-03-14",
        "date_of_birth_estimated": False,
        "nationalities": ["GT"],
        "languages": ["es"],
    },
    "accompaniment": "unaccompanied",
    "detected_at": "2026-11-20T14:30:00-06:00",
    "detection_place": {"admin1": "MX-CHP", "point": "Ciudad Hidalgo"},
    "family_contacts": [
        {"name": "María López", "relationship": "mother", "phone": "+50255551234", "country": "GT"}
    ],
}

SCREENING: dict[str, Any] = {
    "asylum_intent": False,
    "fear_of_return": False,
    "trafficking_indicators": [],
    "violence_indicators": [],
    "health_needs": [],
    "risk_level": "low",
    "interview_notes": "Travelling to join her mother.",
}


def registration(**child_changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(REGISTRATION)
    body["child"].update(child_changes)
    return body


def screening(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SCREENING), **changes}


def shelter_assigned(case_id: str, shelter_name: str = "Albergue Tapachula") -> OutgoingEvent:
    """A shelter-assigned event as the referral service would publish it."""
    now = datetime.now(UTC)
    payload = ShelterAssignedV1(
        case_id=case_id,
        placement_id=uuid4(),
        country="MX",
        shelter_id=uuid4(),
        shelter_name=shelter_name,
        authority="DIF",
        admin1="MX-CHP",
        reason="nearest shelter accepting girls 12-17",
        assigned_at=now,
    )
    return render(
        SHELTER_ASSIGNED_V1, payload, source="/opi/mx/referral", subject=case_id, time=now
    )
