"""Kafka side of intake: the events it publishes (declared here so that they appear in the
AsyncAPI document) and the one it consumes, shelter-assigned, to show OPIs where a child is."""

from __future__ import annotations

from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake import service
from shared.contracts.catalogue import (
    CHILD_REGISTERED_V1,
    PLACEMENT_RELEASED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    EventContract,
)
from shared.contracts.placement import PlacementReleasedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.dead_letter import PoisonMessage
from shared.platform.inbox import handle_once
from shared.platform.messaging import SubscriberOptions

CONSUMER = "intake"
PUBLISHED: tuple[EventContract, ...] = (CHILD_REGISTERED_V1, SCREENING_COMPLETED_V1)
CONSUMED: tuple[EventContract, ...] = (SHELTER_ASSIGNED_V1, PLACEMENT_RELEASED_V1)


def register_subscribers(
    broker: KafkaBroker,
    sessions: async_sessionmaker[AsyncSession],
    options: SubscriberOptions,
) -> None:
    @broker.subscriber(
        SHELTER_ASSIGNED_V1.topic,
        **options(SHELTER_ASSIGNED_V1.topic),
        title=f"{SHELTER_ASSIGNED_V1.topic}:intake",
        description=f"CloudEvent {SHELTER_ASSIGNED_V1.type}: keeps the case's shelter current",
    )
    async def on_shelter_assigned(
        event: ShelterAssignedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            if not await service.apply_shelter_assignment(session, event):
                raise PoisonMessage(f"shelter-assigned for unknown case {event.case_id}")

        await handle_once(
            sessions, consumer=CONSUMER, headers=headers, contract=SHELTER_ASSIGNED_V1, apply=apply
        )

    @broker.subscriber(
        PLACEMENT_RELEASED_V1.topic,
        **options(PLACEMENT_RELEASED_V1.topic),
        title=f"{PLACEMENT_RELEASED_V1.topic}:intake",
        description=f"CloudEvent {PLACEMENT_RELEASED_V1.type}: the child left the shelter",
    )
    async def on_placement_released(
        event: PlacementReleasedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            if not await service.apply_placement_release(session, event):
                raise PoisonMessage(f"placement-released for unknown case {event.case_id}")

        await handle_once(
            sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=PLACEMENT_RELEASED_V1,
            apply=apply,
        )
