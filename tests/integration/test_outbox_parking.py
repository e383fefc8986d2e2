"""On a real broker: an event too large for Kafka (aiokafka refuses a record over the
producer's max_request_size, 1 MiB, before sending it) is parked after its refusals, and the
events staged around it are delivered, in the order they were written."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.platform.config import Settings
from shared.platform.db import create_engine, session_factory
from shared.platform.messaging import OutboxPublisher, create_broker, ensure_topics
from shared.platform.migrations import upgrade_to_head
from shared.platform.outbox import OutboxMessage, enqueue
from shared.platform.outbox_relay import OutboxRelay
from tests.kafka_helpers import TopicReader, headers_of
from tests.unit.outbox_examples import MIGRATIONS, event, sample

TOO_LARGE = 1_200_000


class Kafka(Protocol):
    """The session's broker: embedded Tansu or Apache Kafka, whichever tests/conftest.py runs."""

    @property
    def bootstrap_servers(self) -> str: ...


async def test_a_too_large_event_is_parked_and_the_others_are_delivered_in_order(
    kafka: Kafka, database_url: str, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        kafka_topic_partitions=1,
    )
    topic = f"test.outbox-parking.{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    # one case's events, the third of them too large (JSON padded with blanks)
    staged = [dataclasses.replace(event(1), topic=topic) for _ in range(5)]
    staged[2] = dataclasses.replace(staged[2], body=staged[2].body + b" " * TOO_LARGE)
    assert len(staged[2].body) > 1024 * 1024 > max(len(e.body) for e in staged if e != staged[2])

    engine = create_engine(database_url)
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for outgoing in staged:
            enqueue(session, outgoing)

    broker = create_broker(settings, service="intake", description="outbox parking test")
    await broker.start()
    relay = OutboxRelay(
        sessions,
        OutboxPublisher(broker, {}),
        batch_size=10,
        poll_interval=0.05,
        max_backoff=0.2,
        max_attempts=3,
    )
    running = asyncio.create_task(relay.run())
    try:
        rows = await _settled(sessions, within=30)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await broker.stop()
        await engine.dispose()

    big = rows[2]
    assert big.parked_at is not None and big.published_at is None
    assert (big.attempts, big.refusals) == (3, 3)
    assert (big.last_error or "").startswith("MessageSizeTooLargeError")
    assert all(r.published_at is not None for i, r in enumerate(rows) if i != 2)
    assert sample("opi_outbox_parked_messages") == 1
    assert sample("opi_outbox_pending_messages") == 0

    wanted = [e.id for i, e in enumerate(staged) if i != 2]
    async with TopicReader(kafka.bootstrap_servers, topic) as reader:
        await reader.read_until(lambda records: len(records) >= len(wanted), within=20)
        records = await reader.read_for(1.0)
    # retries after a timeout may write an event twice: its first copy keeps the order
    delivered = list(dict.fromkeys(headers_of(r)["ce_id"] for r in records))
    assert delivered == wanted


async def _settled(
    sessions: async_sessionmaker[AsyncSession], *, within: float
) -> list[OutboxMessage]:
    """The rows, once each is sent or parked."""
    deadline = time.monotonic() + within
    while True:
        async with sessions() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            rows = list((await session.scalars(query)).all())
        if all(r.published_at is not None or r.parked_at is not None for r in rows):
            return rows
        if time.monotonic() > deadline:
            raise TimeoutError([(r.event_id, r.attempts, r.last_error) for r in rows])
        await asyncio.sleep(0.1)
