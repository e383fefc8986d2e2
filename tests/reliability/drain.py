"""After the last fault: waiting until the platform has caught up (every outbox sent, every
consumer group at the end of its topics, no notice still waiting, the regional feed current),
and reading the topics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.platform.topic_partitions import partitions_of
from tests.reliability.stack import Stack


async def consumer_lag(bootstrap: str) -> dict[str, int]:
    """Consumer group -> messages it has not yet committed, over all its partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        lag: dict[str, int] = {}
        for group, _protocol in await admin.list_consumer_groups():
            committed = await admin.list_consumer_group_offsets(group)
            if not committed:
                continue
            ends = await consumer.end_offsets(list(committed))
            lag[group] = sum(
                ends[tp] - max(meta.offset, 0) for tp, meta in committed.items() if tp in ends
            )
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def topic_sizes(bootstrap: str, select: Callable[[str], bool]) -> dict[str, int]:
    """Records held by each chosen topic (end minus beginning offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        topics = [topic for topic in await consumer.topics() if select(topic)]
        partitions = await partitions_of(bootstrap, topics)
        if not partitions:
            return {}
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        sizes = dict.fromkeys(topics, 0)
        for tp in partitions:
            sizes[tp.topic] += ends[tp] - starts[tp]
        return sizes
    finally:
        await consumer.stop()


async def unsent(engines: dict[str, AsyncEngine]) -> dict[str, int]:
    counts = {}
    for name, engine in engines.items():
        async with engine.connect() as connection:
            counts[name] = await connection.scalar(
                text("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL")
            )
    return counts


async def feed_behind(engine: AsyncEngine) -> bool:
    """The regional feed stages its tables on a timer once the projection moved on: until it
    has, the outbox read is not the last word (five tables would be staged right after)."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT name, value FROM regional_counters WHERE name IN"
                " ('projection_version', 'statistics_published_version')"
            )
        )
        versions = dict(rows.tuples().all())
    return versions.get("projection_version", 0) != versions.get("statistics_published_version", 0)


async def waiting_notices(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT id, purpose, recipient_key, status, attempts, last_error FROM notices"
                " WHERE status IN ('pending', 'sending')"
            )
        )
        return [tuple(row) for row in rows.all()]


async def drained(stack: Stack, engines: dict[str, AsyncEngine], within: float) -> float:
    """Seconds until the platform caught up; raises if it never does within ``within``."""
    began = time.monotonic()
    state: tuple[object, ...] = ()
    quiet = 0
    while time.monotonic() - began < within:
        # notices first: settling one stages its event, which the outbox read must then see
        notices = await waiting_notices(engines["notification"])
        behind = await feed_behind(engines["regional"])
        outbox = await unsent(engines)
        lag = await consumer_lag(stack.kafka.bootstrap_servers)
        state = (outbox, {g: n for g, n in lag.items() if n}, notices, behind)
        caught_up = not any(outbox.values()) and not any(lag.values()) and not notices
        caught_up = caught_up and not behind
        quiet = quiet + 1 if caught_up else 0
        if quiet == 2:  # twice in a row: the three reads are not one snapshot
            return time.monotonic() - began
        await asyncio.sleep(1.0)
    raise AssertionError(f"the platform did not catch up in {within}s: {state}")
