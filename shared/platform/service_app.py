"""The pieces every service's composition root assembles: engine and sessions, broker,
outbox relay, token verifier, and the lifespan that starts and stops them in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.platform import unresolved
from shared.platform.auth import TokenVerifier
from shared.platform.broker_connection import BrokerConnection, Kafka, connect_in_background
from shared.platform.config import Settings
from shared.platform.consumer_health import STALLED
from shared.platform.db import create_engine, session_factory
from shared.platform.messaging import (
    OutboxPublisher,
    Publisher,
    client_id,
    create_broker,
    ensure_topics,
    with_dead_letters,
)
from shared.platform.migrations import upgrade_to_head
from shared.platform.outbox_relay import OutboxRelay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtraBroker:
    """Another Kafka the service both consumes from and publishes to (intake's regional one):
    started and stopped with the service, pinged by its health check, its topics created."""

    name: str
    broker: KafkaBroker
    settings: Settings
    topics: list[str]


@dataclass
class ServiceRuntime:
    """What a running service holds; built once in ``create_app``."""

    name: str
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    migrations_dir: Path
    topics: list[str]
    publishers: dict[str, Publisher] = field(default_factory=dict)
    relay: OutboxRelay | None = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    # the Kafka the outbox publishes to when it is not the service's own (the regional one)
    relay_broker: KafkaBroker | None = None
    relay_settings: Settings | None = None
    extra_brokers: list[ExtraBroker] = field(default_factory=list)
    connections: list[BrokerConnection] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        name: str,
        settings: Settings,
        *,
        migrations_dir: Path,
        topics: Iterable[str],
        description: str,
        need_opening_topics: Collection[str] = (),
    ) -> ServiceRuntime:
        """``need_opening_topics``: a dead letter of one of them is kept as unresolved and
        holds its case's protection need open (the service keeps ``unresolved_events``)."""
        engine = create_engine(settings.database_url_for(name), echo=settings.database_echo)
        sessions = session_factory(engine)
        hook = (
            unresolved.recorder(sessions, need_opening_topics, lambda: datetime.now(UTC))
            if need_opening_topics
            else None
        )
        return cls(
            name=name,
            settings=settings,
            engine=engine,
            sessions=sessions,
            broker=create_broker(
                settings, service=name, description=description, on_dead_letter=hook
            ),
            migrations_dir=migrations_dir,
            topics=with_dead_letters(topics),
        )

    def attach_relay(
        self,
        publishers: dict[str, Publisher],
        *,
        broker: KafkaBroker | None = None,
        broker_settings: Settings | None = None,
    ) -> OutboxRelay:
        """The outbox relay, publishing through ``broker`` (default: the service's own;
        ``broker_settings`` say where another broker's Kafka is)."""
        self.publishers = publishers
        self.relay_broker = broker
        self.relay_settings = broker_settings
        self.relay = OutboxRelay(
            self.sessions,
            OutboxPublisher(broker or self.broker, publishers),
            batch_size=self.settings.outbox_batch_size,
            poll_interval=self.settings.outbox_poll_interval_seconds,
            max_backoff=self.settings.outbox_max_backoff_seconds,
            max_attempts=self.settings.outbox_max_attempts,
            lock_name=f"outbox:{self.name}",
            on_failure=self.ensure_topics,
        )
        return self.relay

    def add_broker(
        self, name: str, broker: KafkaBroker, *, broker_settings: Settings, topics: Iterable[str]
    ) -> ExtraBroker:
        """Another broker, subscribed to and published through like the service's own (a
        relay reaches it through publishers declared on it); ``name`` labels its health."""
        extra = ExtraBroker(name, broker, broker_settings, with_dead_letters(topics))
        self.extra_brokers.append(extra)
        return extra

    def kafkas(self) -> list[Kafka]:
        """Each Kafka the service uses, labelled as /health names it, with its topics."""
        kafkas = [Kafka("broker", self.broker, self.settings, self.topics)]
        if self.relay_broker is not None:
            settings = self.relay_settings or self.settings
            topics = with_dead_letters(self.publishers)
            kafkas.append(Kafka("outbox_broker", self.relay_broker, settings, topics))
        kafkas += [
            Kafka(f"{extra.name}_broker", extra.broker, extra.settings, extra.topics)
            for extra in self.extra_brokers
        ]
        return kafkas

    async def ensure_topics(self) -> None:
        if not self.settings.kafka_create_topics:
            return
        for kafka in self.kafkas():
            await ensure_topics(kafka.settings, kafka.topics)

    async def health(self) -> dict[str, Any]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"unavailable: {type(error).__name__}"
        for broker in self.connections:
            checks[broker.label] = await broker.status()
        checks["consumers"] = STALLED.describe(client_id(self.settings, self.name))
        # the outbox keeps requests working through a broker outage, so the database decides
        # whether this instance can serve; a held consumer is an outage too (of the database,
        # mostly), and its partition's events wait
        serving = checks["database"] == "ok" and checks["consumers"] == "ok"
        status = "ok" if serving else "degraded"
        return {
            "service": self.name,
            "country": self.settings.country,
            "status": status,
            "checks": checks,
        }

    def lifespan(self) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
        @contextlib.asynccontextmanager
        async def run(app: FastAPI) -> AsyncIterator[None]:
            if self.settings.migrate_on_start:
                await upgrade_to_head(self.engine, self.migrations_dir)
            if self.relay is not None:
                self.tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
            self.connections = await connect_in_background(
                self.kafkas(),
                create_topics=self.settings.kafka_create_topics,
                max_backoff=self.settings.kafka_connect_max_backoff_seconds,
            )
            try:
                yield
            finally:
                await self._shut_down(app)

        return run

    async def _shut_down(self, app: FastAPI) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()
        for broker in self.connections:
            await broker.stop()  # still connecting: its attempts are cancelled
        self.connections.clear()
        STALLED.forget(client_id(self.settings, self.name))
        verifier = getattr(app.state, "token_verifier", None)
        if verifier is not None:
            await verifier.aclose()
        await self.engine.dispose()


def install(app: FastAPI, runtime: ServiceRuntime) -> None:
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    app.state.sessions = runtime.sessions
    app.state.relay = runtime.relay
    app.state.token_verifier = TokenVerifier(runtime.settings)
