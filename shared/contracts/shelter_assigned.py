"""shelter-assigned v1: the referral service placed a case in a shelter."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode, SubdivisionCode


class ShelterAssignedV1(EventModel):
    case_id: UUID
    placement_id: UUID
    country: CountryCode
    shelter_id: UUID
    shelter_name: str = Field(min_length=1, max_length=200)
    authority: str = Field(min_length=1, max_length=50, examples=["DIF", "CONANI", "IBESR"])
    admin1: SubdivisionCode
    reason: str = Field(min_length=1, max_length=500)
    assigned_at: datetime
    specialised: bool = Field(False, description="a shelter for presumed trafficking victims")
    manual: bool = Field(False, description="chosen by a coordinator, not by the rules")
    previous_shelter_id: UUID | None = Field(None, description="set on a transfer")
    shelter_capacity: int | None = Field(
        None, ge=0, description="the shelter's places when it was assigned (for occupancy)"
    )
