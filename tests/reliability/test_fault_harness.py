"""The fault harness: a seeded workload against a full national stack plus the regional
service (two instances of each national service, Apache Kafka, PostgreSQL) while processes
are killed, the broker restarted, the databases cut off and a consulate fails; then every
promise is checked. The short run is part of `make test`; `make soak` runs the long one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.platform.config import Settings
from shared.platform.db import create_engine
from shared.platform.dev_identity import mint_token
from tests.conftest import RunningService
from tests.reliability import invariants, report
from tests.reliability.drain import drained
from tests.reliability.faults import FaultSchedule
from tests.reliability.firewall_check import consulates_never_told_of_an_open_need
from tests.reliability.malformed import TOPIC as MALFORMED_TOPIC
from tests.reliability.malformed import Malformed, only_malformed_dead_lettered
from tests.reliability.rebuild_check import statistics_equal_rebuild
from tests.reliability.receivers import Consulates, SmtpServer
from tests.reliability.stack import COUNTRY, Stack, running_stack
from tests.reliability.workload import Balancer, Workload

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SOAK_SECONDS = float(os.environ.get("OPI_SOAK_SECONDS", "0"))


@contextlib.asynccontextmanager
async def engines_of(stack: Stack) -> AsyncIterator[dict[str, AsyncEngine]]:
    engines = {name: create_engine(url) for name, url in stack.databases.items()}
    try:
        yield engines
    finally:
        for engine in engines.values():
            await engine.dispose()


def balancers(stack: Stack, workdir: Path) -> tuple[Balancer, Balancer, Balancer]:
    settings = Settings(country=COUNTRY, data_dir=workdir)

    def token(role: str) -> str:
        return mint_token(
            workdir,
            settings.realm,
            issuer=settings.issuer,
            subject=f"harness-{role}",
            roles=[role],
            username=f"harness-{role}",
        )

    officer, coordinator, supervisor = (
        token("opi-officer"),
        token("shelter-coordinator"),
        token("supervisor"),
    )
    return (
        Balancer(stack.urls("intake"), lambda: officer),
        Balancer(stack.urls("referral"), lambda: coordinator),
        Balancer(stack.urls("referral"), lambda: supervisor),
    )


async def run_harness(
    workdir: Path, *, seconds: float, rate: float, seed: int, rounds: int | None
) -> tuple[str, int]:
    consulates = Consulates(secret="harness-webhook-secret")
    with SmtpServer() as smtp:
        async with (
            RunningService(consulates.app()) as receiver,
            running_stack(workdir, mailbox_url=receiver.url, smtp_port=smtp.port) as stack,
            engines_of(stack) as engines,
        ):
            intake, referral, supervisor = balancers(stack, workdir)
            workload = Workload(intake, referral, supervisor, seed)
            faults = FaultSchedule(stack, consulates, seed)
            malformed = Malformed(stack.kafka.bootstrap_servers)
            began = time.monotonic()
            await asyncio.gather(
                workload.run(seconds, rate),
                faults.run(until=began + seconds, rounds=rounds),
                malformed.run(seconds, count=max(3, int(seconds // 120))),
            )
            load_seconds = time.monotonic() - began
            drain_seconds = await drained(stack, engines, within=300)
            rebuilt, national_total = await statistics_equal_rebuild(stack, workdir)
            # the services stay alive meanwhile (a late retry, an alert): caught up again
            await drained(stack, engines, within=120)
            firewall = await consulates_never_told_of_an_open_need(engines, consulates)
            checks = [
                await invariants.registrations_kept(workload.truth, engines, national_total),
                await invariants.events_delivered(stack, engines, f"{MALFORMED_TOPIC}.dlq"),
                await only_malformed_dead_lettered(stack.kafka.bootstrap_servers, malformed),
                await invariants.notices_settled(engines, consulates, smtp.inbox, faults.log),
                await invariants.shelters_within_capacity(engines),
                rebuilt,
                firewall,
            ]
            for balancer in (intake, referral, supervisor):
                await balancer.aclose()
    text = report.render(
        seconds=load_seconds,
        truth=workload.truth,
        faults=faults.log,
        checks=checks,
        drain_seconds=drain_seconds,
        seed=seed,
    )
    broken = [check.promise for check in checks if not check.held]
    assert not broken, f"broken promises: {broken}\n{text}"
    assert all(f.recovered_in is not None for f in faults.log.faults), text
    return text, len(faults.log.faults)


@pytest.mark.timeout(900)
async def test_short_fault_run_keeps_every_promise(tmp_path: Path) -> None:
    """One round of every kind of fault under a few minutes of load."""
    text, injected = await run_harness(tmp_path, seconds=100, rate=1.5, seed=7, rounds=1)
    report.write(text, ARTIFACTS / "fault-harness-short.md")
    assert injected == 5


@pytest.mark.soak
@pytest.mark.skipif(not SOAK_SECONDS, reason="the long run is `make soak` (OPI_SOAK_SECONDS)")
async def test_soak_keeps_every_promise(tmp_path: Path) -> None:
    text, injected = await run_harness(
        tmp_path, seconds=SOAK_SECONDS, rate=1.5, seed=2026, rounds=None
    )
    report.write(text, ARTIFACTS / "soak-report.md")
    assert injected >= SOAK_SECONDS / 40  # 30 and more in the 20 minutes of `make soak`
