"""Projection correctness: thousands of generated events, shuffled across topics and with
duplicates, give exactly the statistics computed from the generator's ground truth; so does
a rebuild from the topics, through Kafka, while the HTTP API answers the same."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from opi.simulation.stream import generate_stream, shuffled_with_duplicates
from services.reporting import statistics
from services.reporting.projection import Incoming, Projector
from services.reporting.queries import Scope
from services.reporting.rebuild import MIGRATIONS
from shared.contracts.catalogue import BY_TYPE
from shared.contracts.envelope import OutgoingEvent, attributes_of
from shared.platform.db import create_engine, session_factory
from shared.platform.migrations import upgrade_to_head
from tests import reporting_truth as truth

SECRET = b"k" * 32
NOW = datetime.now(UTC)
START = NOW - timedelta(days=120)
GROUPINGS = [
    ([], None),
    (["nationality"], "month"),
    (["age_group", "sex"], None),
    (["accompaniment", "admin1"], "week"),
    (["nationality", "age_group", "sex", "accompaniment", "admin1"], "day"),
]


def incoming(event: OutgoingEvent) -> Incoming:
    attributes = attributes_of(event.headers)
    contract = BY_TYPE[attributes.type]
    return Incoming(contract, contract.payload.model_validate_json(event.body), attributes)


async def _statistics(sessions) -> tuple[list, dict]:
    async with sessions() as session:
        tables = [
            (await statistics.registration_table(session, Scope(), g, p)).rows for g, p in GROUPINGS
        ]
        answer = await statistics.indicators(session, Scope(), now=NOW, screening_deadline_hours=24)
    return tables, answer.model_dump(mode="json")


def _expected(cases) -> tuple[list, dict]:
    return [truth.registrations(cases, g, p) for g, p in GROUPINGS], truth.indicators(cases, NOW)


async def _project(url: str, events: list[OutgoingEvent], seed: int):
    engine = create_engine(url)
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    projector = Projector("MX", SECRET, regional_feed=True)
    rng = random.Random(seed)
    position = 0
    while position < len(events):
        size = rng.choice([1, 7, 50, 300])
        async with sessions() as session, session.begin():
            await projector.apply(
                session, [incoming(e) for e in events[position : position + size]]
            )
        position += size
    return engine, sessions


@pytest.mark.timeout(600)  # thousands of events, twice, on a shared machine
async def test_shuffled_duplicated_stream_gives_the_ground_truth(new_database) -> None:
    stream = generate_stream(seed=7, cases=800, country="MX", start=START)
    assert len(stream.events) > 5000
    expected_tables, expected = _expected(list(stream.truth))
    results = []
    for seed in (1, 2):
        delivered = shuffled_with_duplicates(stream.events, seed=seed, duplicate_share=0.1)
        engine, sessions = await _project(await new_database(), delivered, seed)
        tables, answer = await _statistics(sessions)
        await engine.dispose()
        assert tables == expected_tables
        truth.assert_indicators_match(answer, expected)
        results.append((tables, {k: v for k, v in answer.items() if k != "as_of"}))
    assert results[0] == results[1]
