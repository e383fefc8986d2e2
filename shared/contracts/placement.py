"""Events of the referral service about where a child stays: pending and released placements
(shelter-assigned lives in ``shelter_assigned.py``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode, SubdivisionCode
from shared.contracts.enums import AgeGroup, Sex


class ReleaseReason(StrEnum):
    RETURNED = "returned"
    REUNIFIED = "reunified"
    TRANSFERRED = "transferred"
    ABSCONDED = "absconded"
    REFUGEE_STATUS = "refugee_status"
    OTHER = "other"


class PlacementPendingV1(EventModel):
    """No fitting shelter had a free place; the case is placed as soon as one frees up."""

    case_id: UUID
    country: CountryCode
    age_group: AgeGroup
    sex: Sex
    admin1: SubdivisionCode
    needs_specialised_shelter: bool
    reason: str = Field(max_length=500)
    pending_since: datetime


class PlacementReleasedV1(EventModel):
    case_id: UUID
    placement_id: UUID
    country: CountryCode
    shelter_id: UUID
    reason: ReleaseReason
    released_at: datetime
