"""Event payload contracts: tolerant readers, immutable values, versioned types, the firewall."""

from __future__ import annotations

import re
import types
import typing
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts import topics
from shared.contracts.catalogue import (
    ALL_CONTRACTS,
    BY_TYPE,
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    TYPE_PREFIX,
    EventContract,
)
from shared.contracts.child import ChildIdentity, EventModel
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.notification import (
    AlertClosedV1,
    AlertRaisedV1,
    AuthorityNotifiedV1,
    ConsularNotifiedV1,
)
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
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
}

PAYLOAD_MODELS = [contract.payload for contract in ALL_CONTRACTS]


def test_every_contract_has_an_example_here() -> None:
    assert set(PAYLOADS) == set(PAYLOAD_MODELS)


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda m: m.__name__)
def test_example_payload_is_valid_and_round_trips(model: type[BaseModel]) -> None:
    payload = model.model_validate(PAYLOADS[model])
    assert model.model_validate(payload.model_dump(mode="json")) == payload
    assert model.model_validate_json(payload.model_dump_json()) == payload


# --- schema evolution: consumers ignore what they do not know -------------------------------


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda m: m.__name__)
def test_payload_ignores_unknown_fields(model: type[BaseModel]) -> None:
    newer = {**PAYLOADS[model], "added_in_a_later_release": {"any": ["thing"]}}
    payload = model.model_validate(newer)
    assert payload == model.model_validate(PAYLOADS[model])
    assert not hasattr(payload, "added_in_a_later_release")
    assert "added_in_a_later_release" not in payload.model_dump()


@pytest.mark.parametrize(
    "model", [ChildRegisteredV1, ScreeningCompletedV1], ids=lambda m: m.__name__
)
def test_nested_parts_ignore_unknown_fields(model: type[BaseModel]) -> None:
    newer = {
        **PAYLOADS[model],
        "child": {**CHILD, "preferred_name": "Anita"},
        "detection_place": {**PLACE, "what3words": "a.b.c"},
    }
    assert model.model_validate(newer) == model.model_validate(PAYLOADS[model])


def test_unknown_fields_from_json_are_ignored() -> None:
    import json

    body = json.dumps({**PAYLOADS[ShelterAssignedV1], "bed_number": 12})
    assert ShelterAssignedV1.model_validate_json(body).shelter_name


# --- immutability -------------------------------------------------------------------------


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda m: m.__name__)
def test_payload_is_frozen(model: type[BaseModel]) -> None:
    payload = model.model_validate(PAYLOADS[model])
    assert model.model_config.get("frozen") is True
    with pytest.raises(ValidationError, match="frozen"):
        payload.case_id = UUID(int=0)  # type: ignore[misc]
    assert payload.case_id == UUID(CASE_ID)  # type: ignore[attr-defined]


def test_nested_child_identity_is_frozen() -> None:
    payload = ChildRegisteredV1.model_validate(PAYLOADS[ChildRegisteredV1])
    with pytest.raises(ValidationError, match="frozen"):
        payload.child.age_years = 17  # type: ignore[misc]


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda m: m.__name__)
def test_payloads_compare_by_value(model: type[BaseModel]) -> None:
    first = model.model_validate(PAYLOADS[model])
    second = model.model_validate(PAYLOADS[model])
    assert first == second
    assert first is not second


@pytest.mark.parametrize("model", PAYLOAD_MODELS, ids=lambda m: m.__name__)
def test_payloads_are_event_models(model: type[BaseModel]) -> None:
    assert issubclass(model, EventModel)
    assert model.model_config.get("extra") == "ignore"


