"""A database outage holds a consumer's partition instead of dead-lettering its events: on a
real broker and a real database, two events of one case published while the database is
away are both applied once it is back, in order, and nothing reaches the dead-letter topic;
/health shows the stall while it lasts."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from typing import Any
from uuid import uuid4

from faststream.kafka import KafkaMessage
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from services.intake.main import create_app
from shared.contracts.catalogue import SHELTER_ASSIGNED_V1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import create_engine, session_factory
from shared.platform.dev_postgres import postgres_database
from shared.platform.inbox import ProcessedEvent, handle_once
from shared.platform.messaging import create_broker, ensure_topics, subscriber_options
from tests.conftest import RunningService
from tests.database_outages import eventually, postgres_closed, sqlite_locked
from tests.intake_fixtures import REGISTRATION, shelter_assigned
from tests.kafka_helpers import TopicReader, produce_events

OUTAGE_SECONDS = 4.0
APPLIED = Table(
    "applied",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("shelter_name", String(100)),
    Column("kafka_offset", Integer),
)


async def _service_like_engine(backend: str, url: str) -> AsyncEngine:
    # SQLite: a short busy timeout, so that the lock is reported instead of waited out
    if backend == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 0.2})
    else:
        engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(ProcessedEvent.metadata.create_all, [ProcessedEvent.__table__])
        await connection.run_sync(APPLIED.metadata.create_all)
    return engine


async def test_a_database_outage_holds_the_partition_and_keeps_the_order(
    kafka, backend, database_url, make_settings, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="shared.platform.dead_letter")
    topic = f"probe-assignments-{uuid4().hex[:8]}"
    settings = make_settings(
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        consumer_max_backoff_seconds=0.5,
        consumer_redeliver_after_seconds=1.0,  # several rewinds within the outage
    )
    await ensure_topics(settings, [topic, f"{topic}.dlq"])
    engine = await _service_like_engine(backend, database_url)
    sessions = session_factory(engine)
    broker = create_broker(settings, service="probe", description="a service-like consumer")
    deliveries: list[int] = []

    @broker.subscriber(topic, **subscriber_options(settings, "probe")(topic))
    async def on_assignment(event: ShelterAssignedV1, message: KafkaMessage) -> None:
        offset = message.raw_message.offset
        deliveries.append(offset)

        async def apply(session: AsyncSession) -> None:
            row = {"shelter_name": event.shelter_name, "kafka_offset": offset}
            await session.execute(insert(APPLIED).values(row))

        await handle_once(
            sessions,
            consumer="probe",
            headers=message.headers,
            contract=SHELTER_ASSIGNED_V1,
            apply=apply,
        )

    async def applied() -> list[Any]:
        with contextlib.suppress(Exception):  # the database may still be coming back
            async with sessions() as session:
                return list((await session.execute(select(APPLIED).order_by(APPLIED.c.id))).all())
        return []

    case_id = str(uuid4())
    events = [
        dataclasses.replace(shelter_assigned(case_id, name), topic=topic)
        for name in ("Albergue A", "Albergue B")
    ]
    outage = sqlite_locked if backend == "sqlite" else postgres_closed
    await broker.start()
    try:
        async with outage(database_url):
            await produce_events(kafka.bootstrap_servers, events)  # one key: one partition
            await eventually(lambda: len(deliveries) > 3, 30, "deliveries while it is away")
            await asyncio.sleep(OUTAGE_SECONDS)
            assert await applied() == []
        rows = await eventually(applied, 30, "both events applied", until=lambda r: len(r) == 2)
    finally:
        await broker.stop()
        await engine.dispose()

    assert [row.shelter_name for row in rows] == ["Albergue A", "Albergue B"]
    first, second = (row.kafka_offset for row in rows)
    assert second == first + 1
    # tried past the bug limit, and never the later offset before the earlier one succeeded
    assert deliveries.count(first) > settings.consumer_max_attempts
    assert deliveries[deliveries.index(second) :] == [second]
    assert any("rewound" in record.getMessage() for record in caplog.records)
    async with TopicReader(kafka.bootstrap_servers, f"{topic}.dlq") as reader:
        assert await reader.read_for(1.0) == []


async def test_intake_reports_a_held_partition_in_health_and_goes_on_after(
    kafka, make_settings, token_for
) -> None:
    async with postgres_database() as url:
        settings = make_settings(
            database_url=url,
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            consumer_max_backoff_seconds=0.5,
        )
        officer = token_for(settings, "opi-officer")
        async with RunningService(create_app(settings)) as service, service.client(officer) as http:
            case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
            moved = [shelter_assigned(case_id, name) for name in ("Albergue A", "Albergue B")]
            async with postgres_closed(url):
                await produce_events(kafka.bootstrap_servers, moved)
                stalled = await eventually(
                    lambda: _health(http),
                    30,
                    "health shows the held partition",
                    until=lambda h: h["checks"]["consumers"].startswith("stalled: "),
                )
            placement = await eventually(
                lambda: _placement(http, case_id),
                30,
                "the placement applied",
                until=lambda p: p.get("shelter_name") == "Albergue B",
            )
            healthy = await eventually(
                lambda: _health(http), 30, "health ok again", until=lambda h: h["status"] == "ok"
            )
        async with TopicReader(kafka.bootstrap_servers, "shelter-assigned.dlq") as reader:
            dead = [r for r in await reader.read_for(1.5) if r.key == case_id.encode()]

    assert stalled["status"] == "degraded"
    assert "shelter-assigned[" in stalled["checks"]["consumers"]
    assert " since " in stalled["checks"]["consumers"]
    assert case_id not in stalled["checks"]["consumers"]  # positions only, never content
    assert placement["shelter_name"] == "Albergue B"
    assert healthy["checks"]["consumers"] == "ok"
    assert dead == []


async def _health(http: Any) -> dict[str, Any]:
    return (await http.get("/health")).json()


async def _placement(http: Any, case_id: str) -> dict[str, Any]:
    with contextlib.suppress(Exception):
        response = await http.get(f"/cases/{case_id}")
        if response.status_code == 200:
            return response.json()["placement"] or {}
    return {}
