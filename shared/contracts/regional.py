"""What crosses to the regional (RCM) Kafka: anonymised case events only.

A record carries a pseudonymous case key (a keyed hash whose secret never leaves the
country), the reporting country, the event type, the event date at day precision and coarse
categories. Never a name, a date of birth, a phone, a note, a shelter, a free text or an
internal id: the model forbids any other field, so a producer cannot add one by mistake.
"""

from __future__ import annotations

from datetime import date, datetime
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


class StatisticsCell(BaseModel):
    """One published number of a table: the dimension values it is keyed by, and its value,
    or ``None`` where small-cell protection suppressed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: list[str] = Field(description="dimension values, in the order of ``dimensions``")
    value: int | None = Field(ge=0, description="exact count, or null if suppressed")


class StatisticsPublishedV1(BaseModel):
    """A small-cell-protected statistics table of the regional (RCM) reporting service.

    Every number is either exact or suppressed: no cell or total in ``[1, k - 1]`` is ever
    published, and no suppressed number can be recomputed from the others."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str = Field(
        pattern=r"^[a-z0-9_]{1,80}$", description="e.g. registrations_by_country_month"
    )
    period_from: date | None = Field(description="first event date counted (null: no events)")
    period_to: date | None = Field(description="last event date counted (null: no events)")
    dimensions: list[str] = Field(min_length=1, max_length=2)
    k: int = Field(ge=2, description="small-cell threshold applied")
    cells: list[StatisticsCell]
    row_totals: list[StatisticsCell] = Field(description="by the first dimension (2-D only)")
    column_totals: list[StatisticsCell] = Field(description="by the second dimension (2-D only)")
    grand_total: int | None = Field(ge=0)
    generated_at: datetime
