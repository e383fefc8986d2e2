"""The dead-letter middleware's retry policy, on FastStream's in-memory test broker (the real
broker path is covered by tests/integration/test_dead_letters.py and
tests/integration/test_consumer_infrastructure_retry.py)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from prometheus_client import REGISTRY
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from shared.platform.config import Settings
from shared.platform.consumer_health import STALLED
from shared.platform.messaging import client_id, create_broker

OWNER = client_id(Settings(), "probe")


class Ping(BaseModel):
    n: int


def _broker(**settings: Any) -> KafkaBroker:
    defaults: dict[str, Any] = {"consumer_max_attempts": 3, "consumer_retry_backoff_seconds": 0}
    return create_broker(Settings(**defaults | settings), service="probe", description="test")


def _database_locked() -> OperationalError:
    locked = sqlite3.OperationalError("database is locked")
    return OperationalError("UPDATE cases SET ...", {}, locked)


def _retries() -> float:
    value = REGISTRY.get_sample_value(
        "opi_consumer_infrastructure_retries_total", {"topic": "probe"}
    )
    return value or 0.0


async def test_transient_failures_are_retried_then_processed_once() -> None:
    broker = _broker()
    attempts: list[int] = []
    dead: list[dict] = []

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)
        if len(attempts) < 3:
            raise ConnectionError("database restarting")

    @broker.subscriber("probe.dlq", group_id="g")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append(message.headers)

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(Ping(n=7), "probe", key=b"case-7")
    assert attempts == [7, 7, 7] and dead == []


async def test_an_infrastructure_error_is_retried_past_max_attempts_never_dead_lettered() -> None:
    broker = _broker()
    attempts: list[int] = []
    dead: list[dict] = []
    before = _retries()

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)
        if len(attempts) <= 7:
            raise _database_locked()

    @broker.subscriber("probe.dlq", group_id="g")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append(message.headers)

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(Ping(n=4), "probe", key=b"case-4")
    assert attempts == [4] * 8 and dead == []
    assert _retries() - before == 7
    assert STALLED.describe(OWNER) == "ok"  # released once it succeeded


async def test_a_held_delivery_is_rewound_and_keeps_its_tries_across_redeliveries() -> None:
    broker = _broker(
        consumer_retry_backoff_seconds=0.02,
        consumer_max_backoff_seconds=1.0,
        consumer_redeliver_after_seconds=0.3,
    )
    attempts: list[int] = []
    seen_by_health: list[str] = []
    database_back = False

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)
        seen_by_health.append(STALLED.describe(OWNER))
        if not database_back:
            raise _database_locked()

    async with TestKafkaBroker(broker) as test_broker:
        # past the window the delivery is nacked: a real consumer seeks back to the offset
        with pytest.raises(NackMessage):
            await test_broker.publish(Ping(n=9), "probe", key=b"case-9")
        first_delivery = len(attempts)
        stalled = STALLED.describe(OWNER)
        database_back = True
        await test_broker.publish(Ping(n=9), "probe", key=b"case-9")  # the same offset again

    assert first_delivery >= 3 and len(attempts) == first_delivery + 1
    assert stalled.startswith("stalled: probe[0]@0 since ")
    assert f"({first_delivery} tries, OperationalError)" in stalled
    assert seen_by_health[-1] == stalled  # the redelivery went on from the same record
    assert STALLED.describe(OWNER) == "ok"


async def test_a_handler_that_keeps_failing_is_dead_lettered_with_its_reason() -> None:
    broker = _broker()
    attempts: list[int] = []
    dead: list[tuple[bytes, dict]] = []

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)
        raise LookupError("no rule for this shelter")  # a bug: no database to wait for

    @broker.subscriber("probe.dlq", group_id="g")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(Ping(n=1), "probe", key=b"case-1", headers={"ce_id": "e-1"})
    assert attempts == [1, 1, 1]
    ((body, headers),) = dead
    assert body == b'{"n":1}'
    assert headers["dlq_reason"] == "LookupError: no rule for this shelter"
    assert headers["dlq_attempts"] == "3" and headers["dlq_origin_topic"] == "probe"
    assert headers["ce_id"] == "e-1"


async def test_a_poison_message_is_not_retried_and_its_values_stay_out_of_the_reason() -> None:
    broker = _broker()
    attempts: list[int] = []
    dead: list[dict] = []

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)

    @broker.subscriber("probe.dlq", group_id="g")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append(message.headers)

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(b'{"n": "Ana Lucia"}', "probe", key=b"case-2")
    assert attempts == []
    ((headers,),) = [dead]
    assert headers["dlq_attempts"] == "1"
    assert headers["dlq_reason"].startswith("ValidationError: 1 validation error for ")
    assert "n: Input should be a valid integer" in headers["dlq_reason"]
    assert "Ana Lucia" not in headers["dlq_reason"]
