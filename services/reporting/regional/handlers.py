"""Kafka side of regional reporting: the anonymised case events of every country, and the
headers (never the sealed bodies) of the cross-border handovers between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from faststream import Context
from faststream.kafka import KafkaBroker, KafkaMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.regional import projection
from shared.contracts.catalogue import EventContract
from shared.contracts.regional import CaseEventRecordV1
from shared.contracts.regional_catalogue import (
    CASE_EVENT_V1,
    HANDOVER_ACKNOWLEDGED_V1,
    HANDOVER_CONTRACTS,
    HANDOVER_V1,
    HANDOVER_WITHDRAWN_V1,
    STATISTICS_PUBLISHED_V1,
)
from shared.platform.dead_letter import PoisonMessage
from shared.platform.handover_crypto import HandoverRejected, envelope_of
from shared.platform.inbox import event_attributes, handle_once
from shared.platform.messaging import SubscriberOptions

CONSUMER = "regional-reporting"
PUBLISHED: tuple[EventContract, ...] = (STATISTICS_PUBLISHED_V1,)
CONSUMED: tuple[EventContract, ...] = (CASE_EVENT_V1, *HANDOVER_CONTRACTS)
DESTINATION_HEADER = "ce_destination"  # as services.intake.handover renders it
INTAKE_SOURCE = re.compile(r"^/opi/([a-z]{2})/intake$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class HandoverSighting:
    """What the region can see of a handover record without opening it."""

    contract: EventContract
    handover_id: str
    sender: str
    destination: str
    day: date


def handover_sighting(
    headers: dict[str, Any], key: bytes | str | None, body: bytes
) -> HandoverSighting:
    """The sender, destination and day of a handover or acknowledgement record, from its
    headers and key; ``PoisonMessage`` (a dead letter, with the reason) if malformed. The
    body is only checked to be a sealed envelope agreeing with the headers."""
    text = {name.lower(): _text(value) for name, value in (headers or {}).items()}
    kind = text.get("ce_type")
    contract = next((c for c in HANDOVER_CONTRACTS if c.type == kind), None)
    if contract is None:
        raise PoisonMessage(f"unknown handover type {kind!r}")
    attributes = event_attributes(text, contract)
    found = INTAKE_SOURCE.match(attributes.source)
    if found is None:
        raise PoisonMessage(f"ce_source {attributes.source!r} is not a national intake")
    origin = found.group(1).upper()
    addressee = text.get(DESTINATION_HEADER, "").strip().upper()
    if not COUNTRY.match(addressee):
        raise PoisonMessage(f"missing or invalid {DESTINATION_HEADER} header {addressee!r}")
    if addressee == origin:
        raise PoisonMessage(f"{DESTINATION_HEADER} {addressee} is the sending country")
    try:
        handover_id = str(UUID(_text(key) if key is not None else ""))
    except ValueError:
        raise PoisonMessage(f"Kafka key {key!r} is not a handover id (uuid)") from None
    try:
        envelope = envelope_of(body)
    except HandoverRejected as rejected:
        raise PoisonMessage(str(rejected)) from rejected
    if (str(envelope["sender"]).upper(), str(envelope["destination"]).upper()) != (
        origin,
        addressee,
    ):
        raise PoisonMessage("the envelope's sender or destination contradicts the headers")
    # an acknowledgement goes back from the destination of the handover to its sender
    acknowledgement = contract is HANDOVER_ACKNOWLEDGED_V1
    sender, destination = (addressee, origin) if acknowledgement else (origin, addressee)
    return HandoverSighting(contract, handover_id, sender, destination, attributes.time.date())


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

    @broker.subscriber(
        HANDOVER_V1.topic,
        **options(HANDOVER_V1.topic),
        title=f"{HANDOVER_V1.topic}:regional-reporting",
        description=(
            f"CloudEvents {HANDOVER_V1.type}, {HANDOVER_ACKNOWLEDGED_V1.type} and "
            f"{HANDOVER_WITHDRAWN_V1.type}: only their headers and key are read (countries, "
            "day, handover id); the body is never opened."
        ),
    )
    async def on_handover_record(message: KafkaMessage) -> None:
        sighting = handover_sighting(message.headers, message.raw_message.key, message.body)
        sent = sighting.contract is HANDOVER_V1
        changed = False

        async def apply(session: AsyncSession) -> None:
            nonlocal changed
            if sighting.contract is HANDOVER_WITHDRAWN_V1:
                return  # the handover was sent and stays counted as sent; none is received
            changed = await projection.apply_handover(
                session,
                handover_id=sighting.handover_id,
                sender=sighting.sender,
                destination=sighting.destination,
                sent_on=sighting.day if sent else None,
                received_on=None if sent else sighting.day,
            )

        headers = {name.lower(): _text(value) for name, value in (message.headers or {}).items()}
        await handle_once(
            deps.sessions,
            consumer=CONSUMER,
            headers=headers,
            contract=sighting.contract,
            apply=apply,
        )
        if changed:
            deps.on_change()


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
