"""Events of an assisted return: scheduled (referral), withdrawn when it may no longer go
ahead (referral), the child handed over at the border (referral), and the case closed once
the country of origin confirms reception, or a handover it received is withdrawn (intake)."""

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


class ReturnWithdrawnV1(EventModel):
    """A scheduled return that may no longer go ahead (a protection need opened: the return
    is blocked). Carries no reason: intake passes the withdrawal on to the country of
    origin, which must not learn why (the firewall)."""

    case_id: UUID
    return_id: UUID
    country: CountryCode
    withdrawn_at: datetime


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
    # in the country of origin: the sender withdrew the handover before the child came
    HANDOVER_WITHDRAWN = "handover_withdrawn"


class CaseClosedV1(EventModel):
    case_id: UUID
    country: CountryCode
    outcome: CaseOutcome
    closed_at: datetime
