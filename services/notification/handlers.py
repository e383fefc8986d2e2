"""Kafka side of notification: registrations (tell the authority), screenings (tell the
consulate when the firewall allows it) and shelter assignments (tell the shelter)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notification import cases
from shared.contracts.catalogue import (
    ALERT_CLOSED_V1,
    ALERT_RAISED_V1,
    AUTHORITY_NOTIFIED_V1,
    CHILD_REGISTERED_V1,
    CONSULAR_NOTIFIED_V1,
    PROTECTION_NEED_CLEARED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    EventContract,
)
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.inbox import handle_once
from shared.platform.messaging import SubscriberOptions

CONSUMER = "notification"
PUBLISHED: tuple[EventContract, ...] = (
    CONSULAR_NOTIFIED_V1,
    AUTHORITY_NOTIFIED_V1,
    ALERT_RAISED_V1,
    ALERT_CLOSED_V1,
)
CONSUMED: tuple[EventContract, ...] = (
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    PROTECTION_NEED_CLEARED_V1,
)
# a dead letter of these may hide a flag or a pending referral: it holds its case's need open
NEED_OPENING: tuple[EventContract, ...] = (
    SCREENING_COMPLETED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
)


@dataclass(frozen=True)
class Dependencies:
    sessions: async_sessionmaker[AsyncSession]
    country: str
    clock: Callable[[], datetime]
    on_change: Callable[[], None]


def register_subscribers(
    broker: KafkaBroker, deps: Dependencies, options: SubscriberOptions
) -> None:
    async def handle(headers: dict, contract: EventContract, apply) -> None:  # noqa: ANN001
        if await handle_once(
            deps.sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=contract,
            apply=apply,
            keeps_unresolved=True,
        ):
            deps.on_change()

    @broker.subscriber(
        CHILD_REGISTERED_V1.topic,
        **options(CHILD_REGISTERED_V1.topic),
        title=f"{CHILD_REGISTERED_V1.topic}:notification",
        description="Tells the child-protection authority at once.",
    )
    async def on_child_registered(
        event: ChildRegisteredV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_child_registered(session, event, country=deps.country, now=deps.clock())

        await handle(headers, CHILD_REGISTERED_V1, apply)

    @broker.subscriber(
        SCREENING_COMPLETED_V1.topic,
        **options(SCREENING_COMPLETED_V1.topic),
        title=f"{SCREENING_COMPLETED_V1.topic}:notification",
        description="Tells the consulate, only when no protection flag is open.",
    )
    async def on_screening_completed(
        event: ScreeningCompletedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_screening_completed(
                session, event, country=deps.country, now=deps.clock()
            )

        await handle(headers, SCREENING_COMPLETED_V1, apply)

    @broker.subscriber(
        SHELTER_ASSIGNED_V1.topic,
        **options(SHELTER_ASSIGNED_V1.topic),
        title=f"{SHELTER_ASSIGNED_V1.topic}:notification",
        description="Tells the shelter of the child it receives.",
    )
    async def on_shelter_assigned(
        event: ShelterAssignedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_shelter_assigned(session, event, now=deps.clock())

        await handle(headers, SHELTER_ASSIGNED_V1, apply)

    @broker.subscriber(
        PROTECTION_REFERRAL_MADE_V1.topic,
        **options(PROTECTION_REFERRAL_MADE_V1.topic),
        title=f"{PROTECTION_REFERRAL_MADE_V1.topic}:notification",
        description="Tells the refugee commission or the prosecutor of a referral.",
    )
    async def on_protection_referral(
        event: ProtectionReferralMadeV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_protection_referral(
                session, event, country=deps.country, now=deps.clock()
            )

        await handle(headers, PROTECTION_REFERRAL_MADE_V1, apply)

    @broker.subscriber(
        PROTECTION_REFERRAL_UPDATED_V1.topic,
        **options(PROTECTION_REFERRAL_UPDATED_V1.topic),
        title=f"{PROTECTION_REFERRAL_UPDATED_V1.topic}:notification",
        description="Follows a referral's status: while pending, no consulate is told.",
    )
    async def on_protection_referral_updated(
        event: ProtectionReferralUpdatedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_protection_referral_updated(
                session, event, country=deps.country, now=deps.clock()
            )

        await handle(headers, PROTECTION_REFERRAL_UPDATED_V1, apply)

    @broker.subscriber(
        PROTECTION_NEED_CLEARED_V1.topic,
        **options(PROTECTION_NEED_CLEARED_V1.topic),
        title=f"{PROTECTION_NEED_CLEARED_V1.topic}:notification",
        description="A supervisor's decision that closes a flag: the consulate may be told "
        "once nothing else keeps the need open.",
    )
    async def on_protection_need_cleared(
        event: ProtectionNeedClearedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await cases.on_protection_need_cleared(
                session, event, country=deps.country, now=deps.clock()
            )

        await handle(headers, PROTECTION_NEED_CLEARED_V1, apply)
