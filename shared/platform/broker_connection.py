"""A Kafka reached in the background: a service starts without it and keeps trying.

A service must serve HTTP and stage events in its outbox while a Kafka (its own, or the
regional one) is down, so nothing at start-up waits for a broker: each is prepared (its
topics created, which also proves it is reachable) and started by a task of its own,
retried with capped, jittered back-off, until it is connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from shared.platform.config import Settings
from shared.platform.messaging import ensure_topics

log = logging.getLogger(__name__)

# how long start-up waits for every broker's first attempt: a reachable Kafka is connected
# (topics created, consumers started) before the service reports itself up, as it used to;
# a refused connection fails in milliseconds; only an unresponsive broker meets the limit
FIRST_ATTEMPT_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Kafka:
    """One Kafka of a service: its /health label, its broker, where it is, its topics."""

    label: str
    broker: KafkaBroker
    settings: Settings
    topics: list[str]


class BrokerConnection:
    def __init__(
        self,
        label: str,
        broker: KafkaBroker,
        *,
        prepare: Callable[[], Awaitable[None]],
        max_backoff: float,
    ) -> None:
        self.label = label
        self.broker = broker
        self.connected = False
        self._prepare = prepare
        self._max_backoff = max_backoff
        self._tried = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def of(cls, kafka: Kafka, *, create_topics: bool, max_backoff: float) -> BrokerConnection:
        # without topics to create, the admin client's round trip still proves the broker
        # reachable before the broker's own clients are built (a failed start leaks one)
        topics = kafka.topics if create_topics else []
        return cls(
            kafka.label,
            kafka.broker,
            prepare=lambda: ensure_topics(kafka.settings, topics),
            max_backoff=max_backoff,
        )

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect(), name=f"connect-{self.label}")

    async def first_attempt(self) -> None:
        """Returns once the first attempt has succeeded or failed."""
        await self._tried.wait()

    async def status(self) -> str:
        if not self.connected:
            return "connecting"
        return "ok" if await self.broker.ping(timeout=2.0) else "unavailable"

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.broker.stop()
        self.connected = False

    async def _connect(self) -> None:
        failures = 0
        while True:
            try:
                await self._prepare()
                await self.broker.start()
            except Exception as error:
                failures += 1
                self._tried.set()
                delay = self._backoff(failures)
                log.warning(
                    "%s: Kafka not reachable (try %d, again in %.1fs): %s",
                    self.label,
                    failures,
                    delay,
                    error,
                )
                # a broker that failed half-way (producer up, a consumer not) starts afresh
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
            else:
                self.connected = True
                self._tried.set()
                if failures:
                    log.info("%s: Kafka connected after %d failed tries", self.label, failures)
                return

    def _backoff(self, failures: int) -> float:
        # the exponent is capped first: a long outage must not overflow the float
        growth = 0.25 * 2 ** min(failures - 1, 20)
        return min(self._max_backoff, growth) * random.uniform(0.5, 1.0)


async def connect_in_background(
    kafkas: Iterable[Kafka], *, create_topics: bool, max_backoff: float
) -> list[BrokerConnection]:
    """Start connecting to every Kafka; wait a little for their first attempts, no longer."""
    connections = [
        BrokerConnection.of(kafka, create_topics=create_topics, max_backoff=max_backoff)
        for kafka in kafkas
    ]
    for connection in connections:
        connection.start()
    first_attempts = asyncio.gather(*(connection.first_attempt() for connection in connections))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(first_attempts, FIRST_ATTEMPT_WAIT_SECONDS)
    return connections
