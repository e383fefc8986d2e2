"""A burst of child-registered events produced straight to Kafka, and what became of each:
the time its shelter-assigned or placement-pending event reached a plain consumer."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from benchmarks.delivery import DeliveryTracker
from benchmarks.placement_workload import Registration
from benchmarks.stats import latency_ms, per_second
from shared.contracts.topics import CHILD_REGISTERED


@dataclass
class Burst:
    events: list[Registration]
    sent_at: dict[str, float]  # case id -> perf_counter just before its send()
    started: float
    acked: float  # perf_counter when the last produce was acknowledged


async def produce_burst(kafka: AIOKafkaProducer, events: list[Registration]) -> Burst:
    """Every send queued at once (the producer batches them), then every ack awaited."""
    sent_at: dict[str, float] = {}
    started = time.perf_counter()
    acks = []
    for event in events:
        sent_at[event.key.decode()] = time.perf_counter()
        acks.append(
            await kafka.send(CHILD_REGISTERED, event.value, key=event.key, headers=event.headers)
        )
    await asyncio.gather(*acks)
    return Burst(events, sent_at, started, time.perf_counter())


async def wait_for_outcomes(
    trackers: list[DeliveryTracker], keys: list[str], within: float
) -> list[str]:
    """Wait until every key was consumed by one of ``trackers``; returns the missing ones.
    The trackers time each message themselves, so this poll does not skew the figures."""
    deadline = time.perf_counter() + within
    while True:
        missing = [key for key in keys if not any(key in t.seen for t in trackers)]
        if not missing or time.perf_counter() > deadline:
            return missing
        for tracker in trackers:
            tracker.raise_if_failed()
        await asyncio.sleep(0.05)


def summarise(
    burst: Burst, assigned: DeliveryTracker, pending: DeliveryTracker, missing: list[str]
) -> dict[str, Any]:
    placed = [key for key in burst.sent_at if key in assigned.seen]
    waiting = [key for key in burst.sent_at if key not in assigned.seen and key in pending.seen]
    done = {key: assigned.seen.get(key) or pending.seen[key] for key in placed + waiting}
    last_placed = max((assigned.seen[key] for key in placed), default=burst.started)
    last_outcome = max(done.values(), default=burst.started)
    return {
        "events": len(burst.events),
        "shelter_assigned": len(placed),
        "placement_pending": len(waiting),
        "missing": len(missing),
        "duplicate_assignments": sum(assigned.deliveries[key] - 1 for key in placed),
        "produce_seconds": burst.acked - burst.started,
        "seconds": last_outcome - burst.started,
        "placements_per_s": per_second(len(placed), last_placed - burst.started),
        "outcomes_per_s": per_second(len(done), last_outcome - burst.started),
        "assigned_latency_ms": latency_ms([assigned.seen[k] - burst.sent_at[k] for k in placed]),
        "pending_latency_ms": latency_ms([pending.seen[k] - burst.sent_at[k] for k in waiting]),
    }
