"""Non-refoulement rules of an assisted return, and its request bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from services.referral.models import ReferralCase
from services.referral.returns import OpenReferral, reasons_against_return
from services.referral.schemas import HandoverIn, ReturnIn


def _case(**changes: Any) -> ReferralCase:
    values: dict[str, Any] = {
        "case_id": uuid4(),
        "age_group": "12-17",
        "sex": "female",
        "nationalities": ["GT"],
        "admin1": "MX-CHP",
        "registered_at": datetime.now(UTC),
        "screening_sequence": 1,
        "trafficking_suspected": False,
        "international_protection_need": False,
        "closed": False,
    }
    return ReferralCase(**{**values, **changes})


COMAR = OpenReferral("refugee_commission", "COMAR", "sent")
FGR = OpenReferral("prosecutor", "FGR-FEVIMTRA", "acknowledged")


def test_a_screened_foreign_child_without_open_needs_may_be_returned() -> None:
    assert reasons_against_return(_case(), [], "MX") == []


@pytest.mark.parametrize(
    ("case", "referrals", "words"),
    [
        (_case(screening_sequence=0), [], "not been screened"),
        (_case(nationalities=["MX"]), [], "national of MX"),
        (_case(nationalities=["GT", "MX"]), [], "national of MX"),
        (_case(nationalities=[]), [], "nationality is unknown"),
        (_case(international_protection_need=True), [], "international protection"),
        (_case(), [COMAR], "refugee commission (COMAR) is still pending (sent)"),
        (_case(trafficking_suspected=True), [], "presumed victim of trafficking"),
        (_case(), [FGR], "prosecutor (FGR-FEVIMTRA) is still open (acknowledged)"),
    ],
)
def test_each_reason_is_said_in_words(
    case: ReferralCase, referrals: list[OpenReferral], words: str
) -> None:
    (reason,) = reasons_against_return(case, referrals, "MX")
    assert words in reason


def test_every_open_need_is_named() -> None:
    case = _case(international_protection_need=True, trafficking_suspected=True)
    reasons = reasons_against_return(case, [COMAR, FGR], "MX")
    assert len(reasons) == 4
    assert reasons[0].startswith("Non-refoulement") and reasons[1].startswith("Non-refoulement")


def test_return_body_needs_an_aware_date_and_names_the_fields() -> None:
    with pytest.raises(ValidationError) as error:
        ReturnIn.model_validate(
            {"scheduled_for": "2030-01-01T10:00:00", "handover_place": "", "extra": 1}
        )
    fields = {e["loc"][0] for e in error.value.errors()}
    assert fields == {"scheduled_for", "handover_place", "escorting_officer", "extra"}
    ok = ReturnIn.model_validate(
        {
            "scheduled_for": "2030-01-01T10:00:00-06:00",
            "handover_place": " Puente Rodolfo Robles ",
            "escorting_officer": "Oficial Pérez",
        }
    )
    assert ok.handover_place == "Puente Rodolfo Robles" and ok.scheduled_for.utcoffset()


def test_handover_body_needs_an_aware_date_and_the_receiver() -> None:
    with pytest.raises(ValidationError) as error:
        HandoverIn.model_validate({"handed_over_at": "2030-01-01 10:00"})
    assert {e["loc"][0] for e in error.value.errors()} == {"handed_over_at", "received_by"}
