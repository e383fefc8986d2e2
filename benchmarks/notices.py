"""One notice run: the notification service on one database, its authority and the
Guatemalan consulate configured over HTTP as signed webhooks to a local receiver (proposed by
one supervisor, approved by another), then a burst of clean registrations and screenings
produced straight to Kafka and timed until the receiver has taken in both notices of every
child. Everything it starts is stopped before it returns or raises."""

from __future__ import annotations

import argparse
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.http_load import client
from benchmarks.infra import COUNTRY, ServiceServer, officer_token, postgres_database
from benchmarks.kafka_group import skip_to_end
from benchmarks.notice_burst import NATIONALITY, clean_children, produce_children, summarise
from benchmarks.produce import producer
from benchmarks.webhook_receiver import WebhookReceiver
from shared.contracts.topics import CHILD_REGISTERED, SCREENING_COMPLETED, SHELTER_ASSIGNED
from shared.platform.config import Settings
from shared.platform.dev_identity import mint_token

SUPERVISOR = "supervisor"
SECRETS = {"authority": "bench-authority-secret-0001", "consulate": "bench-consulate-secret-01"}
HOOKS = {"authorities/default": "authority", f"consulates/{NATIONALITY}": "consulate"}


@dataclass(frozen=True)
class NoticeOptions:
    children: int  # measured burst: two notices each
    warmup: int  # children notified first, unmeasured: also proves the groups are assigned
    timeout: float
    fetch_max_wait_ms: int
    postgres_admin_dsn: str
    seed: int


def second_supervisor_token(data_dir: Path) -> str:
    """A consulate's or an authority's entry takes effect once another supervisor approves."""
    settings = Settings(country=COUNTRY, data_dir=data_dir)
    return mint_token(
        data_dir,
        settings.realm,
        issuer=settings.issuer,
        subject="bench-supervisor-2",
        roles=[SUPERVISOR],
        username="bench-supervisor-2",
    )


async def configure_recipients(
    http: httpx.AsyncClient, approver: httpx.AsyncClient, receiver_url: str
) -> None:
    for path, hook in HOOKS.items():
        body = {
            "name": f"bench {hook}",
            "channel": "webhook",
            "address": f"{receiver_url}/hooks/{hook}",
            "secret": SECRETS[hook],
            "contact": "+52 55 5555 0000",
        }
        response = await http.put(f"/recipients/{path}", json=body)
        if response.status_code == 202:  # proposed: the second supervisor approves it
            change = response.json()["id"]
            response = await approver.post(f"/recipient-changes/{change}/approval")
        if response.status_code != 200:
            raise RuntimeError(f"PUT /recipients/{path}: {response.status_code} {response.text}")


async def notices_of(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    return list((await http.get("/notices")).raise_for_status().json())


async def notice_run(
    backend: str, options: NoticeOptions, kafka: str, workdir: Path
) -> dict[str, Any]:
    data_dir = workdir / f"notification-{backend}"
    data_dir.mkdir(parents=True, exist_ok=True)
    jwks, token = officer_token(data_dir, SUPERVISOR)
    warmup = clean_children(options.warmup, seed=options.seed - 3)
    children = clean_children(options.children, seed=options.seed + 3)
    topics = [CHILD_REGISTERED, SCREENING_COMPLETED, SHELTER_ASSIGNED]
    skipped = await skip_to_end(kafka, "notification", topics)
    env = {  # as `opi dev` runs services on the embedded broker, and a brisk delivery worker
        "OPI_KAFKA_FETCH_MAX_WAIT_MS": str(options.fetch_max_wait_ms),
        "OPI_KAFKA_SESSION_TIMEOUT_MS": "2000",
        "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "5000",
        "OPI_NOTIFICATION_POLL_INTERVAL_SECONDS": "0.05",
        "OPI_NOTIFICATION_RETRY_BASE_SECONDS": "0.05",
        "OPI_NOTIFICATION_RETRY_MAX_SECONDS": "1",
    }
    async with contextlib.AsyncExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{data_dir / 'notification.db'}"
        else:
            database_url = await stack.enter_async_context(
                postgres_database(options.postgres_admin_dsn)
            )
        receiver = await stack.enter_async_context(WebhookReceiver(SECRETS))
        server = await stack.enter_async_context(
            ServiceServer(
                database_url=database_url,
                kafka=kafka,
                data_dir=data_dir,
                jwks=jwks,
                service="notification",
                extra_env=env,
            )
        )
        http = await stack.enter_async_context(client(server.url, token, 4))
        approver = await stack.enter_async_context(
            client(server.url, second_supervisor_token(data_dir), 1)
        )
        await configure_recipients(http, approver, receiver.url)
        kafka_producer = producer(kafka)
        await kafka_producer.start()
        stack.push_async_callback(kafka_producer.stop)
        await produce_children(kafka_producer, warmup)
        if not await receiver.wait_for(2 * len(warmup), options.timeout):
            raise RuntimeError(f"warm-up not notified in {options.timeout}s:\n{server.log_tail()}")
        cpu_before = server.cpu_seconds()
        burst = await produce_children(kafka_producer, children)
        await receiver.wait_for(2 * (len(warmup) + len(children)), options.timeout)
        cpu_after = server.cpu_seconds()
        found = await notices_of(http)  # after the clock stopped: maps notice ids to cases
        ours = {child.case_id for child in children}
        mine = [notice for notice in found if notice["case_id"] in ours]
        arrived = {
            (notice["case_id"], notice["purpose"]): receiver.seen[notice["id"]]
            for notice in mine
            if notice["id"] in receiver.seen
        }
        statuses: dict[str, int] = {}
        for notice in mine:
            statuses[notice["status"]] = statuses.get(notice["status"], 0) + 1
        result: dict[str, Any] = {
            "backend": backend,
            "warmup_children": len(warmup),
            "earlier_events_skipped": skipped,
            "notification_settings": env,
            "burst": summarise(burst, arrived, dict(sorted(statuses.items()))),
            "signature_failures": receiver.bad_signatures,
            "repeated_deliveries": receiver.repeats,
        }
        notices = result["burst"]["notices_received"]
        if cpu_before is not None and cpu_after is not None and notices:
            result["burst"]["notification_cpu_ms_per_notice"] = (
                (cpu_after - cpu_before) / notices * 1000
            )
        if result["burst"]["missing"] or receiver.bad_signatures:
            result["notification_log_tail"] = server.log_tail(20)
        result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        return result


async def notice_runs(
    args: argparse.Namespace, kafka: str, workdir: Path, results: dict[str, Any]
) -> None:
    """One notice run per backend into ``results["notification"]``; a failed run is reported
    in ``results["errors"]`` and the others go on."""
    options = NoticeOptions(
        children=args.notices,
        warmup=max(1, min(args.warmup, args.notices)),
        timeout=args.delivery_timeout,
        fetch_max_wait_ms=args.fetch_max_wait_ms,
        postgres_admin_dsn=args.postgres_admin_dsn,
        seed=args.seed,
    )
    for backend in args.backends:
        print(
            f"… {backend}: notification, {options.warmup} warm-up + {options.children} children"
            f" (2 webhook notices each)",
            flush=True,
        )
        try:
            results["notification"][backend] = await notice_run(backend, options, kafka, workdir)
        except Exception as error:  # report it, go on with the other measurements
            results["errors"][f"notification {backend}"] = f"{type(error).__name__}: {error}"
