"""Inspect and replay dead letters: ``opi dead-letters show|replay <topic>``.

A dead letter keeps the original key, body and headers, plus ``dlq_*`` headers saying why and
where from; a replay sends it back to its origin topic as it first arrived.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.contracts.topics import dead_letter_topic
from shared.platform.topic_partitions import partitions_of

DLQ_PREFIX = "dlq_"


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str]

    @property
    def origin_topic(self) -> str:
        return self.headers["dlq_origin_topic"]

    @property
    def original_headers(self) -> dict[str, str]:
        return {k: v for k, v in self.headers.items() if not k.startswith(DLQ_PREFIX)}

    def summary(self) -> dict[str, object]:
        return {
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode(errors="replace") if self.key else None,
            "reason": self.headers.get("dlq_reason"),
            "origin": f"{self.origin_topic}[{self.headers.get('dlq_origin_partition')}]"
            f"@{self.headers.get('dlq_origin_offset')}",
            "failed_at": self.headers.get("dlq_failed_at"),
            "ce_id": self.headers.get("ce_id"),
            "ce_type": self.headers.get("ce_type"),
        }


async def read_dead_letters(bootstrap_servers: str, topic: str) -> list[DeadLetter]:
    """Every dead letter of ``topic`` currently on the broker, oldest first per partition."""
    partitions = await partitions_of(bootstrap_servers, [dead_letter_topic(topic)])
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        while await _behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                letters.extend(
                    DeadLetter(
                        partition=r.partition,
                        offset=r.offset,
                        key=r.key,
                        body=r.value or b"",
                        headers={k: v.decode(errors="replace") for k, v in r.headers},
                    )
                    for r in records
                )
        return letters
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False


async def replay(bootstrap_servers: str, letters: Iterable[DeadLetter]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await producer.start()
    sent = 0
    try:
        for letter in letters:
            headers = [(k, v.encode()) for k, v in letter.original_headers.items()]
            await producer.send_and_wait(
                letter.origin_topic, letter.body, key=letter.key, headers=headers
            )
            sent += 1
    finally:
        await producer.stop()
    return sent


def render(letters: Iterable[DeadLetter]) -> str:
    return "\n".join(json.dumps(letter.summary(), ensure_ascii=False) for letter in letters)
