"""Validation of the child's age in a registration: a date of birth or an estimated age,
and under 18 at the (local) date of detection."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake import rules
from services.intake.schemas import RegistrationIn
from tests.unit.validation_helpers import refused, registration, utc_today

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
