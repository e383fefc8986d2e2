"""Validation of the intake request bodies: every bad input is refused with an error whose
``loc`` names the field, so the API's 422 tells the OPI officer what to correct."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from services.intake import rules
from services.intake.schemas import ChildIn, RegistrationIn, ScreeningIn
from shared.contracts.enums import Accompaniment, RiskLevel, Sex, TraffickingIndicator
from tests.intake_fixtures import REGISTRATION, SCREENING


def registration(change: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    body = copy.deepcopy(REGISTRATION)
    if change is not None:
        change(body)
    return body


def screening(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SCREENING), **changes}


def refused(model: type[BaseModel], body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The ``loc`` of every error of a body the model must refuse."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return [tuple(error["loc"]) for error in caught.value.errors()]


def refused_at(model: type[BaseModel], body: dict[str, Any], loc: tuple[Any, ...]) -> None:
    locs = refused(model, body)
    assert any(found[: len(loc)] == loc for found in locs), f"no error at {loc}: {locs}"


def utc_today() -> date:
    return datetime.now(UTC).date()


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


# --- countries, subdivisions, phones, languages ------------------------------------------


def test_unknown_nationality_is_refused() -> None:
    body = registration(lambda b: b["child"].update(nationalities=["GT", "XX"]))
    assert refused(RegistrationIn, body) == [("child", "nationalities", 1)]


def test_lowercase_country_codes_are_normalised() -> None:
    def lower(body: dict[str, Any]) -> None:
        body["child"]["nationalities"] = ["gt", "hn"]
        body["family_contacts"][0]["country"] = "gt"
        body["returned_from"] = "us"

    parsed = RegistrationIn.model_validate(registration(lower))
    assert parsed.child.nationalities == ["GT", "HN"]
    assert parsed.family_contacts[0].country == "GT"
    assert parsed.returned_from == "US"


@pytest.mark.parametrize("code", ["XX", "G", "GTM", "", "12"])
def test_bad_returned_from_is_refused(code: str) -> None:
    body = registration(lambda b: b.update(returned_from=code))
    assert refused(RegistrationIn, body) == [("returned_from",)]


def test_family_contact_country_is_checked() -> None:
    body = registration(lambda b: b["family_contacts"][0].update(country="ZZ"))
    assert refused(RegistrationIn, body) == [("family_contacts", 0, "country")]


def test_no_nationality_is_refused() -> None:
    body = registration(lambda b: b["child"].update(nationalities=[]))
    assert refused(RegistrationIn, body) == [("child", "nationalities")]


@pytest.mark.parametrize("admin1", ["MX-ZZZ", "MX", "XX-CHP", "CHP", "MXCHP"])
def test_bad_subdivision_is_refused(admin1: str) -> None:
    body = registration(lambda b: b["detection_place"].update(admin1=admin1))
    assert refused(RegistrationIn, body) == [("detection_place", "admin1")]


def test_lowercase_subdivision_is_normalised() -> None:
    body = registration(lambda b: b["detection_place"].update(admin1="mx-chp"))
    assert RegistrationIn.model_validate(body).detection_place.admin1 == "MX-CHP"


@pytest.mark.parametrize("phone", ["5555-1234", "50255551234", "+", "+1", "+abc", "tel"])
def test_phone_not_in_e164_is_refused(phone: str) -> None:
    body = registration(lambda b: b["family_contacts"][0].update(phone=phone))
    assert refused(RegistrationIn, body) == [("family_contacts", 0, "phone")]


def test_phone_is_normalised_to_e164() -> None:
    body = registration(lambda b: b["family_contacts"][0].update(phone="+502 5555-1234"))
    assert RegistrationIn.model_validate(body).family_contacts[0].phone == "+50255551234"


def test_contact_without_phone_is_accepted() -> None:
    body = registration(lambda b: b["family_contacts"][0].pop("phone"))
    assert RegistrationIn.model_validate(body).family_contacts[0].phone is None


@pytest.mark.parametrize("language", ["xx", "spanish", "e", "es-MX", "zzz", ""])
def test_bad_language_is_refused(language: str) -> None:
    body = registration(lambda b: b["child"].update(languages=["es", language]))
    assert refused(RegistrationIn, body) == [("child", "languages", 1)]


@pytest.mark.parametrize(
    ("given", "stored"), [("es", "es"), ("ES", "es"), ("mam", "mam"), ("quc", "quc")]
)
def test_iso_639_1_and_639_3_languages_are_accepted(given: str, stored: str) -> None:
    body = registration(lambda b: b["child"].update(languages=[given]))
    assert RegistrationIn.model_validate(body).child.languages == [stored]


# --- age ----------------------------------------------------------------------------------


def test_date_of_birth_in_the_future_is_refused() -> None:
    tomorrow = utc_today() + timedelta(days=2)
    body = registration(lambda b: b["child"].update(date_of_birth=tomorrow.isoformat()))
    assert ("child", "date_of_birth") in refused(RegistrationIn, body)


# The age at detection needs both the birth date and the (local) date of detection, so it is
# a rule of the use case (services.intake.rules), reported as a 422 on child.date_of_birth.


def _problem(born: str, detected_at: str) -> str | None:
    detected = datetime.fromisoformat(detected_at)
    return rules.date_of_birth_problem(date.fromisoformat(born), detected.date())


def test_date_of_birth_giving_eighteen_at_detection_is_refused() -> None:
    # detected 2026-11-20 (local date): born 2008-11-20 is 18 that very day.
    assert _problem("2008-11-20", "2026-11-20T14:30:00-06:00") == (
        "the person was 18 or older when detected"
    )


def test_date_of_birth_giving_seventeen_at_detection_is_accepted() -> None:
    body = registration(lambda b: b["child"].update(date_of_birth="2008-11-21"))
    assert RegistrationIn.model_validate(body).child.date_of_birth == date(2008, 11, 21)
    assert _problem("2008-11-21", "2026-11-20T14:30:00-06:00") is None


def test_age_at_detection_uses_the_local_date_of_detection() -> None:
    # 2026-11-20T23:30-06:00 is already the 21st in UTC, but the child is still 17 locally.
    assert _problem("2008-11-21", "2026-11-20T23:30:00-06:00") is None


def test_leap_day_birth_is_still_seventeen_on_28_february() -> None:
    assert _problem("2008-02-29", "2026-02-28T10:00:00-06:00") is None


def test_leap_day_birth_is_eighteen_on_1_march() -> None:
    assert _problem("2008-02-29", "2026-03-01T10:00:00-06:00") == (
        "the person was 18 or older when detected"
    )


def test_date_of_birth_after_detection_is_refused() -> None:
    assert _problem("2026-11-23", "2026-11-20T10:00:00-06:00") == (
        "the date of birth is after the date of detection"
    )


def test_neither_date_of_birth_nor_estimated_age_is_refused() -> None:
    body = registration(lambda b: b["child"].pop("date_of_birth"))
    with pytest.raises(ValidationError, match="date_of_birth or estimated_age_years") as caught:
        RegistrationIn.model_validate(body)
    assert [tuple(error["loc"]) for error in caught.value.errors()] == [("child",)]


def test_null_date_of_birth_without_estimated_age_is_refused() -> None:
    body = registration(lambda b: b["child"].update(date_of_birth=None))
    assert refused(RegistrationIn, body) == [("child",)]


@pytest.mark.parametrize("years", [0, 11, 12, 17])
def test_estimated_age_alone_is_accepted(years: int) -> None:
    def estimated(body: dict[str, Any]) -> None:
        del body["child"]["date_of_birth"]
        body["child"]["estimated_age_years"] = years

    parsed = RegistrationIn.model_validate(registration(estimated))
    assert parsed.child.date_of_birth is None
    assert parsed.child.estimated_age_years == years


@pytest.mark.parametrize("years", [18, 25, -1])
def test_estimated_age_out_of_range_is_refused(years: int) -> None:
    def estimated(body: dict[str, Any]) -> None:
        del body["child"]["date_of_birth"]
        body["child"]["estimated_age_years"] = years

    assert refused(RegistrationIn, registration(estimated)) == [("child", "estimated_age_years")]


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


# --- time of detection ----------------------------------------------------------------------


@pytest.mark.parametrize("naive", ["2026-11-20T14:30:00", "2026-11-20 14:30:00"])
def test_naive_detected_at_is_refused(naive: str) -> None:
    body = registration(lambda b: b.update(detected_at=naive))
    assert refused(RegistrationIn, body) == [("detected_at",)]


def test_detected_at_in_the_future_is_refused() -> None:
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    body = registration(lambda b: b.update(detected_at=future))
    with pytest.raises(ValidationError, match="cannot be in the future") as caught:
        RegistrationIn.model_validate(body)
    assert [tuple(error["loc"]) for error in caught.value.errors()] == [("detected_at",)]


def test_detected_at_in_utc_is_accepted() -> None:
    body = registration(lambda b: b.update(detected_at="2026-11-20T20:30:00Z"))
    assert RegistrationIn.model_validate(body).detected_at == datetime(
        2026, 11, 20, 20, 30, tzinfo=UTC
    )


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


# --- screening ------------------------------------------------------------------------------


def test_the_example_screening_is_accepted_as_is() -> None:
    body = screening()
    parsed = ScreeningIn.model_validate(body)

    assert body == SCREENING
    assert parsed.asylum_intent is False
    assert parsed.fear_of_return is False
    assert parsed.trafficking_indicators == []
    assert parsed.violence_indicators == []
    assert parsed.health_needs == []
    assert parsed.pregnant is None
    assert parsed.family_in_destination is None
    assert parsed.risk_level is RiskLevel.LOW
    assert parsed.recommendations is None
    assert parsed.interview_notes == "Travelling to join her mother."


def test_known_trafficking_indicators_are_accepted() -> None:
    every = [indicator.value for indicator in TraffickingIndicator]
    parsed = ScreeningIn.model_validate(screening(trafficking_indicators=every))
    assert parsed.trafficking_indicators == list(TraffickingIndicator)


def test_unknown_trafficking_indicator_is_refused() -> None:
    body = screening(trafficking_indicators=["debt_bondage", "smuggled"])
    assert refused(ScreeningIn, body) == [("trafficking_indicators", 1)]


def test_unknown_violence_indicator_and_health_need_are_refused() -> None:
    body = screening(violence_indicators=["bullying"], health_needs=["flu"])
    assert sorted(refused(ScreeningIn, body)) == [("health_needs", 0), ("violence_indicators", 0)]


@pytest.mark.parametrize("risk_level", [level.value for level in RiskLevel])
def test_every_risk_level_is_accepted(risk_level: str) -> None:
    assert ScreeningIn.model_validate(screening(risk_level=risk_level)).risk_level == risk_level


@pytest.mark.parametrize("risk_level", ["critical", "HIGH", "", None, 3])
def test_unknown_risk_level_is_refused(risk_level: Any) -> None:
    assert refused(ScreeningIn, screening(risk_level=risk_level)) == [("risk_level",)]


def test_missing_risk_level_is_refused() -> None:
    body = screening()
    del body["risk_level"]
    assert refused(ScreeningIn, body) == [("risk_level",)]


def test_screening_family_in_destination_is_a_country() -> None:
    assert ScreeningIn.model_validate(screening(family_in_destination="us")).family_in_destination
    assert refused(ScreeningIn, screening(family_in_destination="XX")) == [
        ("family_in_destination",)
    ]


def test_unknown_screening_field_is_refused() -> None:
    assert refused(ScreeningIn, screening(notes="free text")) == [("notes",)]
