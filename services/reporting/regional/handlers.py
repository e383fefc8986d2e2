"""Kafka side of regional reporting: the anonymised case events of every country."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.regional import projection
from shared.contracts.catalogue import EventContract
from shared.contracts.regional import CaseEventRecordV1
from shared.contracts.regional_catalogue import CASE_EVENT_V1, STATISTICS_PUBLISHED_V1
from shared.platform.inbox import event_attributes, handle_once
from shared.platform.messaging import SubscriberOptions

CONSUMER = "regional-reporting"
PUBLISHED: tuple[EventContract, ...] = (STATISTICS_PUBLISHED_V1,)
CONSUMED: tuple[EventContract, ...] = (CASE_EVENT_V1,)


@dataclass(frozen=True)
class Dependencies:
    sessions: async_sessionmaker[AsyncSession]
    on_change: Callable[[], None]


def register_subscribers(
    broker: KafkaBroker, deps: Dependencies, options: SubscriberOptions
) -> None:
    topic = CASE_EVENT_V1.topic

    # The record is validated against CaseEventRecordV1 before this runs, and that model
    # forbids unknown fields: unlike the national consumers, the region refuses (dead-letters)
    # a record carrying anything outside the allowed list, because that is its privacy guard.
    @broker.subscriber(
        topic,
        **options(topic),
        title=f"{topic}:regional-reporting",
        description="Anonymised case events of every country; other fields are refused.",
    )
    async def on_case_event(
        record: CaseEventRecordV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        attributes = event_attributes(headers, CASE_EVENT_V1)
        changed = False

        async def apply(session: AsyncSession) -> None:
            nonlocal changed
            changed = await projection.apply_record(
                session, record, event_time=attributes.time, event_id=attributes.id
            )

        await handle_once(
            deps.sessions, consumer=CONSUMER, headers=headers, contract=CASE_EVENT_V1, apply=apply
        )
        if changed:
            deps.on_change()
