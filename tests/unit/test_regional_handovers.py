"""Cross-border handovers as the region sees them: only the headers and key of sealed records
(never the body), kept per handover id whatever the order and however often they arrive, and
published per pair of countries under small-cell protection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid5

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.intake.handover import render_sealed
from services.reporting.regional import projection
from services.reporting.regional.api import router
from services.reporting.regional.changes import VersionWatch
from services.reporting.regional.handlers import handover_sighting
from services.reporting.regional.models import RegionalHandover
from services.reporting.regional.statistics_feed import build_statistics
from shared.contracts.envelope import OutgoingEvent
from shared.contracts.handover import HANDOVER_SCHEMA_VERSION
from shared.contracts.regional_catalogue import HANDOVER_ACKNOWLEDGED_V1, HANDOVER_V1
from shared.platform.auth import TokenVerifier
from shared.platform.db import create_engine, session_factory
from shared.platform.dead_letter import PoisonMessage
from shared.platform.migrations import upgrade_to_head

MIGRATIONS = Path(__file__).parents[2] / "services/reporting/regional/migrations"
NAMESPACE = UUID("6f1c2a43-0000-4000-8000-000000000000")


def handover_id(sender: str, destination: str, number: int) -> UUID:
    return uuid5(NAMESPACE, f"{sender}-{destination}-{number}")


def envelope(sender: str, destination: str) -> bytes:
    return json.dumps(
        {
            "schema_version": HANDOVER_SCHEMA_VERSION,
            "sender": sender,
            "destination": destination,
            "ciphertext": "c2VhbGVk",
        }
    ).encode()


def sent(sender: str, destination: str, number: int, day: date) -> OutgoingEvent:
    """A handover record exactly as the sending intake renders it."""
    return render_sealed(
        HANDOVER_V1,
        envelope(sender, destination),
        country=sender,
        destination=destination,
        handover_id=handover_id(sender, destination, number),
        at=datetime(day.year, day.month, day.day, 15, 30, tzinfo=UTC),
    )


def acknowledged(sender: str, destination: str, number: int, day: date) -> OutgoingEvent:
    """The destination's acknowledgement of the reception of that handover."""
    return render_sealed(
        HANDOVER_ACKNOWLEDGED_V1,
        envelope(destination, sender),
        country=destination,
        destination=sender,
        handover_id=handover_id(sender, destination, number),
        at=datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        (sent("MX", "GT", 1, date(2026, 10, 3)), HANDOVER_V1),
        (acknowledged("MX", "GT", 1, date(2026, 10, 3)), HANDOVER_ACKNOWLEDGED_V1),
    ],
)
def test_sightings_read_headers_and_key_only(record: OutgoingEvent, kind) -> None:
    sighting = handover_sighting(record.headers, record.key.encode(), record.body)
    assert sighting.contract is kind
    assert (sighting.sender, sighting.destination) == ("MX", "GT")
    assert sighting.handover_id == str(handover_id("MX", "GT", 1))
    assert sighting.day == date(2026, 10, 3)


def _broken() -> dict[str, tuple[dict, bytes | None, bytes]]:
    good = sent("MX", "GT", 1, date(2026, 10, 3))
    key = good.key.encode()
    without = {k: v for k, v in good.headers.items() if k != "ce_destination"}
    return {
        "unknown handover type": (
            {**good.headers, "ce_type": "org.rcm.opi.other.v1"},
            key,
            good.body,
        ),
        "ce_destination": (without, key, good.body),
        "not a handover id": (good.headers, b"MX-1", good.body),
        "not a national intake": (
            {**good.headers, "ce_source": "/opi/mx/reporting"},
            key,
            good.body,
        ),
        "invalid JSON": (good.headers, key, b"{not json"),
        "contradicts": (good.headers, key, envelope("MX", "SV")),
        "sending country": ({**good.headers, "ce_destination": "MX"}, key, envelope("MX", "MX")),
        "missing header": ({k: v for k, v in good.headers.items() if k != "ce_id"}, key, good.body),
    }


