"""Kafka side of intake: the events it publishes (declared here so that they appear in the
AsyncAPI document) and those it consumes: shelter-assigned, to show OPIs where a child is, and
the protection referrals, whose copy holds a case's need open while one is pending."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from faststream import Context
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake import handover, handover_reception, service
from services.intake.models import ReferralCopy
from shared.contracts.assisted_return import ReturnScheduledV1, ReturnWithdrawnV1
from shared.contracts.catalogue import (
    CASE_CLOSED_V1,
    CHILD_REGISTERED_V1,
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
from shared.contracts.handover import HandoverAcknowledgedV1, HandoverV1, HandoverWithdrawnV1
from shared.contracts.placement import PlacementReleasedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.regional import HANDOVERS_TOPIC
from shared.contracts.regional_catalogue import (
    HANDOVER_ACKNOWLEDGED_V1,
    HANDOVER_CONTRACTS,
    HANDOVER_V1,
    HANDOVER_WITHDRAWN_V1,
)
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform import referral_copies
from shared.platform.dead_letter import PoisonMessage
from shared.platform.handover_crypto import HandoverKeys, HandoverRejected, open_sealed
from shared.platform.inbox import event_attributes, handle_once
from shared.platform.messaging import SubscriberOptions
from shared.platform.outbox import now as utc_now

CONSUMER = "intake"
PUBLISHED: tuple[EventContract, ...] = (
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    PROTECTION_NEED_CLEARED_V1,
    CASE_CLOSED_V1,
)
# a dead letter of these may hide a pending referral: it holds its case's need open
NEED_OPENING: tuple[EventContract, ...] = (
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
)
CONSUMED: tuple[EventContract, ...] = (SHELTER_ASSIGNED_V1, PLACEMENT_RELEASED_V1, *NEED_OPENING)
# on the national Kafka when handovers are configured; their envelopes on the regional one
HANDOVER_CONSUMED: tuple[EventContract, ...] = (RETURN_SCHEDULED_V1, RETURN_WITHDRAWN_V1)
REGIONALLY_PUBLISHED: tuple[EventContract, ...] = (HANDOVER_V1,)
log = logging.getLogger(__name__)


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

    async def follow_referral(
        event: ProtectionReferralMadeV1 | ProtectionReferralUpdatedV1,
        headers: dict,
        contract: EventContract,
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            await referral_copies.record(session, ReferralCopy, event)

        await handle_once(
            sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=contract,
            apply=apply,
            keeps_unresolved=True,
        )

    @broker.subscriber(
        PROTECTION_REFERRAL_MADE_V1.topic,
        **options(PROTECTION_REFERRAL_MADE_V1.topic),
        title=f"{PROTECTION_REFERRAL_MADE_V1.topic}:intake",
        description=f"CloudEvent {PROTECTION_REFERRAL_MADE_V1.type}: holds the need open",
    )
    async def on_protection_referral_made(
        event: ProtectionReferralMadeV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        await follow_referral(event, headers, PROTECTION_REFERRAL_MADE_V1)

    @broker.subscriber(
        PROTECTION_REFERRAL_UPDATED_V1.topic,
        **options(PROTECTION_REFERRAL_UPDATED_V1.topic),
        title=f"{PROTECTION_REFERRAL_UPDATED_V1.topic}:intake",
        description=(
            f"CloudEvent {PROTECTION_REFERRAL_UPDATED_V1.type}: declined or concluded, the "
            "referral no longer holds the need open and its flag may be cleared"
        ),
    )
    async def on_protection_referral_updated(
        event: ProtectionReferralUpdatedV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        await follow_referral(event, headers, PROTECTION_REFERRAL_UPDATED_V1)


@dataclass(frozen=True)
class HandoverWiring:
    """What the handover subscribers need: this country's keys, the sending authority, and
    a way to wake the outbox relay once something was staged."""

    keys: HandoverKeys
    authority: handover.Authority
    wake: Callable[[], None]


def register_handover_subscribers(
    national: KafkaBroker,
    regional: KafkaBroker,
    sessions: async_sessionmaker[AsyncSession],
    wiring: HandoverWiring,
    national_options: SubscriberOptions,
    regional_options: SubscriberOptions,
) -> None:
    country = wiring.keys.country

    @national.subscriber(
        RETURN_SCHEDULED_V1.topic,
        **national_options(RETURN_SCHEDULED_V1.topic),
        title=f"{RETURN_SCHEDULED_V1.topic}:intake",
        description=f"CloudEvent {RETURN_SCHEDULED_V1.type}: seals and sends the handover",
    )
    async def on_return_scheduled(
        event: ReturnScheduledV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            try:
                await handover.send_handover(
                    session, event, keys=wiring.keys, authority=wiring.authority, now=utc_now()
                )
            except (handover.HandoverProblem, HandoverRejected) as problem:
                raise PoisonMessage(str(problem)) from problem

        if await handle_once(
            sessions, consumer=CONSUMER, headers=headers, contract=RETURN_SCHEDULED_V1, apply=apply
        ):
            wiring.wake()

    @national.subscriber(
        RETURN_WITHDRAWN_V1.topic,
        **national_options(RETURN_WITHDRAWN_V1.topic),
        title=f"{RETURN_WITHDRAWN_V1.topic}:intake",
        description=(
            f"CloudEvent {RETURN_WITHDRAWN_V1.type}: withdraws the handover sent, if any, "
            "with a sealed handover-withdrawn to the destination"
        ),
    )
    async def on_return_withdrawn(
        event: ReturnWithdrawnV1, headers: Annotated[dict, Context("message.headers")]
    ) -> None:
        async def apply(session: AsyncSession) -> None:
            try:
                await handover.withdraw_handover(session, event, keys=wiring.keys, now=utc_now())
            except (handover.HandoverProblem, HandoverRejected) as problem:
                raise PoisonMessage(str(problem)) from problem

        if await handle_once(
            sessions, consumer=CONSUMER, headers=headers, contract=RETURN_WITHDRAWN_V1, apply=apply
        ):
            wiring.wake()

    @regional.subscriber(
        HANDOVERS_TOPIC,
        **regional_options(HANDOVERS_TOPIC),
        title=f"{HANDOVERS_TOPIC}:intake",
        description=(
            f"CloudEvents {HANDOVER_V1.type}, {HANDOVER_ACKNOWLEDGED_V1.type} and "
            f"{HANDOVER_WITHDRAWN_V1.type}, sealed; "
            "only those whose ce_destination is this country are opened"
        ),
    )
    async def on_handover_record(message: KafkaMessage) -> None:
        headers = {name.lower(): _text(value) for name, value in (message.headers or {}).items()}
        destination = headers.get(handover.DESTINATION_HEADER, "").upper()
        if destination != country:
            return  # another country's: not ours to open, nor to dead-letter
        record = message.raw_message
        position = handover.RecordPosition(partition=record.partition, offset=record.offset)
        contract = _handover_contract(headers)
        event_attributes(headers, contract)  # a well-formed CloudEvent, or a dead letter
        try:
            if contract is HANDOVER_V1:
                payload = open_sealed(message.body, keys=wiring.keys, model=HandoverV1)
                async with sessions() as session, session.begin():
                    await handover_reception.receive_handover(
                        session, payload, country=country, position=position, now=utc_now()
                    )
            elif contract is HANDOVER_WITHDRAWN_V1:
                withdrawal = open_sealed(message.body, keys=wiring.keys, model=HandoverWithdrawnV1)
                async with sessions() as session, session.begin():
                    await handover_reception.apply_withdrawal(session, withdrawal, now=utc_now())
            else:
                ack = open_sealed(message.body, keys=wiring.keys, model=HandoverAcknowledgedV1)
                async with sessions() as session, session.begin():
                    await handover_reception.apply_acknowledgement(
                        session, ack, position=position, now=utc_now()
                    )
        except (HandoverRejected, handover.HandoverProblem) as rejected:
            raise PoisonMessage(str(rejected)) from rejected
        wiring.wake()


def _handover_contract(headers: dict[str, str]) -> EventContract:
    kind = headers.get("ce_type")
    for contract in HANDOVER_CONTRACTS:
        if contract.type == kind:
            return contract
    raise PoisonMessage(f"unknown handover type {kind!r}")


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
