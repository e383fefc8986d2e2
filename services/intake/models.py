"""Tables of the intake service. Personal data of children lives here and only here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.platform.audit import AuditEntry
from shared.platform.db import Base, UtcDateTime
from shared.platform.inbox import ProcessedEvent
from shared.platform.outbox import OutboxMessage
from shared.platform.unresolved import UnresolvedEvent

__all__ = [
    "AuditEntry",
    "Case",
    "CaseNationality",
    "Handover",
    "IdempotencyKey",
    "NeedClearance",
    "OutboxMessage",
    "ProcessedEvent",
    "ReferralCopy",
    "Screening",
    "UnresolvedEvent",
    "WithdrawnReturn",
]


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), index=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    registered_by: Mapped[str] = mapped_column(String(200))
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    given_names: Mapped[str] = mapped_column(String(200))
    family_names: Mapped[str] = mapped_column(String(200))
    name_since_separation: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(10))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    date_of_birth_estimated: Mapped[bool] = mapped_column(Boolean)
    age_years: Mapped[int] = mapped_column(Integer)
    age_group: Mapped[str] = mapped_column(String(5))
    languages: Mapped[list[str]] = mapped_column(JSON)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    accompaniment: Mapped[str] = mapped_column(String(20), index=True)
    detection_admin1: Mapped[str] = mapped_column(String(6))
    detection_point: Mapped[str] = mapped_column(String(200))
    detection_latitude: Mapped[float | None] = mapped_column(Float)
    detection_longitude: Mapped[float | None] = mapped_column(Float)
    family_contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sibling_case_ids: Mapped[list[str]] = mapped_column(JSON)
    returned_from: Mapped[str | None] = mapped_column(String(2))
    returned_national: Mapped[bool] = mapped_column(Boolean)
    shelter_id: Mapped[UUID | None] = mapped_column(Uuid)
    shelter_name: Mapped[str | None] = mapped_column(String(200))
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    nationalities: Mapped[list[CaseNationality]] = relationship(
        order_by="CaseNationality.position", cascade="all, delete-orphan", lazy="selectin"
    )
    screenings: Mapped[list[Screening]] = relationship(
        order_by="Screening.sequence", cascade="all, delete-orphan", lazy="selectin"
    )
    handovers: Mapped[list[Handover]] = relationship(
        order_by="Handover.created_at", cascade="all, delete-orphan", lazy="selectin"
    )
    clearances: Mapped[list[NeedClearance]] = relationship(
        order_by="NeedClearance.decided_at", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def nationality_codes(self) -> list[str]:
        return [nationality.country for nationality in self.nationalities]

    @property
    def latest_screening(self) -> Screening | None:
        return self.screenings[-1] if self.screenings else None


class CaseNationality(Base):
    """One row per nationality, so that cases can be filtered by it on any database."""

    __tablename__ = "case_nationalities"

    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Screening(Base):
    """An OPI interview. A re-screening is a new row: history is never overwritten."""

    __tablename__ = "screenings"
    __table_args__ = (UniqueConstraint("case_id", "sequence"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    screened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    screened_by: Mapped[str] = mapped_column(String(200))
    asylum_intent: Mapped[bool] = mapped_column(Boolean)
    fear_of_return: Mapped[bool] = mapped_column(Boolean)
    trafficking_indicators: Mapped[list[str]] = mapped_column(JSON)
    violence_indicators: Mapped[list[str]] = mapped_column(JSON)
    health_needs: Mapped[list[str]] = mapped_column(JSON)
    pregnant: Mapped[bool | None] = mapped_column(Boolean)
    family_in_destination: Mapped[str | None] = mapped_column(String(2))
    risk_level: Mapped[str] = mapped_column(String(10))
    recommendations: Mapped[str | None] = mapped_column(Text)
    interview_notes: Mapped[str | None] = mapped_column(Text)
    international_protection_need: Mapped[bool] = mapped_column(Boolean)
    trafficking_suspected: Mapped[bool] = mapped_column(Boolean)
    protection_flags: Mapped[list[str]] = mapped_column(JSON)

    @property
    def screening_id(self) -> UUID:
        return self.id

    @property
    def rescreening(self) -> bool:
        return self.sequence > 1


class IdempotencyKey(Base):
    """A registration retried with the same ``Idempotency-Key`` returns the first result."""

    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Handover(Base):
    """A cross-border handover of the case's child: ``sent`` (this country returned the child)
    or ``received`` (the case was opened from another country's handover). The Kafka position
    of the record that carried it (received) or its acknowledgement (sent) tells a redelivery,
    skipped, from a replay, dead-lettered."""

    __tablename__ = "handovers"
    __table_args__ = (UniqueConstraint("handover_id", "direction"),)

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    handover_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    direction: Mapped[str] = mapped_column(String(10))
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    counterpart_country: Mapped[str] = mapped_column(String(2))
    sender_case_reference: Mapped[UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    return_id: Mapped[UUID | None] = mapped_column(Uuid)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reception_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_by: Mapped[str | None] = mapped_column(String(200))
    record_partition: Mapped[int | None] = mapped_column(Integer)
    record_offset: Mapped[int | None] = mapped_column(BigInteger)
    # sent: the sender withdrew it; received: the sender's withdrawal closed the case
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WithdrawnReturn(Base):
    """A return referral withdrew: no handover is sealed for it, even if its
    return-scheduled arrives after the withdrawal."""

    __tablename__ = "withdrawn_returns"

    return_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid)
    withdrawn_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NeedClearance(Base):
    """A supervisor's decision that flags raised by the case's screenings up to
    ``through_sequence`` no longer hold, with the reason (kept here, never sent on)."""

    __tablename__ = "need_clearances"

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    cleared: Mapped[list[str]] = mapped_column(JSON)
    through_sequence: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReferralCopy(Base):
    """Intake's copy of a protection referral of a case, from referral's events: while one
    is pending no handover is sealed, and a flag is cleared only once its referral answered."""

    __tablename__ = "referral_copies"

    referral_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)
