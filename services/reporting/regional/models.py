"""Tables of the regional reporting service: every anonymised case event received, one row
per case merged from them, one row per cross-border handover seen on the regional Kafka, and
the counters of the projection and of the statistics feed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.db import Base, UtcDateTime
from shared.platform.inbox import ProcessedEvent
from shared.platform.outbox import OutboxMessage

__all__ = [
    "Counter",
    "OutboxMessage",
    "ProcessedEvent",
    "RegionalCase",
    "RegionalCaseEvent",
    "RegionalHandover",
]

PROJECTION_VERSION = "projection_version"
STATISTICS_VERSION = "statistics_published_version"
NO_OUTCOME = ""  # a primary-key column cannot be NULL on PostgreSQL


class RegionalCaseEvent(Base):
    """One case event. The key is the event itself at day precision, so a record the country
    publishes again under a new CloudEvent id (a replayed feed) is not counted twice; of two
    versions of one event, the later CloudEvent (``event_time``, then ``event_id``) wins."""

    __tablename__ = "regional_case_events"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    case_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    event_date: Mapped[date] = mapped_column(Date, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True, default=NO_OUTCOME)
    nationality: Mapped[str | None] = mapped_column(String(2))
    sex: Mapped[str | None] = mapped_column(String(10))
    age_group: Mapped[str | None] = mapped_column(String(10))
    accompaniment: Mapped[str | None] = mapped_column(String(20))
    admin1: Mapped[str | None] = mapped_column(String(10))
    international_protection_need: Mapped[bool | None] = mapped_column(Boolean)
    trafficking_suspected: Mapped[bool | None] = mapped_column(Boolean)
    event_time: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_regional_case_events_type_date", "event_type", "event_date"),)


class RegionalCase(Base):
    """A case as the region knows it, recomputed from all its events whenever one arrives,
    so that it never depends on the order in which they came."""

    __tablename__ = "regional_cases"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    case_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    nationality: Mapped[str | None] = mapped_column(String(2))
    sex: Mapped[str | None] = mapped_column(String(10))
    age_group: Mapped[str | None] = mapped_column(String(10))
    accompaniment: Mapped[str | None] = mapped_column(String(20))
    admin1: Mapped[str | None] = mapped_column(String(10))
    registered_on: Mapped[date | None] = mapped_column(Date, index=True)
    screened_on: Mapped[date | None] = mapped_column(Date)
    consular_notified_on: Mapped[date | None] = mapped_column(Date)
    placed_on: Mapped[date | None] = mapped_column(Date)
    referred_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(30))
    international_protection_need: Mapped[bool | None] = mapped_column(Boolean)
    trafficking_suspected: Mapped[bool | None] = mapped_column(Boolean)


class RegionalHandover(Base):
    """A cross-border handover as the region sees it without opening its sealed body: the
    two countries and the day of each side (from the CloudEvent headers). A row is made by
    whichever record comes first, the handover or its acknowledgement; of several records of
    one side, the earliest day is kept, so a repeat counts once."""

    __tablename__ = "regional_handovers"

    handover_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender: Mapped[str] = mapped_column(String(2))
    destination: Mapped[str] = mapped_column(String(2))
    sent_on: Mapped[date | None] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date, index=True)


class Counter(Base):
    """``projection_version`` grows with every applied event (the dashboard long-polls it);
    ``statistics_published_version`` is the projection version last put on the feed."""

    __tablename__ = "regional_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
