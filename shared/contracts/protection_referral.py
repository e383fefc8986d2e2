"""protection-referral-made v1: a case referred to the refugee commission (possible
international protection) or to the prosecutor (presumed trafficking victim)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode


class ReferralKind(StrEnum):
    REFUGEE_COMMISSION = "refugee_commission"
    PROSECUTOR = "prosecutor"


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"
    # the authority's procedure ended (a decision on refugee status, an investigation closed)
    CONCLUDED = "concluded"


class ProtectionReferralMadeV1(EventModel):
    referral_id: UUID
    case_id: UUID
    country: CountryCode
    kind: ReferralKind
    authority: str = Field(max_length=50, examples=["COMAR"])
    authority_name: str = Field(max_length=300)
    status: ReferralStatus
    screening_id: UUID
    made_at: datetime


class ProtectionReferralUpdatedV1(EventModel):
    """The authority acknowledged, declined or concluded a referral."""

    referral_id: UUID
    case_id: UUID
    country: CountryCode
    kind: ReferralKind
    authority: str = Field(max_length=50)
    status: ReferralStatus
    note: str | None = Field(None, max_length=1000)
    updated_at: datetime