@pytest.mark.parametrize("reason", list(_broken()))
def test_malformed_records_are_poison(reason: str) -> None:
    headers, key, body = _broken()[reason]
    with pytest.raises(PoisonMessage, match=reason):
        handover_sighting(headers, key, body)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    await upgrade_to_head(engine, MIGRATIONS)
    yield session_factory(engine)
    await engine.dispose()


async def _apply(sessions, record: OutgoingEvent) -> bool:
    sighting = handover_sighting(record.headers, record.key.encode(), record.body)
    is_sent = sighting.contract is HANDOVER_V1
    async with sessions() as session, session.begin():
        return await projection.apply_handover(
            session,
            handover_id=sighting.handover_id,
            sender=sighting.sender,
            destination=sighting.destination,
            sent_on=sighting.day if is_sent else None,
            received_on=None if is_sent else sighting.day,
        )


async def _rows(sessions) -> list[tuple]:
    async with sessions() as session:
        rows = (await session.scalars(select(RegionalHandover))).all()
        return sorted(
            (r.handover_id, r.sender, r.destination, r.sent_on, r.received_on) for r in rows
        )


async def test_the_acknowledgement_may_come_before_the_handover(sessions, tmp_path) -> None:
    records = [
        sent("MX", "GT", 1, date(2026, 10, 3)),
        acknowledged("MX", "GT", 1, date(2026, 10, 5)),
        sent("HN", "SV", 2, date(2026, 10, 4)),
    ]
    for record in reversed(records):
        assert await _apply(sessions, record)
    backwards = await _rows(sessions)

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'forwards.db'}")
    await upgrade_to_head(engine, MIGRATIONS)
    forwards_sessions = session_factory(engine)
    for record in records:
        await _apply(forwards_sessions, record)
    assert await _rows(forwards_sessions) == backwards
    await engine.dispose()

    assert backwards == sorted(
        [
            (str(handover_id("MX", "GT", 1)), "MX", "GT", date(2026, 10, 3), date(2026, 10, 5)),
            (str(handover_id("HN", "SV", 2)), "HN", "SV", date(2026, 10, 4), None),
        ]
    )
    async with sessions() as session:
        assert await projection.current_version(session) == 3


async def test_a_repeated_handover_counts_once(sessions) -> None:
    first = sent("MX", "GT", 1, date(2026, 10, 3))
    assert await _apply(sessions, first)
    assert not await _apply(sessions, first)
    republished = sent("MX", "GT", 1, date(2026, 10, 4))  # a new CloudEvent, a later day
    assert republished.id != first.id
    assert not await _apply(sessions, republished)
    assert await _apply(sessions, acknowledged("MX", "GT", 1, date(2026, 10, 9)))
    assert not await _apply(sessions, acknowledged("MX", "GT", 1, date(2026, 10, 10)))
    assert await _rows(sessions) == [
        (str(handover_id("MX", "GT", 1)), "MX", "GT", date(2026, 10, 3), date(2026, 10, 9))
    ]


def handovers_dataset() -> list[OutgoingEvent]:
    """Mexico hands 12 children over to Guatemala in October 2026 (10 of them acknowledged,
    after 0-3 days) and 1 in November; Guatemala 11 to Mexico in October, each acknowledged
    2 days later; Honduras 3 to El Salvador, acknowledged the next day."""
    records: list[OutgoingEvent] = []
    for i in range(12):
        day = date(2026, 10, 1 + i)
        records.append(sent("MX", "GT", i, day))
        if i < 10:
            records.append(acknowledged("MX", "GT", i, day + timedelta(days=i % 4)))
    records.append(sent("MX", "GT", 99, date(2026, 11, 2)))
    for i in range(11):
        day = date(2026, 10, 10 + i)
        records += [sent("GT", "MX", i, day), acknowledged("GT", "MX", i, day + timedelta(days=2))]
    for i in range(3):
        day = date(2026, 10, 20 + i)
        records += [sent("HN", "SV", i, day), acknowledged("HN", "SV", i, day + timedelta(days=1))]
    return records


