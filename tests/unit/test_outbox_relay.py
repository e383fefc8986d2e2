"""The outbox relay's bookkeeping on SQLite and PostgreSQL: order, partial failure, retry; an
outage parks nothing, an event Kafka refuses is parked and the others go on."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from aiokafka import errors

from shared.platform.outbox import OutboxMessage
from shared.platform.outbox_outcomes import NotTried, refused_by_kafka
from shared.platform.outbox_relay import OutboxRelay
from tests.unit.outbox_examples import FakeKafka, outbox, rows, sample

PENDING = "opi_outbox_pending_messages"
PARKED = "opi_outbox_parked_messages"


@pytest.mark.parametrize("batch_size", [200, 1000])  # a full batch, and one holding them all
async def test_an_outage_longer_than_max_attempts_parks_nothing(
    database_url: str, batch_size: int
) -> None:
    async with outbox(database_url, 500) as sessions:
        kafka = FakeKafka()
        kafka.down = True
        relay = OutboxRelay(
            sessions,
            kafka.publisher(),
            batch_size=batch_size,
            poll_interval=0.1,
            max_backoff=0.1,
            max_attempts=3,
        )
        for _ in range(20):
            assert await relay.relay_once() == (0, False)
            assert sample(PENDING) == 500  # the not-draining alert keeps seeing them

        waiting = await rows(sessions)
        assert waiting[0].attempts == 20
        assert "KafkaConnectionError" in (waiting[0].last_error or "")
        # only the first event was tried: the publisher stops there to keep the order
        assert [(r.attempts, r.last_error) for r in waiting[1:]] == [(0, None)] * 499
        assert all(r.parked_at is None and r.published_at is None for r in waiting)
        assert sample(PARKED) == 0

        kafka.down = False
        while (await relay.relay_once())[0]:
            pass
        assert kafka.delivered == [r.event_id for r in waiting]
        assert sample(PENDING) == 0


async def test_an_event_kafka_refuses_is_parked_after_max_attempts_and_the_rest_drains(
    database_url: str,
) -> None:
    async with outbox(database_url, 5) as sessions:
        kafka = FakeKafka()
        kafka.refused.add(b"Shelter 2")
        relay = OutboxRelay(
            sessions,
            kafka.publisher(),
            batch_size=10,
            poll_interval=0.1,
            max_backoff=0.1,
            max_attempts=3,
        )
        parked_before = sample("opi_outbox_parked_total") or 0.0
        assert await relay.relay_once() == (2, False)
        assert await relay.relay_once() == (0, False)
        after = await rows(sessions)
        assert [r.attempts for r in after] == [1, 1, 2, 0, 0]
        assert after[2].parked_at is None and sample(PENDING) == 3

        assert await relay.relay_once() == (0, False)  # the third refusal parks it
        after = await rows(sessions)
        assert after[2].parked_at is not None and after[2].published_at is None
        assert after[2].refusals == 3
        assert "MessageSizeTooLargeError" in (after[2].last_error or "")
        assert sample(PENDING) == 2 and sample(PARKED) == 1
        assert sample("opi_outbox_parked_total") == parked_before + 1

        assert await relay.relay_once() == (2, True)
        assert await relay.relay_once() == (0, True)
        ids = [r.event_id for r in after]
        assert kafka.delivered == [ids[0], ids[1], ids[3], ids[4]]
        assert sample(PENDING) == 0 and sample(PARKED) == 1


async def test_relay_publishes_in_order_and_retries_what_failed(database_url: str) -> None:
    async with outbox(database_url, 5) as sessions:
        seen: list[list[str]] = []
        broken = {b"Shelter 2"}

        async def publish(batch: Sequence[OutboxMessage]) -> list[BaseException | None]:
            seen.append([m.event_id for m in batch])
            outcomes: list[BaseException | None] = []
            for message in batch:
                if outcomes and outcomes[-1] is not None:
                    outcomes.append(NotTried())
                elif any(marker in message.body for marker in broken):
                    outcomes.append(ConnectionError("broker away"))
                else:
                    outcomes.append(None)
            return outcomes

        relay = OutboxRelay(sessions, publish, batch_size=10, poll_interval=0.1, max_backoff=0.1)
        assert await relay.relay_once() == (2, False)
        broken.clear()
        assert await relay.relay_once() == (3, True)
        assert await relay.relay_once() == (0, True)

        after = await rows(sessions)
        assert seen[1] == [row.event_id for row in after[2:]]  # the retry starts where it failed
        assert [row.attempts for row in after] == [1, 1, 2, 1, 1]
        assert all(row.published_at is not None and row.last_error is None for row in after)


RETRIED = [
    errors.KafkaConnectionError("Unable to bootstrap"),
    errors.KafkaTimeoutError(),
    errors.NodeNotReadyError(),
    errors.RequestTimedOutError(),
    errors.NotEnoughReplicasError(),
    errors.ProducerClosed(),
    TimeoutError(),  # a record not acknowledged in time
    RuntimeError("You should connect broker first"),  # a broker not started yet
]
REFUSED = [
    errors.MessageSizeTooLargeError(),
    errors.RecordTooLargeError(),
    errors.InvalidTopicError(),
    errors.TopicAuthorizationFailedError(),
]


@pytest.mark.parametrize("error", RETRIED + REFUSED, ids=lambda e: type(e).__name__)
async def test_only_an_event_kafka_refuses_is_ever_parked(
    database_url: str, error: BaseException
) -> None:
    async with outbox(database_url, 3) as sessions:

        async def publish(batch: Sequence[OutboxMessage]) -> list[BaseException | None]:
            if b"Shelter 0" not in batch[0].body:
                return [None] * len(batch)
            return [error, *(NotTried() for _ in batch[1:])]

        relay = OutboxRelay(
            sessions, publish, batch_size=10, poll_interval=0.1, max_backoff=0.1, max_attempts=3
        )
        for _ in range(10):
            await relay.relay_once()
        first, *rest = await rows(sessions)
        refused = any(error is e for e in REFUSED)
        assert refused_by_kafka(error) is refused
        assert (first.parked_at is not None) is refused
        # once parked it is no longer tried: 3 refusals; else tried every round
        assert (first.attempts, first.refusals) == ((3, 3) if refused else (10, 0))
        # the others wait behind it, or leave once it is parked
        assert [(r.attempts, r.published_at is not None) for r in rest] == [
            (int(refused), refused)
        ] * 2
