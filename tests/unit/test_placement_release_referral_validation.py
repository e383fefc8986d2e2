"""Validation of the placement, release and referral-status bodies of the referral API:
what FastAPI answers with 422."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from services.referral.schemas import PlacementIn, ReferralStatusIn, ReleaseIn
from shared.contracts.placement import ReleaseReason
from shared.contracts.protection_referral import ReferralStatus
from tests.unit.validation_helpers import error_locs, rejects

# PlacementIn


def placement(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_id": str(uuid4()),
        "shelter_id": str(uuid4()),
        "reason": "siblings already there",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize("reason", ["abc", "x" * 500])
def test_a_placement_reason_of_three_to_five_hundred_characters_is_accepted(reason: str) -> None:
    assert PlacementIn.model_validate(placement(reason=reason)).reason == reason


@pytest.mark.parametrize("reason", ["", "ab", "x" * 501])
def test_a_placement_reason_too_short_or_too_long_is_refused(reason: str) -> None:
    rejects(PlacementIn, placement(reason=reason), "reason")


def test_a_blank_placement_reason_is_refused() -> None:
    rejects(PlacementIn, placement(reason="   "), "reason")


@pytest.mark.parametrize("field", ["case_id", "shelter_id", "reason"])
def test_a_placement_needs_every_field(field: str) -> None:
    body = placement()
    del body[field]
    assert error_locs(PlacementIn, body) == [(field,)]


@pytest.mark.parametrize("field", ["case_id", "shelter_id"])
def test_a_placement_needs_uuids(field: str) -> None:
    rejects(PlacementIn, placement(**{field: "not-a-uuid"}), field)


def test_a_placement_refuses_extra_fields() -> None:
    rejects(PlacementIn, placement(manual=False), "manual")


# ReleaseIn

RELEASE_REASONS = ["returned", "reunified", "transferred", "absconded", "refugee_status", "other"]


def test_release_reasons_are_exactly_these() -> None:
    assert sorted(r.value for r in ReleaseReason) == sorted(RELEASE_REASONS)


@pytest.mark.parametrize("reason", RELEASE_REASONS)
def test_a_release_accepts_each_reason(reason: str) -> None:
    assert ReleaseIn.model_validate({"reason": reason}).reason == ReleaseReason(reason)


@pytest.mark.parametrize("reason", ["escaped", "RETURNED", "refugee status", "", None, 1])
def test_a_release_refuses_other_reasons(reason: Any) -> None:
    rejects(ReleaseIn, {"reason": reason}, "reason")


def test_a_release_needs_a_reason_and_nothing_else() -> None:
    assert error_locs(ReleaseIn, {}) == [("reason",)]
    rejects(ReleaseIn, {"reason": "other", "note": "x"}, "note")


# ReferralStatusIn


@pytest.mark.parametrize("status", ["sent", "acknowledged", "declined", "concluded"])
def test_a_referral_status_accepts_each_status(status: str) -> None:
    body = ReferralStatusIn.model_validate({"status": status})
    assert body.status == ReferralStatus(status)
    assert body.note is None


def test_referral_statuses_are_exactly_these() -> None:
    assert {s.value for s in ReferralStatus} == {"sent", "acknowledged", "declined", "concluded"}


@pytest.mark.parametrize("status", ["closed", "Sent", "", None])
def test_a_referral_status_refuses_other_statuses(status: Any) -> None:
    rejects(ReferralStatusIn, {"status": status}, "status")


def test_a_referral_status_note_is_at_most_a_thousand_characters() -> None:
    assert ReferralStatusIn.model_validate({"status": "declined", "note": "x" * 1000}).note
    rejects(ReferralStatusIn, {"status": "declined", "note": "x" * 1001}, "note")


def test_a_referral_status_refuses_extra_fields() -> None:
    rejects(ReferralStatusIn, {"status": "sent", "authority": "COMAR"}, "authority")