@pytest.fixture
async def api(sessions, make_settings, token_for):
    for record in reversed(handovers_dataset()):  # acknowledgements before their handovers
        await _apply(sessions, record)
    settings = make_settings(reporting_regional=True)
    app = FastAPI()
    app.state.settings, app.state.sessions = settings, sessions
    app.state.token_verifier = TokenVerifier(settings)
    app.state.regional_versions = VersionWatch(sessions, poll_interval=0.05)
    app.include_router(router)
    token = token_for(settings, "regional-analyst")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://regional",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


def _nonzero(table: dict) -> dict:
    return {
        (c["sender"], c["destination"]): c["handovers"]
        for c in table["cells"]
        if c["handovers"] != 0
    }


async def test_handovers_per_pair_are_protected(api) -> None:
    response = await api.get("/regional/stats/handovers?from=2026-10-05&to=2026-10-20")
    assert response.status_code == 200
    body = response.json()
    assert (body["k"], body["from"], body["to"]) == (10, "2026-10-01", "2026-10-31")
    sent_table, received = body["sent"], body["received"]
    assert sent_table["dimensions"] == ["sender", "destination"]
    assert sent_table["measure"].startswith("handovers: cross-border handovers")
    assert {"sender": "MX", "destination": "GT", "handovers": 12} in sent_table["cells"]
    assert {"sender": "MX", "destination": "MX", "handovers": 0} in sent_table["cells"]
    # HN->SV (3) is suppressed; GT->MX too, or it would follow from the published total
    assert _nonzero(sent_table) == {("GT", "MX"): None, ("HN", "SV"): None, ("MX", "GT"): 12}
    assert sent_table["row_totals"] == [
        {"sender": "GT", "handovers": None},
        {"sender": "HN", "handovers": None},
        {"sender": "MX", "handovers": 12},
    ]
    assert sent_table["grand_total"] == 26  # the November handover is outside the period
    assert _nonzero(received) == {("GT", "MX"): 11, ("HN", "SV"): None, ("MX", "GT"): None}
    assert received["grand_total"] == 24
    assert body["days_to_reception"] == [
        {
            "sender": "GT",
            "destination": "MX",
            "handovers": 11,
            "median_days": 2.0,
            "p90_days": 2.0,
        },
        {
            "sender": "HN",
            "destination": "SV",
            "handovers": None,
            "median_days": None,
            "p90_days": None,
        },
        {
            "sender": "MX",
            "destination": "GT",
            "handovers": None,
            "median_days": None,
            "p90_days": None,
        },
    ]


async def test_national_roles_get_no_handover_statistics(api, make_settings, token_for) -> None:
    token = token_for(make_settings(reporting_regional=True), "supervisor")
    response = await api.get(
        "/regional/stats/handovers", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


async def test_the_feed_carries_the_pair_tables(api, sessions) -> None:
    async with sessions() as session:
        tables = {
            t.table: t
            for t in await build_statistics(session, k=10, now=datetime(2026, 12, 1, tzinfo=UTC))
        }
    sent_feed = tables["handovers_sent_by_pair"]
    assert sent_feed.dimensions == ["sender", "destination"]
    assert (sent_feed.period_from, sent_feed.period_to) == (date(2026, 10, 1), date(2026, 11, 2))
    assert sent_feed.grand_total == 27
    received_feed = tables["handovers_received_by_pair"]
    assert received_feed.grand_total == 24
    for table in (sent_feed, received_feed):
        numbers = [c.value for c in table.cells + table.row_totals + table.column_totals]
        assert not [n for n in numbers if n is not None and 0 < n < 10], table.table
