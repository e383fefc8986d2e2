"""The outbox relay: publishes staged events in the order they were written, then marks
them sent. Several relays may run side by side on PostgreSQL (rows are claimed with
``FOR UPDATE SKIP LOCKED``); on SQLite the single writer makes that moot.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence

from prometheus_client import Counter, Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.platform.outbox import OutboxMessage, now
from shared.platform.wakeup import Wakeup

log = logging.getLogger(__name__)

PublishBatch = Callable[[Sequence[OutboxMessage]], Awaitable[list[BaseException | None]]]

RELAYED = Counter("opi_outbox_relayed_total", "Events published from the outbox", ["topic"])
RELAY_FAILURES = Counter("opi_outbox_publish_failures_total", "Failed outbox publish attempts")
PENDING = Gauge("opi_outbox_pending_messages", "Events staged in the outbox and not yet sent")


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish_batch: PublishBatch,
        *,
        batch_size: int,
        poll_interval: float,
        max_backoff: float,
        on_failure: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._publish_batch = publish_batch
        self._batch_size = batch_size
        self._max_backoff = max_backoff
        self._on_failure = on_failure
        self._wakeup = Wakeup(poll_interval)

    def wake(self) -> None:
        """Called after a commit that staged events, so they leave at once, not at the next poll."""
        self._wakeup.ring()

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                sent, complete = await self.relay_once()
                failures = 0 if complete else failures + 1
            except Exception:
                log.exception("outbox relay round failed")
                sent, complete, failures = 0, False, failures + 1
            if failures:
                await self._back_off(failures)
            elif sent < self._batch_size:
                await self._wakeup.wait()

    async def relay_once(self) -> tuple[int, bool]:
        """Publish one batch; returns (how many were sent, whether all of them were)."""
        async with self._sessions() as session, session.begin():
            batch = await self._claim(session)
            if not batch:
                PENDING.set(0)
                return 0, True
            outcomes = await self._publish_batch(batch)
            sent = self._record(batch, outcomes)
        if len(batch) < self._batch_size:
            PENDING.set(len(batch) - sent)  # the batch held every pending event
        else:
            await self._refresh_pending_gauge()
        return sent, sent == len(batch)

    async def _claim(self, session: AsyncSession) -> list[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.published_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        return list((await session.scalars(query)).all())

    def _record(self, batch: Sequence[OutboxMessage], outcomes: list[BaseException | None]) -> int:
        sent_at = now()
        sent = 0
        for message, error in zip(batch, outcomes, strict=True):
            message.attempts += 1
            if error is None:
                message.published_at = sent_at
                message.last_error = None
                RELAYED.labels(message.topic).inc()
                sent += 1
            else:
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                RELAY_FAILURES.inc()
        return sent

    async def _refresh_pending_gauge(self) -> None:
        async with self._sessions() as session:
            pending = await session.scalar(
                select(func.count()).where(OutboxMessage.published_at.is_(None))
            )
        PENDING.set(pending or 0)

    async def _back_off(self, failures: int) -> None:
        delay = min(self._max_backoff, 0.2 * 2**failures) * random.uniform(0.5, 1.0)
        log.warning("outbox relay backing off %.1fs after %d failed round(s)", delay, failures)
        if self._on_failure is not None:
            try:
                await self._on_failure()
            except Exception as error:
                log.warning("outbox relay recovery step failed: %s", error)
        await asyncio.sleep(delay)
