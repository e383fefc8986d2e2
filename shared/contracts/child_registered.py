"""child-registered v1: an OPI registered an unaccompanied, separated or accompanied child."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.child import ChildIdentity, DetectionPlace, EventModel, FamilyContact
from shared.contracts.codes import CountryCode
from shared.contracts.enums import Accompaniment


class ChildRegisteredV1(EventModel):
    case_id: UUID
    country: CountryCode = Field(description="the instance that registered the case")
    registered_at: datetime
    detected_at: datetime
    child: ChildIdentity
    accompaniment: Accompaniment
    detection_place: DetectionPlace
    family_contacts: list[FamilyContact] = Field(default_factory=list)
    sibling_case_ids: list[UUID] = Field(
        default_factory=list, description="cases of siblings registered with this child"
    )
    returned_national: bool = Field(
        description="a national of this country returned from abroad (no consulate involved)"
    )
