"""Idempotent consumers: each handled event is recorded as (consumer, ce_source, ce_id) in
the same transaction as its effects, so a redelivered event is acknowledged and skipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.contracts.catalogue import EventContract
from shared.contracts.envelope import EventAttributes, attributes_of
from shared.platform import unresolved
from shared.platform.db import Base, UtcDateTime, insert_if_absent
from shared.platform.dead_letter import PoisonMessage


class ProcessedEvent(Base):
    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


async def first_delivery(
    session: AsyncSession, *, consumer: str, source: str, event_id: str, event_type: str
) -> bool:
    """Record the event as handled; ``False`` if this consumer has handled it before."""
    return await insert_if_absent(
        session,
        ProcessedEvent,
        {"consumer": consumer, "source": source, "event_id": event_id, "event_type": event_type},
        ["consumer", "source", "event_id"],
    )


def event_attributes(headers: dict[str, Any], contract: EventContract) -> EventAttributes:
    """The CloudEvent attributes of a consumed message, which must be of ``contract``'s type."""
    try:
        attributes = attributes_of(headers)
    except ValueError as error:
        raise PoisonMessage(str(error)) from error
    if attributes.type != contract.type:
        raise PoisonMessage(f"expected CloudEvent type {contract.type}, got {attributes.type}")
    return attributes


async def handle_once(
    sessions: async_sessionmaker[AsyncSession],
    *,
    consumer: str,
    headers: dict[str, Any],
    contract: EventContract,
    apply: Callable[[AsyncSession], Awaitable[None]],
    keeps_unresolved: bool = False,
) -> bool:
    """Apply an event's effects and record it in one transaction; skip it if seen before.
    Returns whether the effects were applied. ``keeps_unresolved``: the consumer keeps
    ``unresolved_events``, and this event, if one of them, is resolved by being applied."""
    attributes = event_attributes(headers, contract)
    async with sessions() as session, session.begin():
        if not await first_delivery(
            session,
            consumer=consumer,
            source=attributes.source,
            event_id=attributes.id,
            event_type=attributes.type,
        ):
            return False
        await apply(session)
        if keeps_unresolved:
            await unresolved.resolve_applied(
                session, source=attributes.source, event_id=attributes.id, now=datetime.now(UTC)
            )
    return True
