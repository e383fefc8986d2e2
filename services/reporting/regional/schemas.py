"""Response bodies of the regional statistics API. Every number in them is either exact or
null (suppressed by small-cell protection); a cell's keys are its dimension names plus the
measure (``events`` or ``cases``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.regional.dimensions import Period
from shared.contracts.regional import RegionalEventType

Line = dict[str, str | int | None]


class ProtectedTableOut(BaseModel):
    dimensions: list[str]
    k: int
    cells: list[Line]
    row_totals: list[Line] = Field(description="by the first dimension; [] for a 1-D table")
    column_totals: list[Line] = Field(description="by the second dimension; [] for a 1-D table")
    grand_total: int | None
    measure: str = Field(description="what is counted, and what null means")


class RegistrationsOut(BaseModel):
    event_type: RegionalEventType
    period: Period | None = Field(description="bucket of the period dimension, if any")
    dimensions: list[str]
    k: int
    cells: list[Line]
    row_totals: list[Line]
    column_totals: list[Line]
    grand_total: int | None
    measure: str


class IndicatorCell(BaseModel):
    country: str
    value: int | None


class Indicator(BaseModel):
    name: str
    cells: list[IndicatorCell]
    total: int | None


class ConsularDelay(BaseModel):
    country: str
    cases: int | None = Field(description="cases registered in the period and notified")
    median_days: float | None = Field(description="shown only when cases is shown and >= k")
    p90_days: float | None = Field(description="nearest-rank 90th percentile, as median_days")


class IndicatorsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    k: int
    from_: date | None = Field(alias="from")
    to: date | None
    as_of: datetime
    indicators: list[Indicator] = Field(
        description="distinct cases registered in the period, by country"
    )
    outcomes: ProtectedTableOut
    days_to_consular_notification: list[ConsularDelay]


class ReceptionDelay(BaseModel):
    sender: str
    destination: str
    handovers: int | None = Field(
        description="handovers sent in the period whose reception was acknowledged"
    )
    median_days: float | None = Field(description="shown only when handovers is shown and >= k")
    p90_days: float | None = Field(description="nearest-rank 90th percentile, as median_days")


class HandoversOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    k: int
    from_: date | None = Field(alias="from")
    to: date | None
    sent: ProtectedTableOut = Field(description="handovers sent in the period, by pair")
    received: ProtectedTableOut = Field(
        description="handovers whose reception was acknowledged in the period, by pair"
    )
    days_to_reception: list[ReceptionDelay]


class ChangesOut(BaseModel):
    version: int = Field(description="the projection version; it grows with every event applied")
