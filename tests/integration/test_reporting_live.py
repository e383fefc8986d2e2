"""National reporting follows the national topics live: a registration, a screening and a
placement show in the statistics; the anonymised record reaches the regional Kafka."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

from services.reporting.main import create_app
from shared.contracts.regional import ALLOWED_FIELDS, CASE_EVENTS_TOPIC
from tests.apache_kafka import ApacheKafka
from tests.conftest import RunningService
from tests.intake_fixtures import shelter_assigned
from tests.kafka_helpers import TopicReader, headers_of, produce_events
from tests.referral_fixtures import child_registered, screening_completed


async def _wait_for(http, path: str, check, seconds: float = 30.0) -> dict:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        body = (await http.get(path)).json()
        if check(body) or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.2)


async def test_events_show_in_the_statistics_and_the_regional_feed(
    own_kafka, database_url, make_settings, token_for
) -> None:
    kafka = own_kafka  # the statistics must hold only this test's events
    with ApacheKafka() as regional:
        settings = make_settings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            regional_kafka_bootstrap_servers=regional.bootstrap_servers,
        )
        case_id = uuid4()
        async with RunningService(create_app(settings)) as reporting:
            await produce_events(
                kafka.bootstrap_servers,
                [
                    screening_completed(case_id, asylum=True),
                    child_registered(case_id, nationalities=("HN",)),
                    shelter_assigned(str(case_id)),
                ],
            )
            async with reporting.client(token_for(settings, "supervisor")) as http:
                indicators = await _wait_for(
                    http,
                    "/stats/indicators",
                    lambda b: (
                        b["placements"]["in_shelter"] >= 1 and b["registrations"]["events"] >= 1
                    ),
                )
                table = (await http.get("/stats/registrations?group_by=nationality")).json()
            async with TopicReader(regional.bootstrap_servers, CASE_EVENTS_TOPIC) as reader:
                records = await reader.read_until(lambda got: len(got) >= 3, within=20)
    assert indicators["protection"]["international_protection_need"] >= 1
    assert {"nationality": "HN", "events": 1, "children": 1} in table["rows"]
    bodies = [json.loads(r.value) for r in records]
    assert all(set(body) <= ALLOWED_FIELDS for body in bodies)
    assert {body["event_type"] for body in bodies} == {"registered", "screened", "placed"}
    assert all(headers_of(r)["ce_subject"] == bodies[0]["case_key"] for r in records)
    assert str(case_id) not in b"".join(r.value + (r.key or b"") for r in records).decode()
