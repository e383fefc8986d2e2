"""Events that could open a protection need but were not applied: dead-lettered, so the
service's copy of the case may be missing a flag or a pending referral. While one is
unresolved for a case, that case has an open need in this service (the firewall's third
clause); one whose case cannot be told (no readable case id) holds every case.

An unresolved event is resolved when the same event (its CloudEvent source and id) is applied
later, e.g. replayed from its dead-letter topic once fixed, or by a supervisor's recorded
dismissal. Each service that acts on the need keeps its own table (``unresolved_events``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import Integer, String, Text, Uuid, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.platform.db import Base, UtcDateTime, insert_if_absent

log = logging.getLogger(__name__)

TABLE = "unresolved_events"


class UnresolvedEvent(Base):
    __tablename__ = TABLE
    # a redelivered dead letter is kept once
    __table_args__ = (
        sa.UniqueConstraint("topic", "partition", "offset", name="uq_unresolved_events_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # None: the event's case could not be read, so every case is held
    case_id: Mapped[UUID | None] = mapped_column(Uuid, index=True)
    topic: Mapped[str] = mapped_column(String(200))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(Integer)
    event_source: Mapped[str | None] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(64))
    event_type: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    resolution: Mapped[str | None] = mapped_column(String(500))


@dataclass(frozen=True)
class DeadLetteredRecord:
    """What the dead-letter middleware knows of a message it is about to dead-letter."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str]
    reason: str


DeadLetterHook = Callable[[DeadLetteredRecord], Awaitable[None]]


def case_of(record: DeadLetteredRecord) -> UUID | None:
    """The case a dead letter is about: its key (every case event is keyed by its case id),
    else a readable ``case_id`` in its body."""
    for candidate in (_text(record.key), _body_case_id(record.body)):
        if not candidate:
            continue
        try:
            return UUID(candidate)
        except ValueError:
            continue
    return None


def recorder(
    sessions: async_sessionmaker[AsyncSession],
    topics: Collection[str],
    clock: Callable[[], datetime],
) -> DeadLetterHook:
    """The hook that keeps a dead-lettered event of ``topics`` as unresolved. It runs before
    the dead letter is published; if it fails the message is tried again, so no such event is
    ever dead-lettered without holding its case."""

    async def record(dead: DeadLetteredRecord) -> None:
        if dead.topic not in topics:
            return
        case_id = case_of(dead)
        async with sessions() as session, session.begin():
            await insert_if_absent(
                session,
                UnresolvedEvent,
                {
                    "case_id": case_id,
                    "topic": dead.topic,
                    "partition": dead.partition,
                    "offset": dead.offset,
                    "event_source": dead.headers.get("ce_source"),
                    "event_id": dead.headers.get("ce_id"),
                    "event_type": dead.headers.get("ce_type"),
                    "reason": dead.reason[:4000],
                    "recorded_at": clock(),
                },
                ["topic", "partition", "offset"],
            )
        log.warning(
            "%s[%s]@%s unresolved: %s held until it is applied or dismissed",
            dead.topic,
            dead.partition,
            dead.offset,
            f"case {case_id}" if case_id else "every case",
        )

    return record


async def resolve_applied(
    session: AsyncSession, *, source: str, event_id: str, now: datetime
) -> None:
    """The event was applied at last (a replay): it holds its case no more."""
    await session.execute(
        update(UnresolvedEvent)
        .where(
            UnresolvedEvent.event_source == source,
            UnresolvedEvent.event_id == event_id,
            UnresolvedEvent.resolved_at.is_(None),
        )
        .values(resolved_at=now, resolution="applied")
    )


async def dismiss(
    session: AsyncSession, unresolved_id: int, *, reason: str, now: datetime
) -> UnresolvedEvent | None:
    row = await session.get(UnresolvedEvent, unresolved_id, with_for_update=True)
    if row is None or row.resolved_at is not None:
        return row
    row.resolved_at, row.resolution = now, f"dismissed: {reason}"[:500]
    return row


async def count_for(session: AsyncSession, case_id: UUID) -> int:
    """Unresolved events holding the case: its own and those whose case is unknown."""
    found = await session.scalar(
        select(func.count()).where(
            UnresolvedEvent.resolved_at.is_(None),
            or_(UnresolvedEvent.case_id == case_id, UnresolvedEvent.case_id.is_(None)),
        )
    )
    return found or 0


async def listing(session: AsyncSession, *, open_only: bool = True) -> list[UnresolvedEvent]:
    query = select(UnresolvedEvent).order_by(UnresolvedEvent.id)
    if open_only:
        query = query.where(UnresolvedEvent.resolved_at.is_(None))
    return list(await session.scalars(query))


def create_table() -> None:
    """For a service's migration."""
    from alembic import op

    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("event_source", sa.String(200), nullable=True),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("event_type", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("resolution", sa.String(500), nullable=True),
        sa.UniqueConstraint("topic", "partition", "offset", name="uq_unresolved_events_position"),
    )
    op.create_index("ix_unresolved_events_case_id", TABLE, ["case_id"])
    op.create_index("ix_unresolved_events_resolved_at", TABLE, ["resolved_at"])


def drop_table() -> None:
    from alembic import op

    op.drop_index("ix_unresolved_events_resolved_at", table_name=TABLE)
    op.drop_index("ix_unresolved_events_case_id", table_name=TABLE)
    op.drop_table(TABLE)


def _text(value: bytes | None) -> str | None:
    return value.decode(errors="replace") if value else None


def _body_case_id(body: bytes) -> str | None:
    try:
        decoded: Any = json.loads(body)
    except ValueError:
        return None
    found = decoded.get("case_id") if isinstance(decoded, dict) else None
    return found if isinstance(found, str) else None
