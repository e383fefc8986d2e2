"""Kafka side of referral: it places a child as soon as it learns of them (child-registered),
re-evaluates and refers on every newer or flagged screening (screening-completed), blocking a
scheduled assisted return if a protection need opens, follows a supervisor's decision clearing
a flag (protection-need-cleared), and declares what it publishes so that its AsyncAPI document
shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from faststream import Context
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.referral import cases, placements, referrals, returns
from services.referral.referrals import Target
from shared.contracts.catalogue import (
    CHILD_HANDED_OVER_V1,
    CHILD_REGISTERED_V1,
    PLACEMENT_PENDING_V1,
    PLACEMENT_RELEASED_V1,
    PROTECTION_NEED_CLEARED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    RETURN_SCHEDULED_V1,
    RETURN_WITHDRAWN_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
    EventContract,
)
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.protection_need import ProtectionNeedClearedV1
from shared.contracts.protection_referral import ReferralKind
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.platform.dead_letter import PoisonMessage
from shared.platform.inbox import handle_once
from shared.platform.messaging import SubscriberOptions

CONSUMER = "referral"
PUBLISHED: tuple[EventContract, ...] = (
    SHELTER_ASSIGNED_V1,
    PLACEMENT_PENDING_V1,
    PLACEMENT_RELEASED_V1,
    PROTECTION_NEED_CLEARED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    RETURN_SCHEDULED_V1,
    RETURN_WITHDRAWN_V1,
    CHILD_HANDED_OVER_V1,
)
CONSUMED: tuple[EventContract, ...] = (
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    PROTECTION_NEED_CLEARED_V1,
)
# a dead letter of these may hide a flag: it holds its case's need open (no return)
NEED_OPENING: tuple[EventContract, ...] = (SCREENING_COMPLETED_V1,)


@dataclass(frozen=True)
class Dependencies:
    sessions: async_sessionmaker[AsyncSession]
    country: str
    targets: dict[ReferralKind, Target]
    clock: Callable[[], datetime]
    on_change: Callable[[], None]


def register_subscribers(
    broker: KafkaBroker, deps: Dependencies, options: SubscriberOptions
) -> None:
    @broker.subscriber(
        CHILD_REGISTERED_V1.topic,
        **options(CHILD_REGISTERED_V1.topic),
        title=f"{CHILD_REGISTERED_V1.topic}:referral",
        description="Places the child in a fitting shelter at once.",
    )
    async def on_child_registered(
        event: ChildRegisteredV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            case = await cases.record_registration(session, event)
            await placements.ensure_placement(session, case, country=deps.country, now=deps.clock())

        if await handle_once(
            deps.sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=CHILD_REGISTERED_V1,
            apply=apply,
        ):
            deps.on_change()

    @broker.subscriber(
        SCREENING_COMPLETED_V1.topic,
        **options(SCREENING_COMPLETED_V1.topic),
        title=f"{SCREENING_COMPLETED_V1.topic}:referral",
        description="Moves a presumed trafficking victim to a specialised shelter; refers to "
        "the refugee commission and the prosecutor; blocks a scheduled return once a "
        "protection need opens.",
    )
    async def on_screening_completed(
        event: ScreeningCompletedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            case, changes = await cases.record_screening(session, event)
            if not changes:
                return  # an older screening without a flag, arriving late, changes nothing
            now = deps.clock()
            await placements.ensure_placement(session, case, country=deps.country, now=now)
            await referrals.refer(
                session, case, event.screening_id, deps.targets, country=deps.country, now=now
            )
            # non-refoulement: a need opened after a return was scheduled blocks it
            await returns.block_if_unsafe(session, case, country=deps.country, now=now)

        if await handle_once(
            deps.sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=SCREENING_COMPLETED_V1,
            apply=apply,
            keeps_unresolved=True,
        ):
            deps.on_change()

    @broker.subscriber(
        PROTECTION_NEED_CLEARED_V1.topic,
        **options(PROTECTION_NEED_CLEARED_V1.topic),
        title=f"{PROTECTION_NEED_CLEARED_V1.topic}:referral",
        description="A supervisor cleared a flag: a return may be scheduled again once "
        "nothing else holds the need open.",
    )
    async def on_protection_need_cleared(
        event: ProtectionNeedClearedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            if not await cases.record_clearance(session, event):
                raise PoisonMessage(f"protection-need-cleared for unknown case {event.case_id}")

        await handle_once(
            deps.sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=PROTECTION_NEED_CLEARED_V1,
            apply=apply,
        )
