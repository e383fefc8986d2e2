"""``opi reporting rebuild``: the national statistics again, from every event on the topics.

The projection is cleared, then every national topic is read from its first offset, without
a consumer group, and applied in batches through the same ``Projector`` as the live
subscribers. Since every merge is order-independent and idempotent, the result is the one
the live service reached, and the live service may keep running meanwhile: an event it
applies during the rebuild is recorded once, whichever of the two sees it first.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting import models
from services.reporting.projection import CONSUMER, Incoming, Projector
from services.reporting.pseudonym import load_secret
from shared.contracts.catalogue import ALL_CONTRACTS, BY_TYPE
from shared.contracts.envelope import attributes_of
from shared.platform.config import Settings
from shared.platform.db import create_engine, session_factory
from shared.platform.migrations import upgrade_to_head
from shared.platform.topic_partitions import partitions_of

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
PROJECTION_TABLES = (
    models.CaseFacts,
    models.PlacementFacts,
    models.ShelterFacts,
    models.CaseReferral,
    models.CaseAlert,
    models.EventTally,
)
STALLED_SECONDS = 60.0


class RebuildStalled(RuntimeError):
    """The topics stopped answering before the rebuild reached their ends."""


@dataclass(frozen=True)
class RebuildReport:
    read: int
    applied: int
    skipped: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


async def rebuild(
    settings: Settings, *, republish: bool = False, batch_size: int = 500
) -> RebuildReport:
    """Clear and rebuild; with ``republish``, stage again the regional records that are not
    in the outbox (their ids are derived, so the region counts a repeat once)."""
    engine = create_engine(settings.database_url_for("reporting"))
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    projector = Projector(settings.country, load_secret(settings), regional_feed=republish)
    started = time.monotonic()
    try:
        async with sessions() as session, session.begin():
            await clear(session)
        read = applied = skipped = 0
        async for batch, bad in _batches(settings.kafka_bootstrap_servers, batch_size):
            async with sessions() as session, session.begin():
                applied += await projector.apply(session, batch)
            read, skipped = read + len(batch) + bad, skipped + bad
    finally:
        await engine.dispose()
    return RebuildReport(read, applied, skipped, time.monotonic() - started)


async def clear(session: AsyncSession) -> None:
    for table in PROJECTION_TABLES:
        await session.execute(delete(table))
    inbox = models.ProcessedEvent
    await session.execute(delete(inbox).where(inbox.consumer == CONSUMER))


async def _batches(bootstrap_servers: str, batch_size: int):  # noqa: ANN202 - async generator
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    partitions = await partitions_of(
        bootstrap_servers, (contract.topic for contract in ALL_CONTRACTS)
    )
    await consumer.start()
    try:
        if not partitions:
            return
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        idle_since = time.monotonic()
        while not await _caught_up(consumer, ends, idle_since):
            fetched = await consumer.getmany(timeout_ms=500, max_records=batch_size)
            records = [record for part in fetched.values() for record in part]
            if records:
                idle_since = time.monotonic()
                batch = [event for event in map(decode, records) if event is not None]
                yield batch, len(records) - len(batch)
    finally:
        await consumer.stop()


async def _caught_up(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int], idle_since: float
) -> bool:
    """At the end offsets read at the start. A broker that sends nothing for a minute while
    the rebuild is behind them fails it: a silent early end would publish short figures."""
    behind = [p for p, end in ends.items() if await consumer.position(p) < end]
    if behind and time.monotonic() - idle_since > STALLED_SECONDS:
        raise RebuildStalled(f"nothing read for {STALLED_SECONDS:.0f}s, still behind on {behind}")
    return not behind


def decode(record: ConsumerRecord) -> Incoming | None:
    """The event of a record, or ``None`` for one the live service dead-lettered too."""
    headers = {name: value.decode(errors="replace") for name, value in record.headers}
    try:
        attributes = attributes_of(headers)
        contract = BY_TYPE[attributes.type]
        payload = contract.payload.model_validate_json(record.value or b"")
    except (ValueError, KeyError, ValidationError) as error:
        log.warning("skipped %s[%s]@%s: %s", record.topic, record.partition, record.offset, error)
        return None
    if contract.topic != record.topic:
        return None
    return Incoming(contract, payload, attributes)
