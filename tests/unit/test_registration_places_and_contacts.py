"""Validation of where, when and with whom in a registration: countries, subdivisions,
phones, languages and the time of detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.schemas import RegistrationIn
from tests.unit.validation_helpers import refused, registration

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
