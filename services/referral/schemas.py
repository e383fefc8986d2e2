"""Request and response bodies of the referral API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from shared.contracts.codes import SubdivisionCode
from shared.contracts.enums import AgeGroup, Sex
from shared.contracts.placement import ReleaseReason
from shared.contracts.protection_referral import ReferralKind, ReferralStatus


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _distinct(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError("values must not repeat")
    return values


class ShelterIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    authority: str = Field(min_length=1, max_length=50, examples=["DIF"])
    admin1: SubdivisionCode
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    age_groups: list[AgeGroup] = Field(min_length=1)
    sexes: list[Sex] = Field(min_length=1)
    trafficking_specialised: bool = False
    capacity: int = Field(ge=1, le=10_000)

    _distinct_groups = field_validator("age_groups", "sexes")(_distinct)


class ShelterPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    authority: str | None = Field(None, min_length=1, max_length=50)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    age_groups: list[AgeGroup] | None = Field(None, min_length=1)
    sexes: list[Sex] | None = Field(None, min_length=1)
    trafficking_specialised: bool | None = None
    capacity: int | None = Field(None, ge=0, le=10_000)
    active: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # leaving a field out keeps it; null would erase something every shelter must have
        if value is None:
            raise ValueError("may be left out, but not null")
        return value

    _distinct_groups = field_validator("age_groups", "sexes")(_distinct)


class ShelterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    authority: str
    admin1: str
    latitude: float
    longitude: float
    age_groups: list[AgeGroup]
    sexes: list[Sex]
    trafficking_specialised: bool
    capacity: int
    occupied: int
    free_places: int
    active: bool
    updated_at: datetime


class PlacementIn(Strict):
    case_id: UUID
    shelter_id: UUID
    reason: str = Field(min_length=3, max_length=500, description="why the rules are overridden")


class ReleaseIn(Strict):
    reason: ReleaseReason


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    case_id: UUID
    shelter_id: UUID
    reason: str
    manual: bool
    placed_by: str
    placed_at: datetime
    released_at: datetime | None
    release_reason: ReleaseReason | None
    released_by: str | None


class PendingCaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    case_id: UUID
    age_group: AgeGroup
    sex: Sex
    admin1: str
    trafficking_suspected: bool
    pending_since: datetime
    pending_reason: str


class ReferralOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    case_id: UUID
    kind: ReferralKind
    authority: str
    authority_name: str
    status: ReferralStatus
    note: str | None
    made_at: datetime
    updated_at: datetime


class ReferralStatusIn(Strict):
    status: ReferralStatus
    note: str | None = Field(None, max_length=1000)


class ReturnIn(Strict):
    scheduled_for: AwareDatetime = Field(description="when the child is to be handed over")
    handover_place: str = Field(min_length=1, max_length=300, examples=["Ciudad Hidalgo bridge"])
    escorting_officer: str = Field(min_length=1, max_length=200)


class HandoverIn(Strict):
    handed_over_at: AwareDatetime
    received_by: str = Field(
        min_length=1, max_length=200, description="the receiving authority's officer"
    )


class ReturnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    return_id: UUID = Field(validation_alias="id")
    case_id: UUID
    destination_country: str
    status: Literal["scheduled", "blocked", "handed_over"]
    scheduled_for: datetime
    handover_place: str
    escorting_officer: str
    scheduled_by: str
    scheduled_at: datetime
    blocked_reason: str | None
    blocked_at: datetime | None
    handed_over_at: datetime | None
    received_by: str | None
    handed_over_by: str | None
    released_placement_id: UUID | None
