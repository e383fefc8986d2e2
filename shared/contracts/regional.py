"""What crosses to the regional (RCM) Kafka: anonymised case events only.

A record carries a pseudonymous case key (a keyed hash whose secret never leaves the
country), the reporting country, the event type, the event date at day precision and coarse
categories. Never a name, a date of birth, a phone, a note, a shelter, a free text or an
internal id: the model forbids any other field, so a producer cannot add one by mistake.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.codes import CountryCode, SubdivisionCode
from shared.contracts.enums import Accompaniment, AgeGroup, Sex

CASE_EVENTS_TOPIC: Final = "crm.case-events.v1"
STATISTICS_TOPIC: Final = "crm.statistics.v1"
HANDOVERS_TOPIC: Final = "crm.handovers.v1"


class RegionalEventType(StrEnum):
    REGISTERED = "registered"
    SCREENED = "screened"
    PLACED = "placed"
    PLACEMENT_PENDING = "placement_pending"
    REFERRED = "referred"
    CONSULAR_NOTIFIED = "consular_notified"
    RELEASED = "released"


class CaseEventRecordV1(BaseModel):
    """One anonymised case event. Consumers ignore fields they do not know; this producer
    model refuses any it does not (``extra="forbid"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_key: str = Field(pattern=r"^[0-9a-f]{64}$", description="HMAC-SHA256, hex")
    country: CountryCode = Field(description="the reporting country")
    event_type: RegionalEventType
    event_date: date = Field(description="day precision only")
    nationality: CountryCode | None = None
    sex: Sex | None = None
    age_group: AgeGroup | None = None
    accompaniment: Accompaniment | None = None
    admin1: SubdivisionCode | None = Field(None, description="first-level subdivision only")
    international_protection_need: bool | None = None
    trafficking_suspected: bool | None = None
    outcome: str | None = Field(
        None, pattern=r"^[a-z_]{1,30}$", description="coarse outcome code, e.g. reunified"
    )


ALLOWED_FIELDS: Final = frozenset(CaseEventRecordV1.model_fields)
