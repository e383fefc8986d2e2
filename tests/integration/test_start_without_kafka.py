"""A service starts while its Kafka is down: HTTP and the outbox work from the first request,
/health says which broker is missing, and once a broker listens on that port the staged
events go out and health turns ok. The same with intake's regional Kafka for handovers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from services.intake.main import create_app
from shared.contracts.regional import HANDOVERS_TOPIC
from shared.platform.embedded_broker import free_port
from tests.apache_kafka import ApacheKafka
from tests.conftest import RunningService
from tests.database_outages import eventually
from tests.handover_fixtures import key_ring
from tests.intake_fixtures import REGISTRATION
from tests.kafka_helpers import TopicReader

FAST_RETRIES = {"kafka_connect_max_backoff_seconds": 0.5, "outbox_max_backoff_seconds": 0.5}


@contextlib.asynccontextmanager
async def started(app: FastAPI, within: float = 30) -> AsyncIterator[RunningService]:
    """The service up, or a failure: a start-up that fails never sets uvicorn's ``started``."""
    service = RunningService(app)
    try:
        await asyncio.wait_for(service.__aenter__(), within)
    except TimeoutError:
        raise AssertionError(f"the service did not start within {within}s") from None
    try:
        yield service
    finally:
        await service.__aexit__(None, None, None)


@contextlib.asynccontextmanager
async def kafka_on(port: int) -> AsyncIterator[ApacheKafka]:
    broker = ApacheKafka(port=port)
    try:
        await asyncio.to_thread(broker.start)
        yield broker
    finally:
        await asyncio.to_thread(broker.close)


async def _health(http: Any) -> tuple[int, dict[str, Any]]:
    response = await http.get("/health")
    return response.status_code, response.json()


async def test_intake_registers_while_its_kafka_is_down_and_delivers_once_it_is_up(
    tmp_path, make_settings, token_for
) -> None:
    port = free_port()  # nothing listens there yet
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=f"127.0.0.1:{port}",
        **FAST_RETRIES,
    )
    officer = token_for(settings, "opi-officer")
    async with started(create_app(settings)) as service, service.client(officer) as http:
        registered = await http.post("/cases", json=REGISTRATION)
        assert registered.status_code == 201, registered.text
        case_id = registered.json()["case_id"]
        status, health = await _health(http)
        assert (status, health["status"]) == (200, "ok")  # the database decides
        assert health["checks"]["database"] == "ok"
        assert health["checks"]["broker"] == "connecting"

        async with kafka_on(port) as kafka:
            async with TopicReader(kafka.bootstrap_servers, "child-registered", 60) as reader:
                await reader.read_until(
                    lambda rs: any(r.key == case_id.encode() for r in rs), within=60
                )
            _, health = await eventually(
                lambda: _health(http),
                30,
                "health ok",
                until=lambda h: h[1]["checks"]["broker"] == "ok",
            )
    assert health["status"] == "ok" and health["checks"]["consumers"] == "ok"


async def test_intake_with_handovers_starts_while_the_regional_kafka_is_down(
    kafka, tmp_path, make_settings, token_for
) -> None:
    ring = key_ring(tmp_path)
    regional_port = free_port()
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        regional_kafka_bootstrap_servers=f"127.0.0.1:{regional_port}",
        handover_peers_file=ring.peers_file,
        handover_keys_dir=ring.dirs["MX"],
        **FAST_RETRIES,
    )
    officer = token_for(settings, "opi-officer")
    async with started(create_app(settings)) as service, service.client(officer) as http:
        registered = await http.post("/cases", json=REGISTRATION)
        assert registered.status_code == 201, registered.text
        case_id = registered.json()["case_id"]
        # the national events do not wait for the regional Kafka
        async with TopicReader(kafka.bootstrap_servers, "child-registered") as reader:
            await reader.read_until(lambda rs: any(r.key == case_id.encode() for r in rs))
        status, health = await _health(http)
        assert (status, health["status"]) == (200, "ok")
        assert health["checks"]["broker"] == "ok"
        assert health["checks"]["regional_broker"] == "connecting"

        async with kafka_on(regional_port) as regional:
            _, health = await eventually(
                lambda: _health(http),
                60,
                "regional broker ok",
                until=lambda h: h[1]["checks"]["regional_broker"] == "ok",
            )
            # connected means prepared: its topics were created before its consumers started
            async with TopicReader(regional.bootstrap_servers, HANDOVERS_TOPIC, 10):
                pass
    assert health["status"] == "ok"


async def test_a_service_still_connecting_shuts_down_at_once(tmp_path, make_settings) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
        kafka_connect_max_backoff_seconds=60,
    )
    async with started(create_app(settings)) as service, service.client() as http:
        await eventually(lambda: _health(http), 10, "up", until=lambda h: h[0] == 200)
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 10
    assert not [task for task in asyncio.all_tasks() if task.get_name().startswith("connect-")]
