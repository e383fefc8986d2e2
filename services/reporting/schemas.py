"""Response bodies of the national statistics API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

MEASURES = {
    "events": "registrations (events): a child registered twice counts twice",
    "children": "distinct children: each child once, however often registered",
}


class Counts(BaseModel):
    events: int = Field(description=MEASURES["events"])
    children: int = Field(description=MEASURES["children"])


class RegistrationTable(BaseModel):
    period: str | None
    group_by: list[str]
    from_: date | None = Field(serialization_alias="from")
    to: date | None
    admin1: str | None
    rows: list[dict[str, Any]] = Field(
        description="one per group: the period's first day (weeks start on Monday), the "
        "dimensions, events and children"
    )
    totals: Counts
    measures: dict[str, str] = MEASURES


class Screening(BaseModel):
    due: int = Field(description="children screened, or whose screening deadline has passed")
    screened: int
    within_24h: int = Field(description="screened within the deadline after registration")
    share_within_24h: float | None


class ConsularNotification(BaseModel):
    notified: int = Field(description="children whose consulate received a notice")
    median_hours: float | None = Field(description="from registration to the first delivery")
    p90_hours: float | None


class ReferralCount(BaseModel):
    kind: str
    authority: str
    children: int


class Protection(BaseModel):
    international_protection_need: int = Field(description="children, by their latest screening")
    trafficking_suspected: int
    referrals: list[ReferralCount]


class ShelterOccupancy(BaseModel):
    shelter_id: str
    name: str
    admin1: str
    occupied: int
    capacity: int | None


class Alerts(BaseModel):
    open: int
    by_kind: dict[str, int]


class Indicators(BaseModel):
    from_: date | None = Field(serialization_alias="from")
    to: date | None
    admin1: str | None
    as_of: datetime
    registrations: Counts
    screening: Screening
    consular_notification: ConsularNotification
    protection: Protection
    placements: dict[str, int] = Field(description="children pending a place, and in a shelter")
    shelters: list[ShelterOccupancy]
    alerts: Alerts
    outcomes: dict[str, int] = Field(description="children whose stay ended, by reason")


class Version(BaseModel):
    version: int = Field(description="grows with every event the statistics include")
