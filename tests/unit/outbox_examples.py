"""An outbox on a real database, and a stand-in for Kafka behind the real OutboxPublisher:
reachable or not, and refusing the events whose body holds a marker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake import models
from shared.contracts.catalogue import SHELTER_ASSIGNED_V1
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import create_engine, session_factory
from shared.platform.messaging import OutboxPublisher, Publisher
from shared.platform.migrations import upgrade_to_head
from shared.platform.outbox import OutboxMessage, enqueue

MIGRATIONS = Path(models.__file__).parent / "migrations"
TOPIC = SHELTER_ASSIGNED_V1.topic


def event(n: int) -> OutgoingEvent:
    payload = ShelterAssignedV1(
        case_id=f"6f1c0c8e-8d5e-4d8a-9a53-3c7a2f0e{n:04d}",
        placement_id="0b7d1f4a-5a3e-4d63-9d0a-6f1f6a0c9e01",
        country="MX",
        shelter_id="9a1d5c2e-3b4f-4e6a-8c7d-1e2f3a4b5c6d",
        shelter_name=f"Shelter {n}",
        authority="DIF",
        admin1="MX-CHP",
        reason="nearest",
        assigned_at=datetime.now(UTC),
    )
    return render(
        SHELTER_ASSIGNED_V1,
        payload,
        source="/opi/mx/referral",
        subject=str(payload.case_id),
        time=datetime.now(UTC),
    )


@asynccontextmanager
async def outbox(database_url: str, events: int) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated intake database whose outbox holds ``events`` events, in order."""
    engine = create_engine(database_url)
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for n in range(events):
            enqueue(session, event(n))
    try:
        yield sessions
    finally:
        await engine.dispose()


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def sample(name: str) -> float | None:
    return REGISTRY.get_sample_value(name)


class FakeKafka:
    """What a FastStream publisher does for the relay: raise at once, or hand back a future."""

    def __init__(self) -> None:
        self.down = False
        self.refused: set[bytes] = set()
        self.delivered: list[str] = []

    async def publish(self, body: bytes, **kwargs: Any) -> asyncio.Future[None]:
        if self.down:
            raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9092)]")
        if any(marker in body for marker in self.refused):
            # as aiokafka's producer raises it for a record over max_request_size
            raise MessageSizeTooLargeError("The message is 1048700 bytes when serialized")
        self.delivered.append(kwargs["headers"]["ce_id"])
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future

    def publisher(self) -> OutboxPublisher:
        # the broker is only used for topics without a declared publisher: none here
        return OutboxPublisher(cast(KafkaBroker, None), {TOPIC: cast(Publisher, self)})
