"""A plain aiokafka consumer that notes when each case's event arrives on a topic, so the
outbox's end-to-end delivery (child-registered after POST /cases, shelter-assigned after a
produced child-registered) can be timed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition

Headers = list[tuple[str, bytes]]


async def end_positions(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """Assign ``partitions`` and move to their true end. Tansu 0.6.0 answers ListOffsets
    (latest) with the first offset of the last *batch* + 1, short of the end, so read on from
    there until the position reaches the high watermark of the fetch responses (that is right).
    """
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    deadline = time.monotonic() + 30
    while True:
        ends = {partition: consumer.highwater(partition) for partition in partitions}
        positions = {partition: await consumer.position(partition) for partition in partitions}
        if all(ends[p] is not None and positions[p] >= ends[p] for p in partitions):
            return positions
        if time.monotonic() > deadline:
            raise TimeoutError(f"could not find the end of {partitions}")
        await consumer.getmany(*partitions, timeout_ms=100)


class DeliveryTracker:
    """Reads ``topic`` from its current end; ``seen`` maps each message key (the case id)
    to the ``perf_counter`` at which it was first consumed."""

    def __init__(self, bootstrap_servers: str, topic: str, *, fetch_max_wait_ms: int) -> None:
        self.topic = topic
        self.seen: dict[str, float] = {}
        self.deliveries: Counter[str] = Counter()  # more than one: a duplicate (at-least-once)
        self.sample: tuple[bytes, Headers] | None = None  # one real event, for the baseline
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=fetch_max_wait_ms,
        )
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> DeliveryTracker:
        await self._consumer.start()
        await self._consumer.topics()  # fetches the metadata, so the partitions are known
        partitions = self._consumer.partitions_for_topic(self.topic)
        if not partitions:
            raise RuntimeError(f"topic {self.topic!r} does not exist")
        assigned = [TopicPartition(self.topic, partition) for partition in sorted(partitions)]
        await end_positions(self._consumer, assigned)  # now, not after the load began
        self._task = asyncio.create_task(self._consume(), name="delivery-tracker")
        return self

    async def _consume(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for messages in batches.values():
                for message in messages:
                    key = message.key.decode() if message.key else ""
                    self.seen.setdefault(key, now)
                    self.deliveries[key] += 1
                    if self.sample is None and message.value is not None:
                        self.sample = (message.value, list(message.headers))
            if batches:
                self._arrived.set()

    async def wait_for(self, keys: Iterable[str], within: float) -> list[str]:
        """Wait until every key was consumed, at most ``within`` seconds; returns the missing."""
        missing = list(keys)
        deadline = time.perf_counter() + within
        while True:
            self._arrived.clear()  # before the check: an arrival after it wakes the wait below
            missing = [key for key in missing if key not in self.seen]
            remaining = deadline - time.perf_counter()
            if not missing or remaining <= 0:
                return missing
            self.raise_if_failed()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout=min(remaining, 1.0))

    def raise_if_failed(self) -> None:
        if self._task is not None and self._task.done():
            self._task.result()  # the consumer died: raise its error

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self._consumer.stop()

    async def __aenter__(self) -> DeliveryTracker:
        try:
            return await self.start()
        except BaseException:
            await self._consumer.stop()
            raise

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
