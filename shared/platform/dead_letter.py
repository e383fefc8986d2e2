"""Dead letters: a message that cannot be decoded, or keeps failing, goes with its reason and
origin to ``<topic>.dlq`` and is acknowledged, so a poison message never blocks a partition
and is never dropped silently. If even the dead-letter publish fails, the message is nacked
(rewound) and tried again later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaBroker
from faststream.message import StreamMessage
from prometheus_client import Counter
from pydantic import ValidationError

from shared.contracts.topics import dead_letter_topic

log = logging.getLogger(__name__)

DEAD_LETTERS = Counter(
    "opi_dead_letters_total", "Messages sent to a dead-letter topic", ["topic", "kind"]
)


class PoisonMessage(Exception):
    """Raised by a handler for a message that will never succeed (breaks its contract)."""


POISON_ERRORS: tuple[type[BaseException], ...] = (
    PoisonMessage,
    ValidationError,
    json.JSONDecodeError,
    UnicodeDecodeError,
)


def dead_letter_headers(msg: StreamMessage[Any], error: BaseException, attempts: int) -> dict:
    record = msg.raw_message
    origin = {name: _text(value) for name, value in (msg.headers or {}).items()}
    return {
        **origin,
        "dlq_reason": f"{type(error).__name__}: {error}"[:4000],
        "dlq_origin_topic": record.topic,
        "dlq_origin_partition": str(record.partition),
        "dlq_origin_offset": str(record.offset),
        "dlq_attempts": str(attempts),
        "dlq_failed_at": datetime.now(UTC).isoformat(),
    }


def dead_letter_middleware(
    broker: KafkaBroker, *, max_attempts: int, backoff_seconds: float
) -> Callable[..., BaseMiddleware]:
    class DeadLetterMiddleware(BaseMiddleware):
        async def consume_scope(
            self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]
        ) -> Any:
            for attempt in range(1, max_attempts + 1):
                try:
                    return await call_next(msg)
                except POISON_ERRORS as error:
                    return await self._dead_letter(msg, error, attempt, "poison")
                except Exception as error:
                    if attempt == max_attempts:
                        return await self._dead_letter(msg, error, attempt, "failing")
                    log.warning("handler failed (attempt %d): %s", attempt, error)
                    await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))
            return None

        async def _dead_letter(
            self, msg: StreamMessage[Any], error: BaseException, attempts: int, kind: str
        ) -> None:
            record = msg.raw_message
            try:
                await broker.publish(
                    msg.body,
                    topic=dead_letter_topic(record.topic),
                    key=record.key,
                    headers=dead_letter_headers(msg, error, attempts),
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
