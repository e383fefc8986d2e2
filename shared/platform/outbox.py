"""Transactional outbox: an event is written in the same transaction as the domain rows
it describes, and published later by the relay. An HTTP request never waits for Kafka and
a broker outage loses nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from opentelemetry import propagate
from pydantic import BaseModel
from sqlalchemy import JSON, Index, Integer, LargeBinary, String, Text, and_, func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.contracts.catalogue import EventContract
from shared.contracts.envelope import OutgoingEvent, render, source_of
from shared.platform.db import Base, UtcDateTime


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    trace_context: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # every send of this event, whatever came of it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the sends Kafka itself turned down (too large, invalid topic...); they alone park it
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    # set when the relay gave up on it; `opi outbox retry` clears it
    parked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index(
            "ix_outbox_messages_pending",
            "id",
            postgresql_where=and_(published_at.is_(None), parked_at.is_(None)),
            sqlite_where=and_(published_at.is_(None), parked_at.is_(None)),
        ),
        Index(
            "ix_outbox_messages_parked",
            "id",
            postgresql_where=parked_at.is_not(None),
            sqlite_where=parked_at.is_not(None),
        ),
    )


def enqueue(session: AsyncSession, event: OutgoingEvent) -> OutboxMessage:
    """Stage an event in the caller's transaction, with the caller's trace context, so the
    consumer's span joins the trace that produced the event even if it is sent much later."""
    trace_context: dict[str, str] = {}
    propagate.inject(trace_context)
    message = OutboxMessage(
        event_id=event.id,
        topic=event.topic,
        key=event.key,
        headers=event.headers,
        body=event.body,
        trace_context=trace_context,
        attempts=0,
        refusals=0,
    )
    session.add(message)
    return message


def stage(
    session: AsyncSession,
    contract: EventContract,
    payload: BaseModel,
    *,
    country: str,
    service: str,
    case_id: object,
    at: datetime,
) -> OutboxMessage:
    """Render a case event (source ``/opi/<country>/<service>``; subject and Kafka key: the
    case id) and stage it in the outbox."""
    event = render(
        contract, payload, source=source_of(country, service), subject=str(case_id), time=at
    )
    return enqueue(session, event)


def now() -> datetime:
    return datetime.now(UTC)