# --- the firewall: protection narratives never leave intake ---------------------------------


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every field name of a model and of the models nested in it, at any depth."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(name)
        if field.alias:
            names.add(field.alias)
        for nested in _models_in(field.annotation):
            names |= _field_names(nested, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return []
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found.extend(_models_in(argument))
    return found


def test_field_walk_reaches_nested_models() -> None:
    names = _field_names(ScreeningCompletedV1)
    assert {"case_id", "child", "given_names", "admin1", "age_group"} <= names


@pytest.mark.parametrize("forbidden", ["note", "narrative"])
def test_screening_completed_cannot_carry_interview_notes(forbidden: str) -> None:
    carrying = sorted(name for name in _field_names(ScreeningCompletedV1) if forbidden in name)
    assert carrying == [], f"ScreeningCompletedV1 must not carry {forbidden}s: {carrying}"


def test_screening_completed_drops_interview_notes_sent_to_it() -> None:
    leaked = {
        **PAYLOADS[ScreeningCompletedV1],
        "interview_notes": "She described threats from a gang in her town.",
        "recommendations": "Refer to COMAR.",
    }
    dumped = ScreeningCompletedV1.model_validate(leaked).model_dump_json()
    assert "gang" not in dumped
    assert "interview_notes" not in dumped
    assert "COMAR" not in dumped


# --- the catalogue --------------------------------------------------------------------------


VERSIONED_TYPE = re.compile(r"^(?P<prefix>.+)\.(?P<name>[a-z][a-z0-9-]*)\.v(?P<version>[1-9]\d*)$")


def test_contract_types_are_unique() -> None:
    kinds = [contract.type for contract in ALL_CONTRACTS]
    assert len(kinds) == len(set(kinds))
    assert set(BY_TYPE) == set(kinds)
    assert all(BY_TYPE[contract.type] is contract for contract in ALL_CONTRACTS)


def test_contract_payloads_are_unique() -> None:
    payloads = [contract.payload for contract in ALL_CONTRACTS]
    assert len(payloads) == len(set(payloads))


@pytest.mark.parametrize("contract", ALL_CONTRACTS, ids=lambda c: c.type)
def test_contract_type_is_versioned_and_its_topic_is_the_event_name(
    contract: EventContract,
) -> None:
    match = VERSIONED_TYPE.match(contract.type)
    assert match, f"{contract.type} does not end in .v<N>"
    assert match["prefix"] == TYPE_PREFIX
    assert contract.topic == match["name"]
    assert contract.payload.__name__.endswith(f"V{match['version']}")


def test_catalogue_covers_the_national_topics() -> None:
    assert {contract.topic for contract in ALL_CONTRACTS} == set(topics.NATIONAL_TOPICS)


def test_known_contracts() -> None:
    assert CHILD_REGISTERED_V1.type == "org.rcm.opi.child-registered.v1"
    assert CHILD_REGISTERED_V1.topic == topics.CHILD_REGISTERED == "child-registered"
    assert SCREENING_COMPLETED_V1.type == "org.rcm.opi.screening-completed.v1"
    assert SCREENING_COMPLETED_V1.topic == topics.SCREENING_COMPLETED == "screening-completed"
    assert SHELTER_ASSIGNED_V1.type == "org.rcm.opi.shelter-assigned.v1"
    assert SHELTER_ASSIGNED_V1.topic == topics.SHELTER_ASSIGNED == "shelter-assigned"


def test_contracts_are_immutable() -> None:
    from dataclasses import FrozenInstanceError

    with pytest.raises(FrozenInstanceError):
        CHILD_REGISTERED_V1.topic = "elsewhere"  # type: ignore[misc]


def test_dead_letter_topic() -> None:
    assert topics.dead_letter_topic("x") == "x.dlq"
    assert topics.dead_letter_topic(topics.CHILD_REGISTERED) == "child-registered.dlq"
    assert topics.DEAD_LETTER_SUFFIX == ".dlq"


# --- validated codes inside payloads -------------------------------------------------------


def test_child_identity_age_is_a_minor_age() -> None:
    with pytest.raises(ValidationError) as caught:
        ChildIdentity.model_validate({**CHILD, "age_years": 18})
    assert [tuple(error["loc"]) for error in caught.value.errors()] == [("age_years",)]


def test_payload_codes_are_validated_and_normalised() -> None:
    payload = ShelterAssignedV1.model_validate(
        {**PAYLOADS[ShelterAssignedV1], "country": "mx", "admin1": "mx-chp"}
    )
    assert (payload.country, payload.admin1) == ("MX", "MX-CHP")
    with pytest.raises(ValidationError):
        ShelterAssignedV1.model_validate({**PAYLOADS[ShelterAssignedV1], "country": "XX"})


def test_screening_sequence_starts_at_one() -> None:
    with pytest.raises(ValidationError):
        ScreeningCompletedV1.model_validate({**PAYLOADS[ScreeningCompletedV1], "sequence": 0})


def test_example_dates_parse() -> None:
    payload = ChildRegisteredV1.model_validate(PAYLOADS[ChildRegisteredV1])
    assert payload.child.date_of_birth == date(2011, 3, 14)
    assert payload.registered_at == datetime(2026, 11, 20, 21, 0, tzinfo=UTC)
