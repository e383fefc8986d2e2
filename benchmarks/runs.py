"""One registration run: intake on one database, warmed up, loaded, and its outbox drained
into a plain consumer. Everything it starts is stopped before it returns or raises."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.delivery import DeliveryTracker, Headers
from benchmarks.http_load import LoadResult, client, register_all
from benchmarks.infra import ServiceServer, officer_token, postgres_database
from benchmarks.stats import latency_ms, per_second
from benchmarks.workload import encoded_bodies
from shared.contracts.topics import CHILD_REGISTERED


@dataclass(frozen=True)
class RunOptions:
    requests: int
    warmup: int
    concurrency: int
    idempotency_keys: bool
    delivery_timeout: float
    fetch_max_wait_ms: int
    postgres_admin_dsn: str
    seed: int


@dataclass
class RunOutcome:
    summary: dict[str, Any]
    sample: tuple[bytes, Headers] | None  # one child-registered event as it left the outbox


async def registration_run(
    backend: str, options: RunOptions, kafka: str, workdir: Path
) -> RunOutcome:
    data_dir = workdir / backend
    data_dir.mkdir(parents=True, exist_ok=True)
    jwks, token = officer_token(data_dir)
    warmup_bodies = encoded_bodies(options.warmup, seed=options.seed - 1)
    bodies = encoded_bodies(options.requests, seed=options.seed)
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{data_dir / 'intake.db'}"
        else:
            database_url = await stack.enter_async_context(
                postgres_database(options.postgres_admin_dsn)
            )
        server = await stack.enter_async_context(
            ServiceServer(database_url=database_url, kafka=kafka, data_dir=data_dir, jwks=jwks)
        )
        tracker = await stack.enter_async_context(
            DeliveryTracker(kafka, CHILD_REGISTERED, fetch_max_wait_ms=options.fetch_max_wait_ms)
        )
        http = await stack.enter_async_context(client(server.url, token, options.concurrency))
        warm = await register_all(
            http, warmup_bodies, options.concurrency, idempotency_keys=options.idempotency_keys
        )
        if warm.succeeded == 0 and options.warmup > 0:
            raise RuntimeError(f"every warm-up request failed: {warm.examples}")
        # start the measured load with an empty outbox
        await tracker.wait_for(warm.sent_at, options.delivery_timeout)
        server_cpu, own_cpu = server.cpu_seconds(), time.process_time()
        load = await register_all(
            http, bodies, options.concurrency, idempotency_keys=options.idempotency_keys
        )
        missing = await tracker.wait_for(load.sent_at, options.delivery_timeout)
        summary = _summary(backend, load, tracker, missing)
        summary["cpu_ms_per_registration"] = {
            "intake_process": _per_request(server.cpu_seconds(), server_cpu, load.succeeded),
            "benchmark_process": _per_request(time.process_time(), own_cpu, load.succeeded),
        }
        if load.failed:
            summary["server_log_tail"] = server.log_tail(20)
        return RunOutcome(summary, tracker.sample)


def _per_request(after: float | None, before: float | None, requests: int) -> float | None:
    if after is None or before is None or not requests:
        return None
    return (after - before) / requests * 1000


def _summary(
    backend: str, load: LoadResult, tracker: DeliveryTracker, missing: list[str]
) -> dict[str, Any]:
    seen = tracker.seen
    delivered = [case for case in load.sent_at if case in seen]
    last_seen = max((seen[case] for case in delivered), default=None)
    outbox: dict[str, Any] = {
        "events_expected": load.succeeded,
        "events_delivered": len(delivered),
        "events_missing": len(missing),
        "duplicate_deliveries": sum(tracker.deliveries[case] - 1 for case in delivered),
        "seconds": None,
        "events_per_s": None,
        "drain_after_last_response_s": None,
        "delivery_latency_ms": latency_ms([seen[case] - load.sent_at[case] for case in delivered]),
    }
    if last_seen is not None:
        outbox["seconds"] = last_seen - load.started
        outbox["events_per_s"] = per_second(len(delivered), last_seen - load.started)
        outbox["drain_after_last_response_s"] = max(0.0, last_seen - load.finished)
    return {
        "backend": backend,
        "requests": sum(load.outcomes.values()),
        "succeeded": load.succeeded,
        "failed": load.failed,
        "outcomes": dict(sorted(load.outcomes.items())),
        "failure_examples": load.examples,
        "seconds": load.elapsed,
        "registrations_per_s": per_second(load.succeeded, load.elapsed),
        "latency_ms": latency_ms(load.latencies),
        "outbox": outbox,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
