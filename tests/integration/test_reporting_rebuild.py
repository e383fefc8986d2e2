"""Through Kafka: the live service reaches the ground truth from a shuffled, duplicated
stream, and `rebuild` from the topics reaches the very same statistics."""

from __future__ import annotations

import time

from opi.simulation.stream import generate_stream, shuffled_with_duplicates
from services.reporting.main import create_app
from services.reporting.rebuild import rebuild
from tests import reporting_truth as truth
from tests.conftest import RunningService
from tests.integration.test_reporting_projection import NOW, START
from tests.kafka_helpers import produce_events

QUERIES = [
    "/stats/registrations?group_by=nationality&period=month",
    "/stats/registrations?group_by=age_group,sex,accompaniment,admin1",
    "/stats/registrations?group_by=admin1&period=week&format=csv",
]


async def _answers(reporting: RunningService, token: str, unique_events: int) -> list:
    async with reporting.client(token) as http:
        version, deadline = -1, time.monotonic() + 240
        while time.monotonic() < deadline:  # each call waits for the next change
            version = (await http.get("/stats/changes", params={"since": version})).json()[
                "version"
            ]
            if version == unique_events:
                break
        assert version == unique_events
        answers = [(await http.get(path)).text for path in QUERIES]
        indicators = (await http.get("/stats/indicators")).json()
    return [*answers, {k: v for k, v in indicators.items() if k != "as_of"}]


async def test_live_and_rebuilt_statistics_are_the_ground_truth(
    own_kafka, database_url, make_settings, token_for
) -> None:
    stream = generate_stream(seed=11, cases=150, country="MX", start=START)
    settings = make_settings(
        database_url=database_url, kafka_bootstrap_servers=own_kafka.bootstrap_servers
    )
    token = token_for(settings, "supervisor")
    await produce_events(
        own_kafka.bootstrap_servers, shuffled_with_duplicates(stream.events, seed=3)
    )
    async with RunningService(create_app(settings)) as reporting:
        live = await _answers(reporting, token, len(stream.events))
    expected = truth.indicators(list(stream.truth), NOW)
    truth.assert_indicators_match(live[-1], expected)

    report = await rebuild(settings)
    assert report.applied == len(stream.events)
    async with RunningService(create_app(settings)) as reporting:
        rebuilt = await _answers(reporting, token, len(stream.events))
    assert rebuilt == live
