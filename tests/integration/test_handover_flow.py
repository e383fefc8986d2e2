"""A cross-border handover end to end, on real brokers and databases: two national intakes
(MX and GT), each with its own Kafka, and the regional Kafka between them. Mexico returns a
Guatemalan child; Guatemala opens a returnee case, confirms reception; Mexico closes its case.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from services.intake import main as intake_main
from services.intake.main import create_app
from shared.platform.config import Settings
from shared.platform.db import create_engine
from shared.platform.migrations import upgrade_to_head
from tests.apache_kafka import ApacheKafka
from tests.conftest import RunningService
from tests.handover_fixtures import KeyRing, key_ring, return_scheduled
from tests.intake_fixtures import REGISTRATION, screening
from tests.kafka_helpers import TopicReader, headers_of, produce_events

HANDOVERS = "crm.handovers.v1"
MIGRATIONS = Path(intake_main.__file__).parent / "migrations"


@dataclass
class Intake:
    service: RunningService
    settings: Settings
    officer: str

    def client(self) -> httpx.AsyncClient:
        return self.service.client(self.officer)


@pytest.fixture
def regional() -> Iterator[ApacheKafka]:
    with ApacheKafka() as broker:
        yield broker


@pytest.fixture
def ring(tmp_path) -> KeyRing:
    return key_ring(tmp_path)


@pytest.fixture
def intake_settings(make_settings, regional, ring) -> Callable[..., Settings]:
    def _settings(country: str, database_url: str, kafka: str) -> Settings:
        return make_settings(
            country=country,
            database_url=database_url,
            kafka_bootstrap_servers=kafka,
            regional_kafka_bootstrap_servers=regional.bootstrap_servers,
            handover_peers_file=ring.peers_file,
            handover_keys_dir=ring.dirs[country],
            handover_authority_name=f"Authority of {country}",
            handover_authority_contact="+525555555555",
        )

    return _settings


@contextlib.asynccontextmanager
async def running(settings: Settings, token_for) -> AsyncIterator[Intake]:
    async with RunningService(create_app(settings)) as service:
        yield Intake(service, settings, token_for(settings, "opi-officer"))


@contextlib.asynccontextmanager
async def running_both(
    first: Settings, second: Settings, token_for
) -> AsyncIterator[tuple[Intake, Intake]]:
    """Two intakes started side by side (each waits for its consumer groups); migrated one
    after the other first, since Alembic's context is global to the process."""
    for settings in (first, second):
        engine = create_engine(settings.database_url_for("intake"))
        await upgrade_to_head(engine, MIGRATIONS)
        await engine.dispose()
    ready = [
        settings.model_copy(update={"migrate_on_start": False}) for settings in (first, second)
    ]
    async with contextlib.AsyncExitStack() as stack:
        one, two = await asyncio.gather(
            *(stack.enter_async_context(running(settings, token_for)) for settings in ready)
        )
        yield one, two


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 20) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.2)


