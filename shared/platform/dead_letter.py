"""Dead letters and held deliveries.

A message that cannot be decoded or breaks its contract goes at once, and one whose handler
keeps failing on a bug goes after ``max_attempts`` tries, to ``<topic>.dlq`` with its reason
and origin, and is acknowledged: it never blocks a partition and is never dropped silently.
If even the dead-letter publish fails, the message is nacked (rewound) and tried again.

An infrastructure error (the database or Kafka briefly away) is never dead-lettered: the
delivery is retried with capped, jittered back-off for as long as it takes, and its
partition waits, so no case's later event is applied before it. A delivery is held for at
most ``redeliver_after`` seconds, then nacked: the consumer seeks back to its offset and
fetches it again, so the poll loop keeps running (aiokafka drops a consumer from its group
when it does not poll for ``max_poll_interval_ms``) and rebalances can proceed. The tries
and the first failure are kept per (topic, partition, offset) across those redeliveries.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import HandlerException, NackMessage
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage
from prometheus_client import Counter

from shared.contracts.topics import dead_letter_topic
from shared.platform.consumer_errors import (
    POISON_ERRORS,
    Failure,
    PoisonMessage,
    classify,
    dead_letter_reason,
    error_summary,
)
from shared.platform.consumer_health import INFRASTRUCTURE_RETRIES, STALLED, Stall
from shared.platform.unresolved import DeadLetteredRecord, DeadLetterHook

__all__ = ["POISON_ERRORS", "PoisonMessage", "dead_letter_headers", "dead_letter_middleware"]

log = logging.getLogger(__name__)

DEAD_LETTERS = Counter(
    "opi_dead_letters_total", "Messages sent to a dead-letter topic", ["topic", "kind"]
)
Position = tuple[str, int, int]


def dead_letter_headers(msg: StreamMessage[Any], error: BaseException, attempts: int) -> dict:
    record = msg.raw_message
    origin = {name: _text(value) for name, value in (msg.headers or {}).items()}
    return {
        **origin,
        "dlq_reason": dead_letter_reason(error)[:4000],
        "dlq_origin_topic": record.topic,
        "dlq_origin_partition": str(record.partition),
        "dlq_origin_offset": str(record.offset),
        "dlq_attempts": str(attempts),
        "dlq_failed_at": datetime.now(UTC).isoformat(),
    }


def dead_letter_middleware(
    broker: KafkaBroker,
    *,
    max_attempts: int,
    backoff_seconds: float,
    max_backoff_seconds: float = 30.0,
    redeliver_after_seconds: float = 60.0,
    owner: str = "",
    on_dead_letter: DeadLetterHook | None = None,
) -> type[BaseMiddleware]:
    held: dict[Position, Stall] = {}
    # a held delivery is tried at least once per window; one unseen for much longer went to
    # another instance in a rebalance
    stale_after = 2 * (max_backoff_seconds + redeliver_after_seconds) + 60

    def backoff(attempts: int) -> float:
        # the exponent is capped first: a long outage must not overflow the float
        growth = max(backoff_seconds, 0.01) * 2 ** min(attempts - 1, 30)
        return min(max_backoff_seconds, growth) * random.uniform(0.5, 1.0)

    def hold(where: Position, error: BaseException) -> None:
        now = time.monotonic()
        for position, stale in list(held.items()):
            if now - stale.seen > stale_after:
                del held[position]
        stall = held.get(where) or held.setdefault(where, Stall(owner, *where))
        stall.failed(error, backoff(stall.attempts + 1))
        STALLED.hold(stall, stale_after=stale_after)
        INFRASTRUCTURE_RETRIES.labels(where[0]).inc()
        log.warning(
            "%s[%s]@%s held back (try %d, next in %.1fs): %s",
            *where,
            stall.attempts,
            stall.next_try - now,
            error_summary(error),
        )

    def release(where: Position) -> None:
        stall = held.pop(where, None)
        if stall is not None:
            STALLED.release(stall)
            log.info("%s[%s]@%s goes on after %d tries", *where, stall.attempts)

    async def wait_for_next_try(stall: Stall, started: float) -> None:
        stall.touch()
        wait = stall.next_try - time.monotonic()
        if wait <= 0:
            return
        room = redeliver_after_seconds - (time.monotonic() - started)
        if wait > room:
            await asyncio.sleep(max(room, 0.0))
            log.info(
                "%s[%s]@%s rewound after %d tries: fetched again, before any later offset",
                stall.topic,
                stall.partition,
                stall.offset,
                stall.attempts,
            )
            raise NackMessage()
        await asyncio.sleep(wait)

    class DeadLetterMiddleware(BaseMiddleware):
        async def consume_scope(
            self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]
        ) -> Any:
            record = msg.raw_message
            where: Position = (record.topic, record.partition, record.offset)
            started = time.monotonic()
            tries = 0
            while True:
                stall = held.get(where)
                if stall is not None:
                    await wait_for_next_try(stall, started)
                try:
                    result = await call_next(msg)
                except HandlerException as control:
                    if not isinstance(control, NackMessage):
                        release(where)
                    raise
                except Exception as error:
                    failure = classify(error)
                    if failure is Failure.INFRASTRUCTURE:
                        hold(where, error)
                        continue
                    tries += 1
                    if failure is Failure.POISON or tries >= max_attempts:
                        release(where)
                        return await self._dead_letter(msg, error, tries, failure.value)
                    log.warning("handler failed (attempt %d): %s", tries, error)
                    await asyncio.sleep(backoff_seconds * 2 ** (tries - 1))
                else:
                    release(where)
                    return result

        async def _dead_letter(
            self, msg: StreamMessage[Any], error: BaseException, attempts: int, kind: str
        ) -> None:
            record = msg.raw_message
            headers = dead_letter_headers(msg, error, attempts)
            if on_dead_letter is not None:
                # the service keeps what this message may mean for its cases first: a dead
                # letter is never published unless that is safely recorded
                try:
                    await on_dead_letter(
                        DeadLetteredRecord(
                            topic=record.topic,
                            partition=record.partition,
                            offset=record.offset,
                            key=record.key,
                            body=record.value or b"",
                            headers=headers,
                            reason=headers["dlq_reason"],
                        )
                    )
                except Exception as hook_error:
                    log.error("dead letter not recorded, rewinding: %s", hook_error)
                    raise NackMessage() from hook_error
            try:
                await broker.publish(
                    msg.body,
                    topic=dead_letter_topic(record.topic),
                    key=record.key,
                    headers=headers,
                )
            except Exception as publish_error:
                log.error("dead-letter publish failed, rewinding: %s", publish_error)
                raise NackMessage() from publish_error
            DEAD_LETTERS.labels(record.topic, kind).inc()
            log.error(
                "dead-lettered %s[%s]@%s: %s", record.topic, record.partition, record.offset, error
            )

    return DeadLetterMiddleware


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
