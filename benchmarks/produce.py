"""The baseline: how fast a bare AIOKafkaProducer writes the same messages to the same broker,
one acknowledged send at a time and with every send in flight at once."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from benchmarks.stats import latency_ms

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class ProduceResult:
    mode: str
    messages: int
    seconds: float
    latencies: list[float]  # per-send seconds; empty for the pipelined mode

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


async def create_topic(bootstrap_servers: str, topic: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        await admin.close()


def producer(bootstrap_servers: str) -> AIOKafkaProducer:
    # the settings of the services' broker (shared.platform.messaging.create_broker)
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=False,
        request_timeout_ms=15_000,
    )


async def sequential(
    kafka: AIOKafkaProducer, topic: str, value: bytes, headers: Headers, count: int
) -> ProduceResult:
    """``send_and_wait`` one message after the other: a round trip per message."""
    latencies: list[float] = []
    started = time.perf_counter()
    for _ in range(count):
        sent = time.perf_counter()
        await kafka.send_and_wait(topic, value, key=_key(), headers=headers)
        latencies.append(time.perf_counter() - sent)
    return ProduceResult("sequential", count, time.perf_counter() - started, latencies)


async def pipelined(
    kafka: AIOKafkaProducer, topic: str, value: bytes, headers: Headers, count: int
) -> ProduceResult:
    """Every ``send`` queued at once, the producer batching them; then wait for all acks."""
    started = time.perf_counter()
    acks = [await kafka.send(topic, value, key=_key(), headers=headers) for _ in range(count)]
    await asyncio.gather(*acks)
    return ProduceResult("pipelined", count, time.perf_counter() - started, [])


def _key() -> bytes:
    # a case id per message, like the outbox: spreads messages over the partitions the same way
    return str(uuid.uuid4()).encode()


async def baseline(
    bootstrap_servers: str,
    topic: str,
    value: bytes,
    headers: Headers,
    *,
    count: int,
    partitions: int,
    warmup: int,
) -> list[ProduceResult]:
    await create_topic(bootstrap_servers, topic, partitions)
    kafka = producer(bootstrap_servers)
    await kafka.start()
    try:
        await pipelined(kafka, topic, value, headers, warmup)
        return [
            await sequential(kafka, topic, value, headers, count),
            await pipelined(kafka, topic, value, headers, count),
        ]
    finally:
        await kafka.stop()


def fallback_message() -> tuple[bytes, Headers]:
    """Only when no run delivered an event: a message of a typical size, marked synthetic."""
    headers = [(f"ce_{name}", b"x" * 40) for name in ("id", "source", "type", "subject", "time")]
    return b"{" + b"x" * 1100 + b"}", headers


async def measure(
    bootstrap_servers: str, topic: str, sample: tuple[bytes, Headers] | None, *, count: int
) -> dict[str, Any]:
    """Both modes with ``sample`` (a real outbox message), reported as a JSON-ready dict."""
    value, headers = sample or fallback_message()
    modes = await baseline(
        bootstrap_servers,
        topic,
        value,
        headers,
        count=count,
        partitions=3,  # as many as the services' topics (Settings.kafka_topic_partitions)
        warmup=min(100, count),
    )
    return {
        "topic": topic,
        "messages": count,
        "value_bytes": len(value),
        "header_count": len(headers),
        "header_bytes": sum(len(name) + len(data) for name, data in headers),
        "synthetic": sample is None,
        "modes": [
            {
                "mode": mode.mode,
                "messages": mode.messages,
                "seconds": mode.seconds,
                "msgs_per_s": mode.rate,
                "latency_ms": latency_ms(mode.latencies),
            }
            for mode in modes
        ],
    }