async def cases_of(intake: Intake) -> list[dict[str, Any]]:
    async with intake.client() as http:
        response = await http.get("/cases")
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_return_is_handed_over_received_and_closed(
    kafka, own_kafka, new_database, intake_settings, token_for, regional
) -> None:
    mx_settings = intake_settings("MX", await new_database(), kafka.bootstrap_servers)
    gt_settings = intake_settings("GT", await new_database(), own_kafka.bootstrap_servers)
    async with running_both(mx_settings, gt_settings, token_for) as (mx, gt):
        async with mx.client() as http:
            mx_case = (await http.post("/cases", json=REGISTRATION)).json()
            mx_id = mx_case["case_id"]
            screened = await http.post(
                f"/cases/{mx_id}/screening",
                json=screening(
                    health_needs=["chronic_condition"], interview_notes="Secreto de entrevista"
                ),
            )
            assert screened.status_code == 201, screened.text
        await produce_events(kafka.bootstrap_servers, [return_scheduled(mx_id)])

        received = await eventually(lambda: cases_of(gt))
        assert len(received) == 1
        gt_id = received[0]["case_id"]
        async with gt.client() as http:
            gt_case = (await http.get(f"/cases/{gt_id}")).json()
        assert gt_case["country"] == "GT" and gt_case["status"] == "registered"
        assert gt_case["returned_national"] is True and gt_case["returned_from"] == "MX"
        assert gt_case["registered_by"] == "handover:MX"
        assert gt_case["accompaniment"] == "unaccompanied"
        assert gt_case["detection_place"]["admin1"] == "GT-01"
        child = gt_case["child"]
        assert (child["given_names"], child["family_names"]) == ("Ana Lucía", "Pérez López")
        assert child["date_of_birth"] == "2011-03-14" and child["nationalities"] == ["GT"]
        assert gt_case["family_contacts"][0]["phone"] == "+50255551234"
        [received_handover] = gt_case["handovers"]
        assert received_handover["direction"] == "received"
        assert received_handover["country"] == "MX"
        assert received_handover["sender_case_reference"] == mx_id
        assert received_handover["reception_confirmed_at"] is None

        async with TopicReader(own_kafka.bootstrap_servers, "child-registered") as reader:
            records = await reader.read_until(lambda rs: any(r.key == gt_id.encode() for r in rs))
        registered = json.loads(next(r for r in records if r.key == gt_id.encode()).value)
        assert registered["returned_national"] is True and registered["country"] == "GT"

        async with mx.client() as http:
            sent = (await http.get(f"/cases/{mx_id}")).json()["handovers"]
            not_received = await http.post(f"/cases/{mx_id}/reception", json={})
        assert [h["direction"] for h in sent] == ["sent"] and sent[0]["country"] == "GT"
        assert sent[0]["handover_id"] == received_handover["handover_id"]
        assert not_received.status_code == 409

        async with gt.client() as http:
            confirmed = await http.post(
                f"/cases/{gt_id}/reception", json={"received_by": "Lic. Morales"}
            )
            unknown = await http.post(f"/cases/{uuid4()}/reception")
        async with gt.service.client(token_for(gt.settings, "supervisor")) as http:
            again = await http.post(f"/cases/{gt_id}/reception", json={})
        assert confirmed.status_code == 200, confirmed.text
        assert unknown.status_code == 404
        assert confirmed.json()["handovers"][0]["reception_confirmed_at"] is not None
        assert again.status_code == 409

        async def closed() -> dict[str, Any] | None:
            async with mx.client() as http:
                case = (await http.get(f"/cases/{mx_id}")).json()
            return case if case["status"] == "closed" else None

        mx_closed = await eventually(closed)
        assert mx_closed["handovers"][0]["acknowledged_at"] is not None
        assert mx_closed["handovers"][0]["received_by"] == "Lic. Morales"

        async with TopicReader(kafka.bootstrap_servers, "case-closed") as reader:
            records = await reader.read_until(lambda rs: any(r.key == mx_id.encode() for r in rs))
        closing = json.loads(next(r for r in records if r.key == mx_id.encode()).value)
        assert closing["outcome"] == "returned_and_received" and closing["country"] == "MX"

    async with TopicReader(regional.bootstrap_servers, HANDOVERS) as reader:
        regional_records = await reader.read_until(lambda rs: len(rs) >= 2)
    assert {headers_of(r)["ce_type"] for r in regional_records} == {
        "org.rcm.opi.handover.v1",
        "org.rcm.opi.handover-acknowledged.v1",
    }
    secrets = [
        "Ana",
        "Lucía",
        "Pérez",
        "López",
        "2011-03-14",
        "+50255551234",
        "5555",
        "Secreto",
        "chronic",
        mx_id,
        gt_id,
    ]
    for record in regional_records:
        headers = headers_of(record)
        assert record.key == received_handover["handover_id"].encode()
        assert "ce_subject" not in headers
        assert headers["ce_time"].endswith("T00:00:00Z")
        visible = record.value.decode() + record.key.decode() + json.dumps(headers)
        for secret in secrets:
            assert secret not in visible, secret


async def test_a_handover_sent_while_the_destination_is_down_is_received_when_it_starts(
    kafka, own_kafka, new_database, intake_settings, token_for, regional
) -> None:
    mx_settings = intake_settings("MX", await new_database(), kafka.bootstrap_servers)
    gt_settings = intake_settings("GT", await new_database(), own_kafka.bootstrap_servers)
    async with running(mx_settings, token_for) as mx:
        async with mx.client() as http:
            mx_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        await produce_events(kafka.bootstrap_servers, [return_scheduled(mx_id)])

        async def sent() -> bool:
            async with mx.client() as http:
                return bool((await http.get(f"/cases/{mx_id}")).json()["handovers"])

        await eventually(sent)
        async with TopicReader(regional.bootstrap_servers, HANDOVERS) as reader:
            await reader.read_until(lambda records: len(records) == 1)

    async with running(gt_settings, token_for) as gt:
        [case] = await eventually(lambda: cases_of(gt))
    assert case["child"]["given_names"] == "Ana Lucía"
