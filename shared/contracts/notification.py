"""Events of the notification service: what the outside world was told, and alerts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from shared.contracts.child import EventModel
from shared.contracts.codes import CountryCode


class Channel(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"


class ConsularNotifiedV1(EventModel):
    """The consulate of the child's nationality was told (never while a protection flag is
    open: the firewall rule)."""

    case_id: UUID
    notice_id: UUID
    country: CountryCode
    consulate_country: CountryCode
    channel: Channel
    sent_at: datetime
    outcome: DeliveryOutcome
    reference: str = Field(max_length=200, description="the notice id the consulate received")


class AuthorityNotifiedV1(EventModel):
    """The child-protection authority (or a shelter) was told of a case."""

    case_id: UUID
    notice_id: UUID
    country: CountryCode
    recipient: str = Field(max_length=200, examples=["Procuraduría de Protección", "shelter"])
    purpose: str = Field(max_length=50, examples=["child-registered", "shelter-assigned"])
    channel: Channel
    sent_at: datetime
    outcome: DeliveryOutcome


class AlertKind(StrEnum):
    SCREENING_OVERDUE = "screening_overdue"
    CONSULAR_NOTICE_OVERDUE = "consular_notice_overdue"
    FLAG_AFTER_CONSULAR_NOTICE = "flag_after_consular_notice"
    DELIVERY_FAILED = "delivery_failed"


class AlertRaisedV1(EventModel):
    alert_id: UUID
    case_id: UUID
    country: CountryCode
    kind: AlertKind
    detail: str = Field(max_length=500)
    raised_at: datetime


class AlertClosedV1(EventModel):
    alert_id: UUID
    case_id: UUID
    country: CountryCode
    kind: AlertKind
    closed_at: datetime
