"""Regional reporting on a real regional Kafka, real databases and real HTTP: the anonymised
records of two countries, shuffled and partly repeated, give the expected protected
statistics; a record carrying a field outside the allowed list is dead-lettered and counted
nowhere; the statistics feed carries no small number."""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import replace
from datetime import date
from uuid import uuid4

from services.reporting.regional.main import create_regional_app
from shared.contracts.regional import StatisticsPublishedV1
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, headers_of, produce, produce_events
from tests.regional_fixtures import dataset, key_of, record, rendered

EXPECTED_INDICATORS = {
    "registered": ({"GT": 13, "MX": 25}, 38),
    "international_protection_need": ({"GT": None, "MX": None}, 16),
    "trafficking_suspected": ({"GT": 0, "MX": 0}, 0),
    "referred": ({"GT": 0, "MX": 0}, 0),
    "consular_notified": ({"GT": 0, "MX": 11}, 11),
    "placed": ({"GT": 0, "MX": 0}, 0),
    "released": ({"GT": None, "MX": None}, 12),
}


def _indicators(body: dict) -> dict:
    return {
        i["name"]: ({c["country"]: c["value"] for c in i["cells"]}, i["total"])
        for i in body["indicators"]
    }


def _small(numbers: list[int | None], k: int = 10) -> list[int]:
    return [n for n in numbers if n is not None and 1 <= n <= k - 1]


async def _eventually(check, within: float = 20):
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def _publish_feed(bootstrap: str) -> list:
    """The dataset shuffled, with repeats of the same CloudEvents, one record published
    again under a new CloudEvent id, and two records that break the contract."""
    events = [rendered(fields) for fields in dataset()]
    random.Random(11).shuffle(events)
    repeats = events[:10]
    republished = rendered(dataset()[0])
    await produce_events(bootstrap, [*events, *repeats, republished])
    intruder = rendered(record("MX", 999, "registered", date(2026, 10, 3)))
    with_name = {**json.loads(intruder.body), "name": "Ana"}
    await produce(
        bootstrap,
        intruder.topic,
        json.dumps(with_name).encode(),
        key=intruder.key.encode(),
        headers=intruder.headers,
    )
    bad_key = replace(intruder, headers={**intruder.headers, "ce_id": str(uuid4())})
    await produce(
        bootstrap,
        bad_key.topic,
        json.dumps({**json.loads(intruder.body), "case_key": "GT-12"}).encode(),
        key=b"GT-12",
        headers=bad_key.headers,
    )
    return [intruder.key.encode(), b"GT-12"]


async def test_two_countries_give_protected_statistics(
    kafka, own_kafka, database_url, make_settings, token_for
) -> None:
    settings = make_settings(
        reporting_regional=True,
        database_url=database_url,
        kafka_bootstrap_servers=kafka.bootstrap_servers,  # national: must not be used
        regional_kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        reporting_statistics_interval_seconds=0.3,
    )
    analyst = token_for(settings, "regional-analyst", subject="rcm-analyst")
    regional = own_kafka.bootstrap_servers
    async with (
        RunningService(create_regional_app(settings)) as service,
        service.client(analyst) as http,
    ):
        waiting = asyncio.create_task(http.get("/regional/stats/changes?since=0"))
        poison_keys = await _publish_feed(regional)
        assert (await waiting).json()["version"] > 0

        async with TopicReader(regional, "crm.case-events.v1.dlq") as reader:
            dead = await reader.read_until(lambda rs: len(rs) >= 2, within=20)

        async def settled() -> dict | None:
            body = (await http.get("/regional/stats/indicators")).json()
            return body if _indicators(body) == EXPECTED_INDICATORS else None

        indicators = await _eventually(settled)
        assert indicators, "the projection did not reach the expected statistics"
        await asyncio.sleep(0.5)  # nothing else may arrive: the intruder is counted nowhere
        assert _indicators((await http.get("/regional/stats/indicators")).json()) == (
            EXPECTED_INDICATORS
        )
        by_country = (await http.get("/regional/stats/registrations?group_by=country")).json()
        params = {"group_by": "country", "period": "month"}
        by_month = (await http.get("/regional/stats/registrations", params=params)).json()

        async with TopicReader(regional, "crm.statistics.v1") as reader:
            feed = await reader.read_until(
                lambda rs: any(
                    r.key == b"registrations_by_country_month"
                    and json.loads(r.value)["grand_total"] == 38
                    for r in rs
                ),
                within=20,
            )

    assert [c["events"] for c in by_country["cells"]] == [13, 25]
    assert by_country["grand_total"] == 38
    assert {"period": "2026-11-01", "country": "GT", "events": None} in by_month["cells"]
    assert not _small([c["events"] for c in by_month["cells"] + by_month["row_totals"]])
    assert indicators["days_to_consular_notification"][1] == {
        "country": "MX",
        "cases": 11,
        "median_days": 1.0,
        "p90_days": 3.0,
    }

    assert sorted(r.key for r in dead) == sorted(poison_keys)
    reasons = {r.key: headers_of(r)["dlq_reason"] for r in dead}
    assert "name" in reasons[poison_keys[0]] and "Extra inputs" in reasons[poison_keys[0]]
    assert "case_key" in reasons[b"GT-12"]
    assert all(headers_of(r)["dlq_origin_topic"] == "crm.case-events.v1" for r in dead)

    for message in feed:
        headers = headers_of(message)
        assert headers["ce_type"] == "org.rcm.opi.statistics-published.v1"
        assert headers["ce_source"] == "/opi/rcm/regional-reporting"
        table = StatisticsPublishedV1.model_validate_json(message.value)
        assert message.key == table.table.encode() and table.k == 10
        lines = table.cells + table.row_totals + table.column_totals
        assert not _small([c.value for c in lines] + [table.grand_total]), table.table
    assert key_of("MX", 999) not in json.dumps([json.loads(m.value) for m in feed])
