"""National reporting's projection throughput, in events per second, against the bare reading
of the same topics, in one run on an embedded broker of its own (so that no other section's
events are on the national topics).

A deterministic synthetic stream (``opi.simulation.stream``: the events intake, referral and
notification publish for ``cases`` children) is produced to the national topics. Then:

- raw: a bare ``AIOKafkaConsumer`` reads every national topic from the beginning, without a
  consumer group and without decoding (the consumer settings of ``opi reporting rebuild``);
- live, per database: the reporting service (``python -m opi serve reporting``, a process of
  its own, its regional feed relayed to the same broker) starts with fresh consumer groups
  and catches up with the backlog; timed from the process start, and from the moment it
  answers /health (its consumers start during start-up), until its projection holds every
  event (``projection.version``);
- rebuild, per database: ``services.reporting.rebuild.rebuild`` in this process, on the
  database the live run left, clears the projection and reads every topic again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.infra import COUNTRY, ServiceServer, officer_token, postgres_database
from benchmarks.kafka_group import delete_group, group_of
from benchmarks.stats import per_second, ratio
from opi.simulation.stream import generate_stream
from services.reporting import projection
from services.reporting.rebuild import decode, rebuild
from shared.contracts.catalogue import ALL_CONTRACTS
from shared.contracts.envelope import OutgoingEvent
from shared.platform.config import Settings
from shared.platform.db import create_engine, session_factory
from shared.platform.embedded_broker import EmbeddedBroker
from shared.platform.messaging import ensure_topics
from shared.platform.outbox import OutboxMessage

START = datetime(2025, 1, 1, tzinfo=UTC)
SECRET = "bench-reporting-pseudonym-secret-0001"
POLL_SECONDS = 0.1
NATIONAL_TOPICS = [contract.topic for contract in ALL_CONTRACTS]


@dataclass(frozen=True)
class ProjectionOptions:
    cases: int
    seed: int
    timeout: float
    fetch_max_wait_ms: int
    postgres_admin_dsn: str


async def produce_stream(bootstrap_servers: str, events: list[OutgoingEvent]) -> float:
    """Every event at once, as the services' outboxes would have (key = case id); seconds
    until all are acknowledged."""
    kafka = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all")
    await kafka.start()
    try:
        started = time.perf_counter()
        acks = [
            await kafka.send(
                event.topic,
                event.body,
                key=event.key.encode(),
                headers=[(name, value.encode()) for name, value in event.headers.items()],
            )
            for event in events
        ]
        await asyncio.gather(*acks)
        return time.perf_counter() - started
    finally:
        await kafka.stop()


async def raw_consume(
    bootstrap_servers: str, expected: int, within: float
) -> tuple[dict[str, Any], list[ConsumerRecord]]:
    """Read the national topics from their first offsets until ``expected`` records."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        await consumer.topics()  # the metadata of every topic
        partitions = [
            TopicPartition(topic, partition)
            for topic in NATIONAL_TOPICS
            for partition in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        deadline = started + within
        while len(records) < expected and time.perf_counter() < deadline:
            fetched = await consumer.getmany(timeout_ms=500, max_records=500)
            for batch in fetched.values():
                records.extend(batch)
        seconds = time.perf_counter() - started
    finally:
        await consumer.stop()
    result = {
        "records": len(records),
        "seconds": seconds,
        "events_per_s": per_second(len(records), seconds),
        "value_bytes": sum(len(record.value or b"") for record in records),
    }
    return result, records


def decode_only(records: list[ConsumerRecord]) -> dict[str, Any]:
    """Decoding alone (CloudEvent headers and payload validation), as rebuild does it."""
    started = time.perf_counter()
    decoded = sum(1 for record in records if decode(record) is not None)
    seconds = time.perf_counter() - started
    return {"events": decoded, "seconds": seconds, "events_per_s": per_second(decoded, seconds)}


async def _fresh_groups(bootstrap_servers: str) -> None:
    """Reporting's consumer groups forgotten, so the service reads from the first offsets."""
    for topic in NATIONAL_TOPICS:
        await delete_group(bootstrap_servers, group_of("reporting", topic))


async def _counts(database_url: str) -> tuple[int, int, int]:
    """(projection version, regional records staged, of which not yet sent)."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            version = await projection.version(session)
            staged = await session.scalar(select(func.count()).select_from(OutboxMessage))
            pending = await session.scalar(
                select(func.count()).where(OutboxMessage.published_at.is_(None))
            )
    finally:
        await engine.dispose()
    return version, int(staged or 0), int(pending or 0)


async def live_run(
    backend: str,
    database_url: str,
    options: ProjectionOptions,
    kafka: str,
    workdir: Path,
    expected: int,
) -> dict[str, Any]:
    data_dir = workdir / f"reporting-{backend}"
    data_dir.mkdir(parents=True, exist_ok=True)
    jwks, _token = officer_token(data_dir, "supervisor")
    await _fresh_groups(kafka)
    env = {  # as `opi dev` runs services on the embedded broker
        "OPI_KAFKA_FETCH_MAX_WAIT_MS": str(options.fetch_max_wait_ms),
        "OPI_KAFKA_SESSION_TIMEOUT_MS": "2000",
        "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "5000",
        "OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "OPI_REPORTING_PSEUDONYM_SECRET": SECRET,
    }
    server = ServiceServer(
        database_url=database_url,
        kafka=kafka,
        data_dir=data_dir,
        jwks=jwks,
        service="reporting",
        extra_env=env,
    )
    started = time.perf_counter()
    async with server:
        healthy = time.perf_counter()
        cpu_before = server.cpu_seconds()
        engine = create_engine(database_url)
        sessions = session_factory(engine)
        first: tuple[float, int] | None = None
        version = 0
        try:
            deadline = healthy + options.timeout
            while version < expected and time.perf_counter() < deadline:
                async with sessions() as session:
                    version = await projection.version(session)
                if first is None:  # the consumers start before the service is healthy
                    first = (time.perf_counter(), version)
                if version < expected:
                    await asyncio.sleep(POLL_SECONDS)
            done = time.perf_counter()
            cpu_after = server.cpu_seconds()
            drained = await _wait_for_feed(sessions, done + options.timeout)
        finally:
            await engine.dispose()
        log_tail = server.log_tail(20) if version < expected else None
    _, staged, pending = await _counts(database_url)
    result: dict[str, Any] = {
        "backend": backend,
        "events_expected": expected,
        "events_projected": version,
        "startup_seconds": healthy - started,
        "seconds_from_start": done - started,
        "events_per_s_from_start": per_second(version, done - started),
        "events_applied_during_startup": first[1] if first else None,
        "events_per_s_after_startup": (
            per_second(version - first[1], done - first[0]) if first else None
        ),
        # over the events applied after start-up, while the CPU clock ran
        "reporting_cpu_ms_per_event": (
            (cpu_after - cpu_before) / (version - first[1]) * 1000
            if cpu_before is not None and cpu_after is not None and first and version > first[1]
            else None
        ),
        "regional_records_staged": staged,
        "regional_records_unsent": pending,
        "regional_feed_drained_after_projection_s": (
            drained - done if drained is not None else None
        ),
        "settings": env,
    }
    if log_tail:
        result["reporting_log_tail"] = log_tail
    return result


async def _wait_for_feed(
    sessions: async_sessionmaker[AsyncSession], deadline: float
) -> float | None:
    """When the outbox of the regional feed is empty (the relay sent every record)."""
    while time.perf_counter() < deadline:
        async with sessions() as session:
            pending = await session.scalar(
                select(func.count()).where(OutboxMessage.published_at.is_(None))
            )
        if not pending:
            return time.perf_counter()
        await asyncio.sleep(POLL_SECONDS)
    return None


async def rebuild_run(
    database_url: str, kafka: str, workdir: Path, backend: str, expected: int
) -> dict[str, Any]:
    settings = Settings(
        country=COUNTRY,
        data_dir=workdir / f"reporting-{backend}",
        database_url=database_url,
        kafka_bootstrap_servers=kafka,
        reporting_pseudonym_secret=SECRET,  # type: ignore[arg-type]
    )
    cpu_before = time.process_time()
    report = await rebuild(settings)
    cpu = time.process_time() - cpu_before
    version, _, _ = await _counts(database_url)
    return {
        "backend": backend,
        "events_expected": expected,
        "read": report.read,
        "applied": report.applied,
        "skipped": report.skipped,
        "events_projected": version,
        "seconds": report.seconds,
        "events_per_s": report.events_per_second,
        "benchmark_process_cpu_ms_per_event": cpu / report.read * 1000 if report.read else None,
    }


async def projection_run(
    backend: str, options: ProjectionOptions, kafka: str, workdir: Path, expected: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The live run, then the rebuild on the database it left; both are stopped and the
    database dropped before this returns or raises."""
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            path = workdir / "reporting-projection.db"
            database_url = f"sqlite+aiosqlite:///{path}"
        else:
            database_url = await stack.enter_async_context(
                postgres_database(options.postgres_admin_dsn)
            )
        live = await live_run(backend, database_url, options, kafka, workdir, expected)
        rebuilt = await rebuild_run(database_url, kafka, workdir, backend, expected)
        return live, rebuilt


async def projection_runs(args: argparse.Namespace, workdir: Path, results: dict[str, Any]) -> None:
    """Into ``results["reporting"]``: the stream, the raw baseline, and per backend the live
    and rebuild runs; a failed part is reported in ``results["errors"]``."""
    options = ProjectionOptions(
        cases=args.reporting_cases,
        seed=args.seed,
        timeout=args.reporting_timeout,
        fetch_max_wait_ms=args.fetch_max_wait_ms,
        postgres_admin_dsn=args.postgres_admin_dsn,
    )
    section = results.setdefault("reporting", {})
    print(f"… reporting: a stream of {options.cases} children", flush=True)
    started = time.perf_counter()
    stream = generate_stream(seed=options.seed, cases=options.cases, country=COUNTRY, start=START)
    events = stream.events
    generated = time.perf_counter() - started
    with EmbeddedBroker(log_file=workdir / "reporting-broker.log") as broker:
        kafka = broker.bootstrap_servers
        await ensure_topics(
            Settings(country=COUNTRY, kafka_bootstrap_servers=kafka), NATIONAL_TOPICS
        )
        produce_seconds = await produce_stream(kafka, events)
        section["stream"] = {
            "seed": options.seed,
            "cases": options.cases,
            "events": len(events),
            "by_topic": dict(Counter(event.topic for event in events).most_common()),
            "mean_value_bytes": sum(len(event.body) for event in events) / max(1, len(events)),
            "generate_seconds": generated,
            "produce_seconds": produce_seconds,
        }
        print(f"… reporting: raw consume of {len(events)} events", flush=True)
        try:
            raw, records = await raw_consume(kafka, len(events), options.timeout)
            section["raw_consume"] = raw
            section["decode_only"] = decode_only(records)
        except Exception as error:
            results["errors"]["reporting raw consume"] = f"{type(error).__name__}: {error}"
        section.setdefault("live", {})
        section.setdefault("rebuild", {})
        for backend in args.backends:
            print(f"… {backend}: reporting live projection, then rebuild", flush=True)
            try:
                live, rebuilt = await projection_run(backend, options, kafka, workdir, len(events))
            except Exception as error:  # report it, go on with the other measurements
                results["errors"][f"reporting projection {backend}"] = (
                    f"{type(error).__name__}: {error}"
                )
                continue
            section["live"][backend], section["rebuild"][backend] = live, rebuilt


def projection_ratios(results: dict[str, Any], backend: str) -> dict[str, float | None]:
    """Events per second of reporting (live from its process start, live after start-up,
    rebuild) on one backend, against the raw consume of the same topics."""
    section = results.get("reporting", {})
    raw = (section.get("raw_consume") or {}).get("events_per_s")
    live = (section.get("live", {}).get(backend) or {}).get("events_per_s_from_start")
    warm = (section.get("live", {}).get(backend) or {}).get("events_per_s_after_startup")
    rebuilt = (section.get("rebuild", {}).get(backend) or {}).get("events_per_s")
    return {
        "reporting_live_per_s / raw_consume_per_s": ratio(live, raw),
        "reporting_live_warm_per_s / raw_consume_per_s": ratio(warm, raw),
        "reporting_rebuild_per_s / raw_consume_per_s": ratio(rebuilt, raw),
    }
