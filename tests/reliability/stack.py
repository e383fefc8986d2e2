"""The stack the fault harness attacks: one Apache Kafka (national and regional topics), a
PostgreSQL database per service, and every service as its own ``opi serve`` process, two
instances of each national service so that consumer groups rebalance when one dies."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.infra import ServiceServer
from opi.registry import SERVICES, DevContext
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key
from shared.platform.dev_postgres import postgres_database
from tests.apache_kafka import ApacheKafka

COUNTRY = "MX"
NATIONAL = ("intake", "referral", "notification", "reporting")
PSEUDONYM_SECRET = "harness-pseudonym-secret-of-at-least-32-bytes"
# Fast failure detection and relays that retry often: faults are minutes apart, not hours.
TUNING = {
    "OPI_KAFKA_SESSION_TIMEOUT_MS": "6000",
    "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "1000",
    "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "15000",
    "OPI_KAFKA_FETCH_MAX_WAIT_MS": "200",
    "OPI_OUTBOX_MAX_BACKOFF_SECONDS": "3",
    "OPI_NOTIFICATION_RETRY_BASE_SECONDS": "1",
    "OPI_NOTIFICATION_RETRY_MAX_SECONDS": "5",
    "OPI_NOTIFICATION_TIMEOUT_SECONDS": "5",
    "OPI_REPORTING_PSEUDONYM_SECRET": PSEUDONYM_SECRET,
    "OPI_LOG_LEVEL": "info",
    "OPI_TELEMETRY_EXPORTER": "none",
}


class Instance(ServiceServer):
    """One process of a service, which the harness can crash and start again."""

    def __init__(self, name: str, label: str, **kwargs: object) -> None:
        super().__init__(service=name, **kwargs)  # type: ignore[arg-type]
        self.label = label
        self.starts = 0

    async def start(self, within: float = 120.0) -> Instance:
        self.starts += 1
        await super().start(within)
        return self

    def crash(self) -> None:
        """SIGKILL: no shutdown hook runs, whatever was in flight is cut off."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Stack:
    kafka: ApacheKafka
    databases: dict[str, str]
    workdir: Path
    instances: list[Instance] = field(default_factory=list)

    def urls(self, service: str) -> list[str]:
        return [i.url for i in self.of(service)]

    def of(self, service: str) -> list[Instance]:
        return [i for i in self.instances if i.service == service and i.label != "regional"]

    @property
    def regional(self) -> Instance:
        return next(i for i in self.instances if i.label == "regional")


def _environment(
    stack: Stack, name: str, mailbox_url: str, smtp_port: int, jwks: Path
) -> dict[str, str]:
    context = DevContext(
        country=COUNTRY,
        data_dir=stack.workdir,
        mailbox_smtp_port=smtp_port,
        mailbox_url=mailbox_url,
        webhook_secret="harness-webhook-secret",
        regional_kafka=stack.kafka.bootstrap_servers,
    )
    entry = SERVICES[name]
    env = {**TUNING, **entry.dev_environment(context)}
    env.pop("OPI_HANDOVER_KEYS_DIR", None)  # no peers here: returns stop at the handover
    env.pop("OPI_HANDOVER_PEERS_FILE", None)
    env["OPI_DEV_WEBHOOK_SECRET"] = context.webhook_secret
    env["OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS"] = stack.kafka.bootstrap_servers
    return env


@contextlib.asynccontextmanager
async def running_stack(workdir: Path, *, mailbox_url: str, smtp_port: int) -> AsyncIterator[Stack]:
    async with contextlib.AsyncExitStack() as exits:
        kafka = exits.enter_context(ApacheKafka(data_dir=workdir / "kafka"))
        names = [*NATIONAL, "regional"]
        databases = {
            name: await exits.enter_async_context(postgres_database(prefix=f"opi_soak_{name}"))
            for name in names
        }
        stack = Stack(kafka, databases, workdir)
        jwks = ensure_signing_key(workdir, Settings(country=COUNTRY).realm)
        regional_jwks = ensure_signing_key(
            workdir, Settings(country=COUNTRY, reporting_regional=True).realm
        )
        for name in NATIONAL:
            env = _environment(stack, name, mailbox_url, smtp_port, jwks)
            for copy in ("a", "b"):
                stack.instances.append(_instance(stack, name, f"{name}-{copy}", env, jwks))
        regional_env = {**TUNING, "OPI_REPORTING_REGIONAL": "true"}
        stack.instances.append(
            _instance(stack, "reporting", "regional", regional_env, regional_jwks, "regional")
        )
        exits.push_async_callback(_stop_all, stack)
        # the first of each service migrates its database alone, then the rest join
        firsts = [i for i in stack.instances if i.label.endswith("-a") or i.label == "regional"]
        await asyncio.gather(*(i.start() for i in firsts))
        await asyncio.gather(*(i.start() for i in stack.instances if i not in firsts))
        yield stack


def _instance(
    stack: Stack,
    name: str,
    label: str,
    env: dict[str, str],
    jwks: Path,
    database: str | None = None,
) -> Instance:
    return Instance(
        name,
        label,
        database_url=stack.databases[database or name],
        kafka=stack.kafka.bootstrap_servers,
        data_dir=stack.workdir,
        jwks=jwks,
        extra_env=env,
    )


async def _stop_all(stack: Stack) -> None:
    await asyncio.gather(*(i.stop() for i in stack.instances), return_exceptions=True)
