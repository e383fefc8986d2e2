"""Event contracts: versioned types in the catalogue, and the firewall that keeps protection
narratives inside intake."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

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
from shared.contracts.screening_completed import ScreeningCompletedV1
from tests.unit.contract_examples import PAYLOADS

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
