"""Events of an assisted return: scheduled (referral), the child handed over at the border
(referral), and the case closed once the country of origin confirms reception (intake)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode


class ReturnScheduledV1(EventModel):
    """After the best-interests decision: never while a protection need or an asylum
    referral is open (non-refoulement)."""

    case_id: UUID
    return_id: UUID
    country: CountryCode
    destination_country: CountryCode = Field(description="the child's country of origin")
    scheduled_for: datetime
    handover_place: str = Field(min_length=1, max_length=300)
    escorting_officer: str = Field(min_length=1, max_length=200)
    scheduled_at: datetime


class ChildHandedOverV1(EventModel):
    case_id: UUID
    return_id: UUID
    country: CountryCode
    destination_country: CountryCode
    handed_over_at: datetime
    handover_place: str = Field(min_length=1, max_length=300)
    received_by: str = Field(
        min_length=1, max_length=200, description="the receiving authority's officer"
    )


class CaseOutcome(StrEnum):
    RETURNED_AND_RECEIVED = "returned_and_received"


class CaseClosedV1(EventModel):
    case_id: UUID
    country: CountryCode
    outcome: CaseOutcome
    closed_at: datetime
