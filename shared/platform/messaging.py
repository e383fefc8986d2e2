"""Kafka for a service: the broker (acks after processing, tracing, metrics, dead letters),
its topics, and the outbox's way of publishing through it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.kafka.publisher.usecase import BatchPublisher, DefaultPublisher
from faststream.middlewares import AckPolicy
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from prometheus_client import REGISTRY

from shared.contracts.catalogue import EventContract
from shared.contracts.topics import dead_letter_topic
from shared.platform.config import Settings
from shared.platform.dead_letter import dead_letter_middleware
from shared.platform.outbox import OutboxMessage
from shared.platform.outbox_outcomes import NotTried
from shared.platform.unresolved import DeadLetterHook

log = logging.getLogger(__name__)

Publisher = DefaultPublisher | BatchPublisher


def client_id(settings: Settings, service: str) -> str:
    """The service's Kafka client id; its held deliveries are reported under it, too."""
    return f"opi-{settings.instance}-{service}"


def create_broker(
    settings: Settings,
    *,
    service: str,
    description: str,
    on_dead_letter: DeadLetterHook | None = None,
) -> KafkaBroker:
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id(settings, service),
        acks="all",
        enable_idempotence=settings.kafka_enable_idempotence,
        request_timeout_ms=settings.kafka_request_timeout_ms,
        middlewares=[
            KafkaTelemetryMiddleware(tracer_provider=trace.get_tracer_provider()),
            KafkaPrometheusMiddleware(registry=REGISTRY, app_name=f"opi_{service}"),
        ],
        description=description,
    )
    broker.add_middleware(
        dead_letter_middleware(
            broker,
            max_attempts=settings.consumer_max_attempts,
            backoff_seconds=settings.consumer_retry_backoff_seconds,
            max_backoff_seconds=settings.consumer_max_backoff_seconds,
            redeliver_after_seconds=settings.consumer_redeliver_after_seconds,
            owner=client_id(settings, service),
            on_dead_letter=on_dead_letter,
        )
    )
    return broker


SubscriberOptions = Callable[[str], dict[str, Any]]


def subscriber_options(settings: Settings, service: str) -> SubscriberOptions:
    """Options of a service's subscriber to one topic; offsets are committed only after
    processing. Each (service, topic) has its own consumer group, so that a service's
    consumers never rebalance one another: the instances of a service share each group."""

    def options(topic: str) -> dict[str, Any]:
        return {
            "group_id": f"opi-{settings.instance}-{service}.{topic}",
            "ack_policy": AckPolicy.ACK,
            "auto_offset_reset": "earliest",
            "session_timeout_ms": settings.kafka_session_timeout_ms,
            "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
            "rebalance_timeout_ms": settings.kafka_rebalance_timeout_ms,
            "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
        }

    return options


def declare_publishers(
    broker: KafkaBroker, contracts: Iterable[EventContract]
) -> dict[str, Publisher]:
    """A service's publishers, declared so that its AsyncAPI document shows what it emits."""
    return {
        contract.topic: broker.publisher(
            contract.topic,
            title=f"{contract.topic}:publish",
            description=f"CloudEvent {contract.type} (binary mode; Kafka key = case id)",
            schema=contract.payload,
        )
        for contract in contracts
    }


def with_dead_letters(topics: Iterable[str]) -> list[str]:
    return [name for topic in topics for name in (topic, dead_letter_topic(topic))]


async def ensure_topics(settings: Settings, topics: Iterable[str]) -> None:
    """Create missing topics with the configured partition count (an auto-created topic
    would get the broker's default)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        # closed after a failed start too: start-up retries this while Kafka is down
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(topic, settings.kafka_topic_partitions, settings.kafka_replication_factor)
            for topic in topics
            if topic not in existing
        ]
        if missing:
            # another service may create the same topic at the same moment
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


class OutboxPublisher:
    """Publishes outbox rows through the service's declared publishers (so they appear in
    its AsyncAPI document), each under the trace context saved when the event was staged.
    An outcome per row: None (sent), the error, or ``NotTried`` after the first failure."""

    def __init__(self, broker: KafkaBroker, publishers: dict[str, Publisher]) -> None:
        self._broker = broker
        self._publishers = publishers

    async def __call__(self, batch: Sequence[OutboxMessage]) -> list[BaseException | None]:
        pending: list[asyncio.Future | BaseException] = []
        for message in batch:
            try:
                pending.append(await self._send(message))
            except Exception as error:
                pending.append(error)
                break  # keep the order of a case's events: stop at the first failure
        outcomes: list[BaseException | None] = []
        for item in pending:
            outcomes.append(item if isinstance(item, BaseException) else await _settle(item))
        return outcomes + [NotTried() for _ in range(len(batch) - len(outcomes))]

    async def _send(self, message: OutboxMessage) -> asyncio.Future:
        token = otel_context.attach(propagate.extract(message.trace_context or {}))
        try:
            target = self._publishers.get(message.topic)
            kwargs = {
                "key": message.key.encode(),
                "headers": message.headers,
                "no_confirm": True,
                "timestamp_ms": _event_time_ms(message.headers),
            }
            if target is not None:
                return await target.publish(message.body, **kwargs)
            return await self._broker.publish(message.body, topic=message.topic, **kwargs)
        finally:
            otel_context.detach(token)


def _event_time_ms(headers: dict[str, str]) -> int | None:
    """The record's timestamp is the event's own time, not the moment the relay sent it:
    a record of the regional feed, timed at its day, must not tell the hour by its Kafka
    timestamp. Never later than now, though: Kafka refuses a record from more than an hour
    ahead (``log.message.timestamp.after.max.ms``), and a service clock running fast would
    otherwise get its events parked."""
    value = headers.get("ce_time")
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    return int(min(at, time.time()) * 1000)


async def _settle(future: asyncio.Future) -> BaseException | None:
    try:
        await asyncio.wait_for(future, timeout=30)
    except Exception as error:
        return error
    return None
