"""The outbox relay: publishes staged events in the order they were written, then marks
them sent.

No database transaction stays open while Kafka is slow or down: the batch is read in one
short session, published, and marked in a second one, so requests (on SQLite's single
connection, too) never wait for the broker. On PostgreSQL, where several instances of a
service run, a session-level advisory lock lets one relay publish at a time, which keeps
each case's events in order across instances.

Only the events actually handed to Kafka count an attempt: the publisher stops at the
first failure, and the events after it are not tried (``NotTried``). An event is parked
(``parked_at``, left in the table with its last error, for ``opi outbox retry``) only once
Kafka itself has refused it ``max_attempts`` times (``OPI_OUTBOX_MAX_ATTEMPTS``), so that
the others go on; an unreachable or slow broker never parks anything, however long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from prometheus_client import Counter, Gauge
from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.platform.db import dialect_name
from shared.platform.outbox import OutboxMessage, now
from shared.platform.outbox_outcomes import NotTried, refused_by_kafka
from shared.platform.wakeup import Wakeup

log = logging.getLogger(__name__)

PublishBatch = Callable[[Sequence[OutboxMessage]], Awaitable[list[BaseException | None]]]

RELAYED = Counter("opi_outbox_relayed_total", "Events published from the outbox", ["topic"])
RELAY_FAILURES = Counter("opi_outbox_publish_failures_total", "Failed outbox publish attempts")
PARKED = Counter("opi_outbox_parked_total", "Events parked after Kafka refused them repeatedly")
PENDING = Gauge(
    "opi_outbox_pending_messages", "Events staged in the outbox, not yet sent and not parked"
)
PARKED_NOW = Gauge(
    "opi_outbox_parked_messages", "Events parked in the outbox, waiting for `opi outbox retry`"
)


def is_pending() -> ColumnElement[bool]:
    return OutboxMessage.published_at.is_(None) & OutboxMessage.parked_at.is_(None)


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish_batch: PublishBatch,
        *,
        batch_size: int,
        poll_interval: float,
        max_backoff: float,
        max_attempts: int = 3,
        lock_name: str = "outbox",
        on_failure: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._publish_batch = publish_batch
        self._batch_size = batch_size
        self._max_backoff = max_backoff
        self._max_attempts = max_attempts
        self._lock_key = zlib.crc32(lock_name.encode())
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
                if failures:
                    await self._back_off(failures)
                elif sent < self._batch_size:
                    await self._wakeup.wait()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay round failed")
                failures += 1
                await asyncio.sleep(min(self._max_backoff, 1.0))

    async def relay_once(self) -> tuple[int, bool]:
        """Publish one batch; returns (how many were sent, whether all of them were)."""
        async with self._exclusive() as mine:
            if not mine:
                return 0, True  # another instance is relaying
            batch = await self._pending()
            if not batch:
                PENDING.set(0)
                await self._count_parked()  # `opi outbox retry` may have released some
                return 0, True
            outcomes = await self._publish_batch(batch)
            sent, parked = await self._record(batch, outcomes)
        if len(batch) < self._batch_size:
            PENDING.set(len(batch) - sent - parked)  # the batch held every pending event
        else:
            await self._count_pending()
        await self._count_parked()
        return sent, sent == len(batch)

    @contextlib.asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[bool]:
        async with self._sessions() as session:
            if dialect_name(session) != "postgresql":
                await session.close()  # SQLite: one process, one writer; free the connection
                yield True
                return
            locked = await session.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._lock_key}
            )
            await session.commit()  # the lock belongs to the connection, not the transaction
            try:
                yield bool(locked)
            finally:
                if locked:
                    await session.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": self._lock_key}
                    )
                    await session.commit()

    async def _pending(self) -> list[OutboxMessage]:
        async with self._sessions() as session:
            query = (
                select(OutboxMessage)
                .where(is_pending())
                .order_by(OutboxMessage.id)
                .limit(self._batch_size)
            )
            return list((await session.scalars(query)).all())

    async def _record(
        self, batch: Sequence[OutboxMessage], outcomes: list[BaseException | None]
    ) -> tuple[int, int]:
        """Marks what was sent and counts what was tried; returns (sent, newly parked)."""
        sent_at = now()
        sent = parked = 0
        async with self._sessions() as session, session.begin():
            for message, error in zip(batch, outcomes, strict=True):
                if isinstance(error, NotTried):
                    continue
                row = await session.get(OutboxMessage, message.id)
                assert row is not None
                row.attempts += 1
                if error is None:
                    row.published_at, row.last_error = sent_at, None
                    RELAYED.labels(row.topic).inc()
                    sent += 1
                    continue
                row.last_error = f"{type(error).__name__}: {error}"[:2000]
                RELAY_FAILURES.inc()
                if refused_by_kafka(error):
                    row.refusals += 1
                    if row.refusals >= self._max_attempts:
                        row.parked_at = sent_at
                        parked += 1
                        self._log_parked(row)
        return sent, parked

    @staticmethod
    def _log_parked(row: OutboxMessage) -> None:
        PARKED.inc()
        log.error(
            "outbox event %s (%s) parked after %d refusals by Kafka: %s",
            row.event_id,
            row.topic,
            row.refusals,
            row.last_error,
        )

    async def _count_pending(self) -> None:
        async with self._sessions() as session:
            pending = await session.scalar(select(func.count()).where(is_pending()))
        PENDING.set(pending or 0)

    async def _count_parked(self) -> None:
        # cheap on the partial index of parked rows, which are few
        async with self._sessions() as session:
            parked = await session.scalar(
                select(func.count()).where(OutboxMessage.parked_at.is_not(None))
            )
        PARKED_NOW.set(parked or 0)

    async def _back_off(self, failures: int) -> None:
        # the exponent is capped first: a long outage must not overflow the float
        delay = min(self._max_backoff, 0.2 * 2 ** min(failures, 20)) * random.uniform(0.5, 1.0)
        log.warning("outbox relay backing off %.1fs after %d failed round(s)", delay, failures)
        if self._on_failure is not None:
            try:
                await self._on_failure()
            except Exception as error:
                log.warning("outbox relay recovery step failed: %s", error)
        await asyncio.sleep(delay)
