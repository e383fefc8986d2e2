"""Event payload contracts: valid examples, tolerant readers, immutable values and the codes
validated inside payloads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts.child import ChildIdentity, EventModel
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from tests.unit.contract_examples import CASE_ID, CHILD, PAYLOAD_MODELS, PAYLOADS, PLACE


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
