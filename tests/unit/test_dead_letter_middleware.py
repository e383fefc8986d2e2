"""The dead-letter middleware's retry policy, on FastStream's in-memory test broker (the real
broker path is covered by tests/integration/test_dead_letters.py)."""

from __future__ import annotations

from faststream.kafka import KafkaMessage, TestKafkaBroker
from pydantic import BaseModel

from shared.platform.config import Settings
from shared.platform.messaging import create_broker


class Ping(BaseModel):
    n: int


def _broker():
    settings = Settings(consumer_max_attempts=3, consumer_retry_backoff_seconds=0)
    return create_broker(settings, service="probe", description="test")


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


async def test_a_handler_that_keeps_failing_is_dead_lettered_with_its_reason() -> None:
    broker = _broker()
    attempts: list[int] = []
    dead: list[tuple[bytes, dict]] = []

    @broker.subscriber("probe", group_id="g")
    async def handle(ping: Ping) -> None:
        attempts.append(ping.n)
        raise ConnectionError("shelter registry unreachable")

    @broker.subscriber("probe.dlq", group_id="g")
    async def dead_letter(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(Ping(n=1), "probe", key=b"case-1", headers={"ce_id": "e-1"})
    assert attempts == [1, 1, 1]
    ((body, headers),) = dead
    assert body == b'{"n":1}'
    assert headers["dlq_reason"] == "ConnectionError: shelter registry unreachable"
    assert headers["dlq_attempts"] == "3" and headers["dlq_origin_topic"] == "probe"
    assert headers["ce_id"] == "e-1"


async def test_a_poison_message_is_not_retried() -> None:
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
        await test_broker.publish(b'{"n": "not a number"}', "probe", key=b"case-2")
    assert attempts == []
    assert dead[0]["dlq_attempts"] == "1" and "ValidationError" in dead[0]["dlq_reason"]
