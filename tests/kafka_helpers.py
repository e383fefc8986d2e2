"""Plain aiokafka clients for tests: they read what services publish, independently of
FastStream, the way any other consumer of the platform would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shared.contracts.envelope import OutgoingEvent


class TopicReader:
    """Reads a topic from the beginning, without a consumer group (no rebalance wait)."""

    def __init__(self, bootstrap_servers: str, topic: str, wait_for_topic: float = 10) -> None:
        self.topic = topic
        self._wait_for_topic = wait_for_topic
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, enable_auto_commit=False
        )
        self.records: list[ConsumerRecord] = []

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        partitions = await self._wait_for_partitions()
        self._consumer.assign([TopicPartition(self.topic, p) for p in partitions])
        await self._consumer.seek_to_beginning()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()

    async def _wait_for_partitions(self) -> set[int]:
        deadline = time.monotonic() + self._wait_for_topic
        while time.monotonic() < deadline:
            partitions = self._consumer.partitions_for_topic(self.topic)
            if partitions:
                return partitions
            await self._consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        raise TimeoutError(f"topic {self.topic} does not exist")

    async def read_until(
        self, done: Callable[[list[ConsumerRecord]], bool], within: float = 20
    ) -> list[ConsumerRecord]:
        deadline = time.monotonic() + within
        while not done(self.records):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.topic}: only {len(self.records)} record(s) seen")
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                self.records.extend(records)
        return self.records

    async def read_for(self, seconds: float) -> list[ConsumerRecord]:
        """Everything that arrives within ``seconds`` (to show that nothing more comes)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                self.records.extend(records)
        return self.records


def headers_of(record: ConsumerRecord) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}


async def produce(
    bootstrap_servers: str, topic: str, value: bytes, *, key: bytes, headers: dict[str, str]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
        )
    finally:
        await producer.stop()


async def produce_events(bootstrap_servers: str, events: Iterable[OutgoingEvent]) -> None:
    """Publish rendered CloudEvents as a producing service would (key = case id)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    try:
        futures = [
            await producer.send(
                event.topic,
                event.body,
                key=event.key.encode(),
                headers=[(k, v.encode()) for k, v in event.headers.items()],
            )
            for event in events
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
