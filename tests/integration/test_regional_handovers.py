"""Cross-border handovers on a real regional Kafka, seen by regional reporting without being
opened: records built exactly as the intakes render them (sealed bodies it cannot read),
acknowledgements before their handovers and repeats, give the protected counts per pair and
the days to reception; malformed records are dead-lettered with their reason."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from datetime import date, timedelta
from uuid import uuid4

from services.reporting.regional.main import create_regional_app
from shared.contracts.envelope import OutgoingEvent
from shared.contracts.regional_catalogue import HANDOVER_V1
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, headers_of, produce_events
from tests.unit.test_regional_handovers import acknowledged, sent

HANDOVERS = "crm.handovers.v1"


def _feed() -> list[OutgoingEvent]:
    """Mexico hands 12 children over to Guatemala in October 2026, each acknowledged 1-3 days
    later; Guatemala 10 to Mexico (acknowledged after 2 days); Honduras 3 to El Salvador.
    Acknowledgements come first, and some records come twice (one under a new id)."""
    handovers, acks = [], []
    for i in range(12):
        day = date(2026, 10, 1 + i)
        handovers.append(sent("MX", "GT", i, day))
        acks.append(acknowledged("MX", "GT", i, day + timedelta(days=1 + i % 3)))
    for i in range(10):
        day = date(2026, 10, 2 + i)
        handovers.append(sent("GT", "MX", i, day))
        acks.append(acknowledged("GT", "MX", i, day + timedelta(days=2)))
    for i in range(3):
        day = date(2026, 10, 20 + i)
        handovers.append(sent("HN", "SV", i, day))
        acks.append(acknowledged("HN", "SV", i, day + timedelta(days=1)))
    repeats = [handovers[0], acks[0], sent("MX", "GT", 1, date(2026, 10, 5))]
    return [*acks, *handovers, *repeats]


def _malformed() -> list[OutgoingEvent]:
    good = sent("MX", "GT", 500, date(2026, 10, 5))
    headers = dict(good.headers)
    headers.pop("ce_destination")
    unknown = {**good.headers, "ce_id": str(uuid4()), "ce_type": "org.rcm.opi.other.v1"}
    return [
        replace(good, key=str(uuid4()), headers={**headers, "ce_id": str(uuid4())}),
        replace(good, key=str(uuid4()), headers=unknown),
    ]


async def _eventually(check, within: float = 30):
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


def _cell(table: dict, sender: str, destination: str) -> int | None:
    return next(
        c["handovers"]
        for c in table["cells"]
        if (c["sender"], c["destination"]) == (sender, destination)
    )


async def test_handovers_give_protected_counts_per_pair(
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
    malformed = _malformed()
    async with (
        RunningService(create_regional_app(settings)) as service,
        service.client(analyst) as http,
    ):
        await produce_events(regional, [*_feed(), *malformed])

        async def settled() -> dict | None:
            response = await http.get("/regional/stats/handovers?from=2026-10-01&to=2026-10-31")
            body = response.json()
            return body if body["sent"]["grand_total"] == 25 else None

        body = await _eventually(settled)
        assert body, "the handovers were not all counted"
        await asyncio.sleep(0.5)  # the repeats changed nothing
        again = (await http.get("/regional/stats/handovers?from=2026-10-01&to=2026-10-31")).json()
        nothing = (await http.get("/regional/stats/handovers?from=2026-12-01&to=2026-12-31")).json()

        async with TopicReader(regional, f"{HANDOVERS}.dlq") as reader:
            dead = await reader.read_until(lambda rs: len(rs) >= 2, within=20)
        async with TopicReader(regional, "crm.statistics.v1") as reader:
            feed = await reader.read_until(
                lambda rs: any(
                    r.key == b"handovers_received_by_pair"
                    and json.loads(r.value)["grand_total"] == 25
                    for r in rs
                ),
                within=20,
            )

    assert again == body
    assert (body["k"], body["from"], body["to"]) == (10, "2026-10-01", "2026-10-31")
    sent_table, received = body["sent"], body["received"]
    assert sent_table["dimensions"] == ["sender", "destination"]
    assert _cell(sent_table, "MX", "GT") == 12
    assert _cell(sent_table, "HN", "SV") is None
    assert _cell(sent_table, "GT", "MX") is None  # else HN->SV follows from the total
    assert _cell(sent_table, "MX", "SV") == 0
    assert _cell(received, "MX", "GT") == 12
    assert _cell(received, "HN", "SV") is None
    assert received["grand_total"] == 25
    assert {"sender": "MX", "handovers": 12} in received["row_totals"]
    delays = {(d["sender"], d["destination"]): d for d in body["days_to_reception"]}
    assert delays["MX", "GT"] == {
        "sender": "MX",
        "destination": "GT",
        "handovers": 12,
        "median_days": 2.0,
        "p90_days": 3.0,
    }
    assert delays["HN", "SV"]["handovers"] is None
    assert delays["HN", "SV"]["median_days"] is None
    assert nothing["sent"]["grand_total"] == 0

    assert sorted(r.key for r in dead) == sorted(m.key.encode() for m in malformed)
    reasons = sorted(headers_of(r)["dlq_reason"] for r in dead)
    assert "ce_destination" in reasons[0]
    assert "unknown handover type" in reasons[1]
    assert all(headers_of(r)["dlq_origin_topic"] == HANDOVERS for r in dead)
    assert all(headers_of(r)["ce_type"] in (HANDOVER_V1.type, "org.rcm.opi.other.v1") for r in dead)

    tables = {r.key for r in feed}
    assert {b"handovers_sent_by_pair", b"handovers_received_by_pair"} <= tables
    for message in feed:
        table = json.loads(message.value)
        if message.key.startswith(b"handovers_"):
            numbers = [c["value"] for c in table["cells"] + table["row_totals"]]
            assert not [n for n in numbers if n is not None and 0 < n < 10]
