"""Kafka side of national reporting: every national event, one subscriber per topic."""

# No ``from __future__ import annotations`` here: each subscriber's payload annotation is a
# variable of the factory below, which FastStream must see as a real type to decode with.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.projection import Incoming, Projector
from shared.contracts.catalogue import ALL_CONTRACTS, EventContract
from shared.contracts.regional_catalogue import CASE_EVENT_V1
from shared.platform.inbox import event_attributes
from shared.platform.messaging import SubscriberOptions

CONSUMED: tuple[EventContract, ...] = ALL_CONTRACTS
PUBLISHED_REGIONALLY: tuple[EventContract, ...] = (CASE_EVENT_V1,)


@dataclass(frozen=True)
class Dependencies:
    sessions: async_sessionmaker[AsyncSession]
    projector: Projector
    on_change: Callable[[], None]


def register_subscribers(
    broker: KafkaBroker, deps: Dependencies, options: SubscriberOptions
) -> None:
    for contract in CONSUMED:
        _subscribe(broker, deps, options, contract)


def _subscribe(
    broker: KafkaBroker, deps: Dependencies, options: SubscriberOptions, contract: EventContract
) -> None:
    payload_type: type[BaseModel] = contract.payload

    async def on_event(
        event: payload_type,  # type: ignore[valid-type]
        headers: Annotated[dict, Context("message.headers")],
    ) -> None:
        incoming = Incoming(contract, event, event_attributes(headers, contract))
        async with deps.sessions() as session, session.begin():
            applied = await deps.projector.apply(session, [incoming])
        if applied:
            deps.on_change()

    on_event.__name__ = f"on_{contract.topic.replace('-', '_')}"
    broker.subscriber(
        contract.topic,
        **options(contract.topic),
        title=f"{contract.topic}:reporting",
        description="Projects the event into the national statistics and the regional feed.",
    )(on_event)
