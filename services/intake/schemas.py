"""Request and response bodies of the intake API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

import pycountry
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.child import DetectionPlace, FamilyContact, IdentityDocument
from shared.contracts.codes import CountryCode
from shared.contracts.enums import (
    Accompaniment,
    AgeGroup,
    CaseStatus,
    HealthNeed,
    ProtectionFlag,
    RiskLevel,
    Sex,
    TraffickingIndicator,
    ViolenceIndicator,
)
from shared.contracts.protection_need import ProtectionNeedKind


def _language(value: str) -> str:
    code = value.lower()
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    found = found or (pycountry.languages.get(alpha_3=code) if len(code) == 3 else None)
    if found is None:
        raise ValueError(f"'{value}' is not an ISO 639-1 or 639-3 language code")
    return code


def _not_in_future(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("the date of birth cannot be in the future")
    return value


def _aware_past(value: datetime) -> datetime:
    if value > datetime.now(UTC):
        raise ValueError("the time of detection cannot be in the future")
    return value


LanguageCode = Annotated[str, Field(examples=["es"]), AfterValidator(_language)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# Events ignore unknown fields (schema evolution); requests refuse them, so that a misspelt
# field is reported instead of silently dropping a child's data.
class DetectionPlaceIn(DetectionPlace):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FamilyContactIn(FamilyContact):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdentityDocumentIn(IdentityDocument):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChildIn(Strict):
    given_names: str = Field(min_length=1, max_length=200)
    family_names: str = Field(min_length=1, max_length=200)
    name_since_separation: str | None = Field(None, max_length=200)
    sex: Sex
    date_of_birth: Annotated[date, AfterValidator(_not_in_future)] | None = None
    date_of_birth_estimated: bool = False
    estimated_age_years: int | None = Field(None, ge=0, le=17, description="when no birth date")
    nationalities: list[CountryCode] = Field(min_length=1, max_length=5)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=10)
    documents: list[IdentityDocumentIn] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _some_age(self) -> Self:
        if self.date_of_birth is None and self.estimated_age_years is None:
            raise ValueError("give date_of_birth or estimated_age_years")
        return self


class RegistrationIn(Strict):
    child: ChildIn
    accompaniment: Accompaniment
    detected_at: Annotated[AwareDatetime, AfterValidator(_aware_past)]
    detection_place: DetectionPlaceIn
    family_contacts: list[FamilyContactIn] = Field(default_factory=list, max_length=20)
    sibling_case_ids: list[UUID] = Field(default_factory=list, max_length=20)
    returned_from: CountryCode | None = Field(None, description="country that returned the child")


class ScreeningIn(Strict):
    asylum_intent: bool
    fear_of_return: bool
    trafficking_indicators: list[TraffickingIndicator] = Field(max_length=20)
    violence_indicators: list[ViolenceIndicator] = Field(max_length=20)
    health_needs: list[HealthNeed] = Field(max_length=20)
    pregnant: bool | None = None
    family_in_destination: CountryCode | None = None
    risk_level: RiskLevel
    recommendations: str | None = Field(None, max_length=4000)
    interview_notes: str | None = Field(None, max_length=20000)


class ChildOut(BaseModel):
    given_names: str
    family_names: str
    name_since_separation: str | None
    sex: Sex
    date_of_birth: date | None
    date_of_birth_estimated: bool
    age_years: int
    age_group: AgeGroup
    nationalities: list[str]
    languages: list[str]
    documents: list[IdentityDocument]


class ScreeningOut(BaseModel):
    screening_id: UUID
    case_id: UUID
    sequence: int
    rescreening: bool
    screened_at: datetime
    screened_by: str
    asylum_intent: bool
    fear_of_return: bool
    trafficking_indicators: list[TraffickingIndicator]
    violence_indicators: list[ViolenceIndicator]
    health_needs: list[HealthNeed]
    pregnant: bool | None
    family_in_destination: str | None
    risk_level: RiskLevel
    recommendations: str | None
    interview_notes: str | None
    international_protection_need: bool
    trafficking_suspected: bool
    protection_flags: list[ProtectionFlag]


class PlacementOut(BaseModel):
    shelter_id: UUID
    shelter_name: str
    placed_at: datetime


class CaseSummary(BaseModel):
    case_id: UUID
    country: str
    status: CaseStatus
    registered_at: datetime
    detected_at: datetime
    child: ChildOut
    accompaniment: Accompaniment
    detection_place: DetectionPlace
    returned_national: bool
    international_protection_need: bool | None = Field(
        description="a flag raised by any screening and not cleared by a supervisor"
    )
    trafficking_suspected: bool | None = Field(
        description="a flag raised by any screening and not cleared by a supervisor"
    )
    risk_level: RiskLevel | None
    placement: PlacementOut | None


class ProtectionNeedOut(BaseModel):
    """The case's open protection need, as every service decides it: while ``open``, no
    consulate is told of the child and no handover is sealed."""

    open: bool
    reasons: list[str] = Field(description="why it is open, most decisive first")


class ClearanceIn(Strict):
    cleared: list[ProtectionNeedKind] = Field(
        min_length=1, max_length=2, description="the flags that no longer hold"
    )
    reason: str = Field(min_length=10, max_length=4000, description="why, for the record")


class ClearanceOut(BaseModel):
    clearance_id: UUID
    case_id: UUID
    cleared: list[ProtectionNeedKind]
    through_sequence: int = Field(description="the latest screening the decision saw")
    reason: str
    decided_by: str
    decided_at: datetime
    protection_need: ProtectionNeedOut


class ReceptionIn(Strict):
    received_by: str | None = Field(
        None, min_length=1, max_length=200, description="default: the officer confirming"
    )


class HandoverOut(BaseModel):
    """A cross-border handover of the case: ``sent`` to ``country`` or ``received`` from it."""

    handover_id: UUID
    direction: Literal["sent", "received"]
    country: str = Field(description="destination (sent) or sending country (received)")
    sender_case_reference: UUID = Field(description="the case id in the sending country")
    sent_at: datetime
    acknowledged_at: datetime | None = Field(description="sent: reception acknowledged")
    reception_confirmed_at: datetime | None = Field(description="received: reception confirmed")
    received_by: str | None


class CaseOut(CaseSummary):
    registered_by: str
    family_contacts: list[FamilyContact]
    sibling_case_ids: list[UUID]
    returned_from: str | None
    screenings: list[ScreeningOut]
    handovers: list[HandoverOut] = Field(default_factory=list)
    protection_need: ProtectionNeedOut


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    limit: int
    offset: int
