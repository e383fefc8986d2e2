"""Helpers of the three-country end-to-end test: tokens, polling, and reading every record
of every topic of a broker up to its current end."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

T = TypeVar("T")


def token(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "opi", "token", *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def wait_for(probe: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    """The first truthy answer of ``probe``, polled until ``timeout``."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            found = probe()
        except httpx.HTTPError as error:  # a service still busy on two shared cores
            found, last = None, error
        if found:
            return found
        time.sleep(0.5)
    raise TimeoutError(f"{what} (last error: {last!r})")


async def _read_everything(bootstrap: str, topics: set[str] | None) -> list[ConsumerRecord]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        known = await consumer.topics()  # also fetches every topic's partitions
        names = topics if topics is not None else known
        names = {name for name in names if not name.startswith("__")}
        partitions = [
            TopicPartition(name, p)
            for name in sorted(names)
            for p in consumer.partitions_for_topic(name) or ()
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning()
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + 60
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {bootstrap} to its end")
            batches = await consumer.getmany(timeout_ms=500)
            for batch in batches.values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


def read_everything(bootstrap: str, topics: set[str] | None = None) -> list[ConsumerRecord]:
    """Every record of ``topics`` (default: every topic but Kafka's own) up to their end."""
    return asyncio.run(_read_everything(bootstrap, topics))


def texts_of(record: ConsumerRecord) -> list[str]:
    """The record's value, key and header values as text (undecodable bytes kept visible)."""
    parts = [record.value or b"", record.key or b""]
    parts += [value or b"" for _, value in record.headers]
    parts += [name.encode() for name, _ in record.headers]
    return [part.decode(errors="backslashreplace") for part in parts]
