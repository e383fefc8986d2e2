"""Validation of the whole registration body: the example is accepted, enumerations are
closed, unknown fields are refused and missing ones are named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.intake.schemas import ChildIn, RegistrationIn
from shared.contracts.enums import Accompaniment, Sex
from tests.intake_fixtures import REGISTRATION
from tests.unit.validation_helpers import refused, refused_at, registration

# --- the example registration ------------------------------------------------------------


def test_the_example_registration_is_accepted_as_is() -> None:
    body = registration()
    parsed = RegistrationIn.model_validate(body)

    assert body == REGISTRATION  # validation does not mutate the input
    assert parsed.child.given_names == "Ana Lucía"
    assert parsed.child.family_names == "Pérez López"
    assert parsed.child.sex is Sex.FEMALE
    assert parsed.child.date_of_birth == date(2011, 3, 14)
    assert parsed.child.date_of_birth_estimated is False
    assert parsed.child.estimated_age_years is None
    assert parsed.child.nationalities == ["GT"]
    assert parsed.child.languages == ["es"]
    assert parsed.accompaniment is Accompaniment.UNACCOMPANIED
    assert parsed.detected_at == datetime(2026, 11, 20, 20, 30, tzinfo=UTC)
    assert parsed.detected_at.utcoffset() == timedelta(hours=-6)
    assert parsed.detection_place.admin1 == "MX-CHP"
    assert parsed.detection_place.point == "Ciudad Hidalgo"
    [contact] = parsed.family_contacts
    assert (contact.name, contact.relationship, contact.phone, contact.country) == (
        "María López",
        "mother",
        "+50255551234",
        "GT",
    )
    assert parsed.sibling_case_ids == []
    assert parsed.returned_from is None


def test_the_example_registration_is_accepted_from_json() -> None:
    import json

    parsed = RegistrationIn.model_validate_json(json.dumps(REGISTRATION))
    assert parsed == RegistrationIn.model_validate(REGISTRATION)


# --- enumerations ---------------------------------------------------------------------------


@pytest.mark.parametrize("sex", ["f", "FEMALE", "woman", "", None])
def test_unknown_sex_is_refused(sex: Any) -> None:
    body = registration(lambda b: b["child"].update(sex=sex))
    assert refused(RegistrationIn, body) == [("child", "sex")]


@pytest.mark.parametrize("sex", [s.value for s in Sex])
def test_every_sex_is_accepted(sex: str) -> None:
    body = registration(lambda b: b["child"].update(sex=sex))
    assert RegistrationIn.model_validate(body).child.sex == sex


@pytest.mark.parametrize("accompaniment", ["alone", "Unaccompanied", "with_smuggler", ""])
def test_unknown_accompaniment_is_refused(accompaniment: str) -> None:
    body = registration(lambda b: b.update(accompaniment=accompaniment))
    assert refused(RegistrationIn, body) == [("accompaniment",)]


@pytest.mark.parametrize("accompaniment", [a.value for a in Accompaniment])
def test_every_accompaniment_is_accepted(accompaniment: str) -> None:
    body = registration(lambda b: b.update(accompaniment=accompaniment))
    assert RegistrationIn.model_validate(body).accompaniment == accompaniment


# --- extra fields ---------------------------------------------------------------------------


def test_unknown_top_level_field_is_refused() -> None:
    body = registration(lambda b: b.update(nickname="Anita"))
    assert refused(RegistrationIn, body) == [("nickname",)]


def test_unknown_child_field_is_refused() -> None:
    body = registration(lambda b: b["child"].update(eye_colour="brown"))
    assert refused(RegistrationIn, body) == [("child", "eye_colour")]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda b: b["detection_place"].update(municipality="Suchiate"), ("detection_place",)),
        (
            lambda b: b["family_contacts"][0].update(phone_number="+50255551234"),
            ("family_contacts", 0),
        ),
        (
            lambda b: b["child"].update(
                documents=[
                    {"type": "passport", "number": "A1", "issuing_country": "GT", "expiry": "x"}
                ]
            ),
            ("child", "documents", 0),
        ),
    ],
    ids=["detection_place", "family_contact", "document"],
)
def test_unknown_nested_field_is_refused(
    change: Callable[[dict[str, Any]], object], loc: tuple[Any, ...]
) -> None:
    refused_at(RegistrationIn, registration(change), loc)


# --- required fields ------------------------------------------------------------------------


def test_missing_required_fields_are_named() -> None:
    locs = refused(RegistrationIn, {"child": {}})
    for loc in [
        ("accompaniment",),
        ("detected_at",),
        ("detection_place",),
        ("child", "given_names"),
        ("child", "family_names"),
        ("child", "sex"),
        ("child", "nationalities"),
    ]:
        assert loc in locs


def test_empty_names_are_refused() -> None:
    body = registration(lambda b: b["child"].update(given_names=""))
    assert refused(RegistrationIn, body) == [("child", "given_names")]


def test_child_in_is_strict_on_its_own() -> None:
    child = {**copy.deepcopy(REGISTRATION["child"]), "unexpected": True}
    assert refused(ChildIn, child) == [("unexpected",)]
