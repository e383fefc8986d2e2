"""One valid example payload for every event contract, shared by the contract tests."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.contracts.assisted_return import (
    CaseClosedV1,
    ChildHandedOverV1,
    ReturnScheduledV1,
    ReturnWithdrawnV1,
)
from shared.contracts.catalogue import ALL_CONTRACTS
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.notification import (
    AlertClosedV1,
    AlertRaisedV1,
    AuthorityNotifiedV1,
    ConsularNotifiedV1,
)
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1

CASE_ID = "6f1c2a4e-8b1d-4c3e-9a7f-0d2e5b6c7a81"

CHILD: dict[str, Any] = {
    "given_names": "Ana Lucía",
    "family_names": "Pérez López",
    "sex": "female",
    "date_of_birth": "2011-03-14",
    "date_of_birth_estimated": False,
    "age_years": 15,
    "age_group": "12-17",
    "nationalities": ["GT"],
    "languages": ["es"],
}
PLACE: dict[str, Any] = {"admin1": "MX-CHP", "point": "Ciudad Hidalgo"}

PAYLOADS: dict[type[BaseModel], dict[str, Any]] = {
    ChildRegisteredV1: {
        "case_id": CASE_ID,
        "country": "MX",
        "registered_at": "2026-11-20T21:00:00Z",
        "detected_at": "2026-11-20T14:30:00-06:00",
        "child": CHILD,
        "accompaniment": "unaccompanied",
        "detection_place": PLACE,
        "family_contacts": [
            {
                "name": "María López",
                "relationship": "mother",
                "phone": "+50255551234",
                "country": "GT",
            }
        ],
        "returned_national": False,
    },
    ScreeningCompletedV1: {
        "case_id": CASE_ID,
        "screening_id": "2d7e1c9a-4b3f-4a6e-8d2c-5f1e0a9b8c7d",
        "country": "MX",
        "sequence": 1,
        "rescreening": False,
        "screened_at": "2026-11-21T16:00:00Z",
        "registered_at": "2026-11-20T21:00:00Z",
        "international_protection_need": False,
        "trafficking_suspected": False,
        "protection_flags": [],
        "risk_level": "low",
        "child": CHILD,
        "accompaniment": "unaccompanied",
        "detection_place": PLACE,
        "returned_national": False,
    },
    ShelterAssignedV1: {
        "case_id": CASE_ID,
        "placement_id": "0b6d9a3c-2f41-4e58-8c7a-1d3e5f6a7b8c",
        "country": "MX",
        "shelter_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "shelter_name": "Albergue Temporal DIF Tapachula",
        "authority": "DIF",
        "admin1": "MX-CHP",
        "reason": "nearest shelter with a place for an adolescent girl",
        "assigned_at": "2026-11-21T18:00:00Z",
    },
    PlacementPendingV1: {
        "case_id": CASE_ID,
        "country": "MX",
        "age_group": "12-17",
        "sex": "female",
        "admin1": "MX-CHP",
        "needs_specialised_shelter": True,
        "reason": "no specialised shelter accepting female 12-17 has a free place",
        "pending_since": "2026-11-21T18:00:00Z",
    },
    PlacementReleasedV1: {
        "case_id": CASE_ID,
        "placement_id": "0b6d9a3c-2f41-4e58-8c7a-1d3e5f6a7b8c",
        "country": "MX",
        "shelter_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "reason": "reunified",
        "released_at": "2026-11-25T10:00:00Z",
    },
    ProtectionReferralMadeV1: {
        "referral_id": "5c4b3a29-1807-4f6e-9d5c-4b3a29180706",
        "case_id": CASE_ID,
        "country": "MX",
        "kind": "refugee_commission",
        "authority": "COMAR",
        "authority_name": "Comisión Mexicana de Ayuda a Refugiados",
        "status": "sent",
        "screening_id": "2d7e1c9a-4b3f-4a6e-8d2c-5f1e0a9b8c7d",
        "made_at": "2026-11-21T16:00:01Z",
    },
    ProtectionReferralUpdatedV1: {
        "referral_id": "5c4b3a29-1807-4f6e-9d5c-4b3a29180706",
        "case_id": CASE_ID,
        "country": "MX",
        "kind": "refugee_commission",
        "authority": "COMAR",
        "status": "acknowledged",
        "note": None,
        "updated_at": "2026-11-22T09:00:00Z",
    },
    ProtectionNeedClearedV1: {
        "clearance_id": "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d",
        "case_id": CASE_ID,
        "country": "MX",
        "cleared": ["international_protection"],
        "through_sequence": 2,
        "decided_at": "2026-11-29T16:00:00Z",
    },
    ConsularNotifiedV1: {
        "case_id": CASE_ID,
        "notice_id": "7e6d5c4b-3a29-4180-a706-f5e4d3c2b1a0",
        "country": "MX",
        "consulate_country": "GT",
        "channel": "webhook",
        "sent_at": "2026-11-21T16:00:05Z",
        "outcome": "delivered",
        "reference": "7e6d5c4b-3a29-4180-a706-f5e4d3c2b1a0",
    },
    AuthorityNotifiedV1: {
        "case_id": CASE_ID,
        "notice_id": "8f7e6d5c-4b3a-4291-b807-16f5e4d3c2b1",
        "country": "MX",
        "recipient": "Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
        "purpose": "child-registered",
        "channel": "email",
        "sent_at": "2026-11-20T21:00:03Z",
        "outcome": "delivered",
    },
    AlertRaisedV1: {
        "alert_id": "9a8f7e6d-5c4b-43a2-9918-27f6e5d4c3b2",
        "case_id": CASE_ID,
        "country": "MX",
        "kind": "screening_overdue",
        "detail": "registered and not screened within 24 h",
        "raised_at": "2026-11-21T21:00:00Z",
    },
    AlertClosedV1: {
        "alert_id": "9a8f7e6d-5c4b-43a2-9918-27f6e5d4c3b2",
        "case_id": CASE_ID,
        "country": "MX",
        "kind": "screening_overdue",
        "closed_at": "2026-11-21T22:00:00Z",
    },
    ReturnScheduledV1: {
        "case_id": CASE_ID,
        "return_id": "0b9a8f7e-6d5c-44b3-8a29-38e7f6d5c4b3",
        "country": "MX",
        "destination_country": "GT",
        "scheduled_for": "2026-12-02T15:00:00Z",
        "handover_place": "Puente Rodolfo Robles, Ciudad Hidalgo",
        "escorting_officer": "OPI Laura Méndez",
        "scheduled_at": "2026-11-28T10:00:00Z",
    },
    ReturnWithdrawnV1: {
        "case_id": CASE_ID,
        "return_id": "0b9a8f7e-6d5c-44b3-8a29-38e7f6d5c4b3",
        "country": "MX",
        "withdrawn_at": "2026-11-30T09:00:00Z",
    },
    ChildHandedOverV1: {
        "case_id": CASE_ID,
        "return_id": "0b9a8f7e-6d5c-44b3-8a29-38e7f6d5c4b3",
        "country": "MX",
        "destination_country": "GT",
        "handed_over_at": "2026-12-02T15:20:00Z",
        "handover_place": "Puente Rodolfo Robles, Ciudad Hidalgo",
        "received_by": "PGN Guatemala, oficial de turno",
    },
    CaseClosedV1: {
        "case_id": CASE_ID,
        "country": "MX",
        "outcome": "returned_and_received",
        "closed_at": "2026-12-02T18:00:00Z",
    },
}

PAYLOAD_MODELS = [contract.payload for contract in ALL_CONTRACTS]
