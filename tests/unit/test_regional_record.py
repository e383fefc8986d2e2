"""The anonymised regional record: only allowed fields, day precision, irreversible keys."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from services.reporting.pseudonym import case_key
from shared.contracts.regional import ALLOWED_FIELDS, CaseEventRecordV1

SECRET = b"s" * 32


def _record(**changes) -> dict:
    return {
        "case_key": case_key(uuid4(), SECRET),
        "country": "MX",
        "event_type": "registered",
        "event_date": "2026-11-20",
        "nationality": "GT",
        "sex": "female",
        "age_group": "12-17",
        "accompaniment": "unaccompanied",
        "admin1": "MX-CHP",
        **changes,
    }


def test_a_record_carries_only_the_allowed_fields() -> None:
    record = CaseEventRecordV1.model_validate(_record())
    assert set(record.model_dump()) == ALLOWED_FIELDS
    assert {
        "case_key",
        "country",
        "event_type",
        "event_date",
        "nationality",
        "sex",
        "age_group",
        "accompaniment",
        "admin1",
        "international_protection_need",
        "trafficking_suspected",
        "outcome",
    } == ALLOWED_FIELDS


@pytest.mark.parametrize(
    "extra",
    [
        {"given_names": "Ana"},
        {"date_of_birth": "2011-03-14"},
        {"phone": "+50255551234"},
        {"interview_notes": "x"},
        {"shelter_id": str(uuid4())},
        {"case_id": str(uuid4())},
    ],
)
def test_identifying_fields_are_refused(extra: dict) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        CaseEventRecordV1.model_validate(_record(**extra))


def test_dates_are_days_and_places_are_subdivisions() -> None:
    assert CaseEventRecordV1.model_validate(_record()).event_date == date(2026, 11, 20)
    with pytest.raises(ValidationError):
        CaseEventRecordV1.model_validate(_record(event_date="2026-11-20T14:30:00-06:00"))
    with pytest.raises(ValidationError):
        CaseEventRecordV1.model_validate(_record(admin1="Ciudad Hidalgo"))
    with pytest.raises(ValidationError):
        CaseEventRecordV1.model_validate(_record(outcome="returned to mother in Quetzaltenango"))


def test_case_keys_are_stable_secret_dependent_and_not_the_case_id() -> None:
    case_id = UUID("6f1c2a4e-8b1d-4c3e-9a7f-0d2e5b6c7a81")
    key = case_key(case_id, SECRET)
    assert key == case_key(case_id, SECRET) and len(key) == 64
    assert key != case_key(case_id, b"t" * 32)
    assert case_id.hex not in key and key != case_key(uuid4(), SECRET)
    with pytest.raises(ValueError, match="at least 32 bytes"):
        case_key(case_id, b"short")
