"""screening-completed v1: the OPI interview of a case, first or repeated.

Carries what referral and notification need to act on it alone (event-carried state);
never the interview notes, which stay in intake.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from shared.contracts.child import ChildIdentity, DetectionPlace, EventModel
from shared.contracts.codes import CountryCode
from shared.contracts.enums import (
    Accompaniment,
    HealthNeed,
    ProtectionFlag,
    RiskLevel,
    TraffickingIndicator,
    ViolenceIndicator,
)


class ScreeningCompletedV1(EventModel):
    case_id: UUID
    screening_id: UUID
    country: CountryCode
    sequence: int = Field(ge=1, description="1 for the first screening, 2+ for re-screenings")
    rescreening: bool
    screened_at: datetime
    registered_at: datetime
    international_protection_need: bool
    trafficking_suspected: bool
    protection_flags: list[ProtectionFlag]
    risk_level: RiskLevel
    trafficking_indicators: list[TraffickingIndicator] = Field(default_factory=list)
    violence_indicators: list[ViolenceIndicator] = Field(default_factory=list)
    health_needs: list[HealthNeed] = Field(default_factory=list)
    child: ChildIdentity
    accompaniment: Accompaniment
    detection_place: DetectionPlace
    returned_national: bool
