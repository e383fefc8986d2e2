"""The outbox rows behind ``opi outbox show|retry``: read and released in one transaction
each, and written to the service's audit trail, with no case (they concern events, which the
detail lists)."""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import func, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.platform import audit
from shared.platform.auth import Principal
from shared.platform.db import create_engine, session_factory
from shared.platform.outbox import OutboxMessage, now


async def unsent(
    database_url: str, service: str, *, parked_only: bool, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The oldest ``limit`` events not yet sent (or only the parked ones), and how many
    there are."""
    where = [OutboxMessage.published_at.is_(None)]
    if parked_only:
        where.append(OutboxMessage.parked_at.is_not(None))
    async with _database(database_url) as session:
        total = await session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))
        query = select(OutboxMessage).where(*where).order_by(OutboxMessage.id).limit(limit)
        rows = (await session.scalars(query)).all()
        await _audit(
            session,
            "outbox.show",
            service=service,
            parked_only=parked_only,
            events=[row.event_id for row in rows],
        )
    return [_summary(row) for row in rows], total or 0


async def release(database_url: str, service: str, event_ids: Sequence[str] | None) -> list[str]:
    """Un-park these events (``None``: every parked one); returns the ids released."""
    statement = update(OutboxMessage).where(
        OutboxMessage.parked_at.is_not(None), OutboxMessage.published_at.is_(None)
    )
    if event_ids is not None:
        statement = statement.where(OutboxMessage.event_id.in_(event_ids))
    statement = statement.values(parked_at=None, attempts=0, refusals=0).returning(
        OutboxMessage.event_id
    )
    async with _database(database_url) as session:
        released = list((await session.scalars(statement)).all())
        await _audit(session, "outbox.retry", service=service, events=released)
    return released


def _summary(row: OutboxMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "event_id": row.event_id,
        "topic": row.topic,
        "key": row.key,
        "attempts": row.attempts,
        "refusals": row.refusals,
        "parked_at": row.parked_at.isoformat() if row.parked_at else None,
        "last_error": row.last_error,
    }


@contextlib.asynccontextmanager
async def _database(url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def _audit(session: AsyncSession, action: str, **detail: Any) -> None:
    # the regional database has no audit trail: it holds no case, only anonymised figures
    if not await session.run_sync(lambda s: inspect(s.connection()).has_table("audit_log")):
        return
    user = _os_user()
    actor = Principal(subject=f"cli:{user}", username=user, roles=frozenset(), issuer="opi-cli")
    audit.record(session, actor, action, None, now(), **detail)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return f"uid-{os.getuid()}"
