"""One placement run: the referral service on one database, a shelter network created over
HTTP, then a burst of child-registered events produced straight to Kafka and timed until each
child's shelter-assigned (or placement-pending) event is consumed. Everything it starts is
stopped before it returns or raises."""

from __future__ import annotations

import argparse
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.burst import produce_burst, summarise, wait_for_outcomes
from benchmarks.delivery import DeliveryTracker
from benchmarks.http_load import client
from benchmarks.infra import ServiceServer, officer_token, postgres_database
from benchmarks.kafka_group import skip_to_end
from benchmarks.placement_workload import registrations, shelters
from benchmarks.produce import producer
from shared.contracts.topics import (
    CHILD_REGISTERED,
    PLACEMENT_PENDING,
    SCREENING_COMPLETED,
    SHELTER_ASSIGNED,
)

COORDINATOR = "shelter-coordinator"


@dataclass(frozen=True)
class PlacementOptions:
    placements: int  # measured burst with room for every child
    short_placements: int  # second burst with room for about half of them; 0 skips it
    warmup: int  # placed first, unmeasured: also proves the consumer group is assigned
    timeout: float
    fetch_max_wait_ms: int
    postgres_admin_dsn: str
    seed: int


async def create_shelters(http: httpx.AsyncClient, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        response = await http.post("/shelters", json=body)
        if response.status_code != 201:
            raise RuntimeError(f"POST /shelters: {response.status_code} {response.text[:300]}")


async def leave_room_for(http: httpx.AsyncClient, places: int) -> None:
    """Cut every shelter's capacity to its occupancy plus an even share of ``places``."""
    found = (await http.get("/shelters")).raise_for_status().json()
    for index, shelter in enumerate(found):
        share = places // len(found) + (index < places % len(found))
        patch = {"capacity": shelter["occupied"] + share}
        (await http.patch(f"/shelters/{shelter['id']}", json=patch)).raise_for_status()


async def placement_run(
    backend: str, options: PlacementOptions, kafka: str, workdir: Path
) -> dict[str, Any]:
    data_dir = workdir / f"referral-{backend}"
    data_dir.mkdir(parents=True, exist_ok=True)
    jwks, token = officer_token(data_dir, COORDINATOR)
    warmup = registrations(options.warmup, seed=options.seed - 2)
    burst_events = registrations(options.placements, seed=options.seed + 1)
    short_events = registrations(options.short_placements, seed=options.seed + 2)
    network = shelters(len(warmup) + len(burst_events))
    skipped = await skip_to_end(kafka, "referral", [CHILD_REGISTERED, SCREENING_COMPLETED])
    env = {  # as `opi dev` runs services on the embedded broker
        "OPI_KAFKA_FETCH_MAX_WAIT_MS": str(options.fetch_max_wait_ms),
        "OPI_KAFKA_SESSION_TIMEOUT_MS": "2000",
        "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "5000",
    }
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{data_dir / 'referral.db'}"
        else:
            database_url = await stack.enter_async_context(
                postgres_database(options.postgres_admin_dsn)
            )
        server = await stack.enter_async_context(
            ServiceServer(
                database_url=database_url,
                kafka=kafka,
                data_dir=data_dir,
                jwks=jwks,
                service="referral",
                extra_env=env,
            )
        )
        http = await stack.enter_async_context(client(server.url, token, 4))
        await create_shelters(http, network)
        trackers = [
            await stack.enter_async_context(
                DeliveryTracker(kafka, topic, fetch_max_wait_ms=options.fetch_max_wait_ms)
            )
            for topic in (SHELTER_ASSIGNED, PLACEMENT_PENDING)
        ]
        kafka_producer = producer(kafka)
        await kafka_producer.start()
        stack.push_async_callback(kafka_producer.stop)
        warm = await produce_burst(kafka_producer, warmup)
        if await wait_for_outcomes(trackers, list(warm.sent_at), options.timeout):
            raise RuntimeError(f"warm-up not placed in {options.timeout}s:\n{server.log_tail()}")
        cpu_before = server.cpu_seconds()
        burst = await produce_burst(kafka_producer, burst_events)
        missing = await wait_for_outcomes(trackers, list(burst.sent_at), options.timeout)
        cpu_after = server.cpu_seconds()
        result: dict[str, Any] = {
            "backend": backend,
            "shelters": len(network),
            "capacity": sum(body["capacity"] for body in network),
            "warmup_events": len(warmup),
            "earlier_events_skipped": skipped,
            "referral_settings": env,
            "burst": summarise(burst, *trackers, missing),
            "short_capacity_burst": None,
        }
        if cpu_before is not None and cpu_after is not None and burst_events:
            cpu_ms = (cpu_after - cpu_before) / len(burst_events) * 1000
            result["burst"]["referral_cpu_ms_per_event"] = cpu_ms
        if short_events:
            await leave_room_for(http, len(short_events) // 2)
            short = await produce_burst(kafka_producer, short_events)
            short_missing = await wait_for_outcomes(trackers, list(short.sent_at), options.timeout)
            result["short_capacity_burst"] = summarise(short, *trackers, short_missing)
            missing += short_missing
        if missing:
            result["referral_log_tail"] = server.log_tail(20)
        result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        return result


async def placement_runs(
    args: argparse.Namespace, kafka: str, workdir: Path, results: dict[str, Any]
) -> None:
    """One placement run per backend into ``results["placement"]``; a failed run is reported
    in ``results["errors"]`` and the others go on."""
    options = PlacementOptions(
        placements=args.placements,
        short_placements=args.short_placements,
        warmup=max(1, args.warmup),
        timeout=args.delivery_timeout,
        fetch_max_wait_ms=args.fetch_max_wait_ms,
        postgres_admin_dsn=args.postgres_admin_dsn,
        seed=args.seed,
    )
    for backend in args.backends:
        print(
            f"… {backend}: referral, {options.warmup} warm-up + {options.placements} placements"
            f" + {options.short_placements} with room for half",
            flush=True,
        )
        try:
            results["placement"][backend] = await placement_run(backend, options, kafka, workdir)
        except Exception as error:  # report it, go on with the other measurements
            results["errors"][f"placement {backend}"] = f"{type(error).__name__}: {error}"
