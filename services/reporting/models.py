"""Tables of the national reporting service: facts per case, never a name or a birth date.

Every row is a projection of events and can be rebuilt from the topics. Each column is
written so that the order of arrival does not matter: a first time keeps the minimum, a
latest state is decided by the event's own sequence or time, a registration's facts win over
the copies that other events carry.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.audit import AuditEntry
from shared.platform.db import Base, UtcDateTime
from shared.platform.inbox import ProcessedEvent
from shared.platform.outbox import OutboxMessage

__all__ = [
    "AuditEntry",
    "Base",
    "CaseAlert",
    "CaseFacts",
    "CaseReferral",
    "EventTally",
    "OutboxMessage",
    "PlacementFacts",
    "ProcessedEvent",
    "ShelterFacts",
]


class CaseFacts(Base):
    """One row per case: the dimensions of the official statistics and the indicators' times."""

    __tablename__ = "case_facts"

    case_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    # a keyed hash of who the child is, to count distinct children across registrations
    child_key: Mapped[str | None] = mapped_column(String(64))
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    registered_day: Mapped[date | None] = mapped_column(Date)
    registered_week: Mapped[date | None] = mapped_column(Date)
    registered_month: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(2))
    sex: Mapped[str | None] = mapped_column(String(10))
    age_group: Mapped[str | None] = mapped_column(String(5))
    accompaniment: Mapped[str | None] = mapped_column(String(15))
    admin1: Mapped[str | None] = mapped_column(String(6))
    returned_national: Mapped[bool | None] = mapped_column(Boolean)
    first_screened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    screening_delay_seconds: Mapped[float | None] = mapped_column(Float)
    screening_sequence: Mapped[int] = mapped_column(Integer, default=0)
    international_protection_need: Mapped[bool] = mapped_column(Boolean, default=False)
    trafficking_suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    consular_notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consular_delay_seconds: Mapped[float | None] = mapped_column(Float)
    pending_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_case_facts_registered_day", "registered_day", "admin1"),
        Index("ix_case_facts_consular_delay", "consular_delay_seconds"),
    )


class PlacementFacts(Base):
    """A stay in a shelter; assignment and release may arrive in either order."""

    __tablename__ = "placement_facts"

    placement_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    shelter_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    release_reason: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (
        # The open stays only (a partial index): shelter occupancy and the children in a
        # shelter now read these few rows instead of every stay there ever was.
        Index(
            "ix_placement_facts_open",
            "shelter_id",
            "case_id",
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
    )


class ShelterFacts(Base):
    """What the events say of a shelter; the capacity is the latest one reported."""

    __tablename__ = "shelter_facts"

    shelter_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    admin1: Mapped[str] = mapped_column(String(6))
    authority: Mapped[str] = mapped_column(String(50))
    capacity: Mapped[int | None] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseReferral(Base):
    """A protection referral and the latest answer of its authority."""

    __tablename__ = "case_referrals"

    referral_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    authority: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseAlert(Base):
    """A deadline or delivery alert; raised and closed may arrive in either order."""

    __tablename__ = "case_alerts"

    alert_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    raised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EventTally(Base):
    """How many events of each type happened on each day (events, not children)."""

    __tablename__ = "event_tally"

    event_type: Mapped[str] = mapped_column(String(60), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
