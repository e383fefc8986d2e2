"""Deliveries held back by an infrastructure error, for /health and Prometheus.

A held delivery blocks its partition on purpose (the case's later events wait for it), so
operations must see it: where it is, since when, how many tries and the last error's type.
Never the message's content: it is personal data. The registry is process-wide because
every broker of a service reports into it; each entry names its consumer (``owner``), so a
process running several services (the tests) tells them apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import Counter, Gauge

INFRASTRUCTURE_RETRIES = Counter(
    "opi_consumer_infrastructure_retries_total",
    "Handler failures on an infrastructure error (database, Kafka), retried without limit",
    ["topic"],
)
STALLED_PARTITIONS = Gauge(
    "opi_consumer_stalled_partitions",
    "Partitions whose next message waits for the database or Kafka to come back",
    ["topic"],
)


@dataclass(eq=False)
class Stall:
    """One delivery (topic, partition, offset) that keeps failing on infrastructure."""

    owner: str
    topic: str
    partition: int
    offset: int
    since: datetime = field(default_factory=lambda: datetime.now(UTC))
    attempts: int = 0
    error: str = ""
    next_try: float = 0.0  # time.monotonic() of the next try
    seen: float = field(default_factory=time.monotonic)

    def failed(self, error: BaseException, delay: float) -> None:
        self.attempts += 1
        self.error = type(error).__name__
        self.seen = time.monotonic()
        self.next_try = self.seen + delay

    def touch(self) -> None:
        self.seen = time.monotonic()

    def describe(self) -> str:
        since = self.since.isoformat(timespec="seconds").replace("+00:00", "Z")
        return (
            f"{self.topic}[{self.partition}]@{self.offset} since {since} "
            f"({self.attempts} tries, {self.error})"
        )


class StalledDeliveries:
    """The stalls of the process. An entry not touched for ``stale_after`` seconds is
    forgotten: its partition went to another instance in a rebalance."""

    def __init__(self) -> None:
        self._stalls: dict[Stall, float] = {}  # stall -> stale after (seconds)

    def hold(self, stall: Stall, *, stale_after: float) -> None:
        self._stalls[stall] = stale_after
        self._recount(stall.topic)
        self._forget_stale()

    def release(self, stall: Stall) -> None:
        if self._stalls.pop(stall, None) is not None:
            self._recount(stall.topic)

    def forget(self, owner: str) -> None:
        """A stopped consumer holds nothing any more."""
        for stall in [stall for stall in self._stalls if stall.owner == owner]:
            self.release(stall)

    def of(self, owner: str) -> list[Stall]:
        self._forget_stale()
        return sorted(
            (stall for stall in self._stalls if stall.owner == owner),
            key=lambda stall: (stall.topic, stall.partition, stall.offset),
        )

    def describe(self, owner: str) -> str:
        """``ok``, or ``stalled: topic[partition]@offset since ... (tries, error)``, ..."""
        stalls = self.of(owner)
        if not stalls:
            return "ok"
        return "stalled: " + "; ".join(stall.describe() for stall in stalls)

    def _forget_stale(self) -> None:
        now = time.monotonic()
        for stall, stale_after in list(self._stalls.items()):
            if now - stall.seen > stale_after:
                self.release(stall)

    def _recount(self, topic: str) -> None:
        count = sum(1 for stall in self._stalls if stall.topic == topic)
        STALLED_PARTITIONS.labels(topic).set(count)


STALLED = StalledDeliveries()
