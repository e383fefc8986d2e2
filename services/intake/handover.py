"""Cross-border handovers (DOMAIN step 6): a child's return, sealed to the country of origin
and sent through the regional Kafka; its reception there; the acknowledgement back.

On the regional Kafka a handover is a binary-mode CloudEvent whose body is the sealed envelope
(``shared.platform.handover_crypto``): its headers name the type, the sending instance, a day
and the destination country; its key is the handover id. Nothing about the child, nor the
sender's case id, is readable outside the destination's intake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import events, need
from services.intake.models import Case, Handover, WithdrawnReturn
from shared.contracts.assisted_return import ReturnScheduledV1, ReturnWithdrawnV1
from shared.contracts.catalogue import EventContract
from shared.contracts.child import FamilyContact
from shared.contracts.enums import CaseStatus
from shared.contracts.envelope import JSON_CONTENT_TYPE, OutgoingEvent, source_of
from shared.contracts.handover import (
    HandoverPlan,
    HandoverV1,
    HandoverWithdrawnV1,
    ReturningChild,
    SendingAuthority,
)
from shared.contracts.regional_catalogue import HANDOVER_V1, HANDOVER_WITHDRAWN_V1
from shared.platform import audit, outbox
from shared.platform.auth import Principal
from shared.platform.db import insert_if_absent
from shared.platform.handover_crypto import HandoverKeys, seal

SENT = "sent"
RECEIVED = "received"
DESTINATION_HEADER = "ce_destination"


@dataclass(frozen=True)
class ReceptionPoint:
    admin1: str
    point: str


# Where a returned child is received in each country of origin: the case opened from a
# handover is "detected" there (a handover's place is the sender's border post, free text).
RECEPTION_POINTS: dict[str, ReceptionPoint] = {
    "GT": ReceptionPoint("GT-01", "Centro de Recepción de Retornados, Ciudad de Guatemala"),
    "HN": ReceptionPoint("HN-CR", "CAMR San Pedro Sula"),
    "MX": ReceptionPoint("MX-CHP", "Punto de recepción de retornados, Tapachula"),
    "SV": ReceptionPoint("SV-SS", "Centro de Atención a Niñez Retornada, San Salvador"),
    "DO": ReceptionPoint("DO-01", "Centro de recepción de retornados, Santo Domingo"),
    "HT": ReceptionPoint("HT-OU", "Centre de réception des rapatriés, Port-au-Prince"),
}


class HandoverProblem(ValueError):
    """A handover that cannot be sent or applied; the message is safe for a dead letter."""


class NotReceivedByHandover(LookupError):
    """Reception can be confirmed only once, and only for a case received by handover."""


@dataclass(frozen=True)
class Authority:
    name: str
    contact: str


@dataclass(frozen=True)
class RecordPosition:
    """Where on the regional Kafka a handover record was read."""

    partition: int
    offset: int


def system_actor(country: str) -> Principal:
    return Principal(
        subject=f"handover:{country}", username=None, roles=frozenset(), issuer="crm.handovers.v1"
    )


def render_sealed(
    contract: EventContract,
    envelope: bytes,
    *,
    country: str,
    destination: str,
    handover_id: UUID,
    at: datetime,
) -> OutgoingEvent:
    """The binary-mode CloudEvent of a sealed envelope: no subject, a day-precision time, the
    destination as the ``ce_destination`` extension, the handover id as the Kafka key."""
    event_id = str(uuid4())
    day = at.astimezone(UTC).strftime("%Y-%m-%dT00:00:00Z")
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": source_of(country, events.SERVICE),
        "ce_type": contract.type,
        "ce_time": day,
        DESTINATION_HEADER: destination.upper(),
        "content-type": JSON_CONTENT_TYPE,
    }
    return OutgoingEvent(
        id=event_id, topic=contract.topic, key=str(handover_id), headers=headers, body=envelope
    )


def handover_of(
    case: Case,
    event: ReturnScheduledV1,
    *,
    handover_id: UUID,
    authority: Authority,
    now: datetime,
) -> HandoverV1:
    latest = case.latest_screening
    return HandoverV1(
        handover_id=handover_id,
        sender_country=case.country,
        destination_country=event.destination_country,
        sender_case_reference=case.id,
        child=ReturningChild(
            given_names=case.given_names,
            family_names=case.family_names,
            name_since_separation=case.name_since_separation,
            sex=case.sex,
            date_of_birth=case.date_of_birth,
            date_of_birth_estimated=case.date_of_birth_estimated,
            age_years=case.age_years,
            nationalities=case.nationality_codes,
            languages=case.languages,
            documents=case.documents,
        ),
        family_contacts=[FamilyContact.model_validate(c) for c in case.family_contacts],
        # the list of needs only: never a screening's notes, indicators or protection flags
        health_needs=list(latest.health_needs) if latest else [],
        sending_authority=SendingAuthority(name=authority.name, contact=authority.contact),
        handover=HandoverPlan(
            scheduled_for=event.scheduled_for,
            place=event.handover_place,
            escorting_officer=event.escorting_officer,
        ),
        sent_at=now,
    )


async def send_handover(
    session: AsyncSession,
    event: ReturnScheduledV1,
    *,
    keys: HandoverKeys,
    authority: Authority,
    now: datetime,
) -> Handover:
    """Seal the child's handover to the country of origin and stage it for the regional
    Kafka, in the caller's transaction."""
    country = keys.country
    if event.country != country:
        raise HandoverProblem(f"return-scheduled of {event.country} read by {country}")
    if event.destination_country == country:
        raise HandoverProblem("a return to this very country is not a handover")
    case = await session.scalar(select(Case).where(Case.id == event.case_id).with_for_update())
    if case is None:
        raise HandoverProblem(f"return-scheduled for unknown case {event.case_id}")
    if case.status == CaseStatus.CLOSED:
        raise HandoverProblem(f"return-scheduled for closed case {event.case_id}")
    if await session.get(WithdrawnReturn, event.return_id) is not None:
        raise HandoverProblem(f"return {event.return_id} was withdrawn before it was sealed")
    # non-refoulement, decided again from intake's own facts: referral may not yet have seen
    # a flag raised here, or a supervisor's decision may still be missing
    if reasons := await need.reasons(session, case):
        raise HandoverProblem(
            f"return-scheduled for case {event.case_id} with an open protection need: "
            + "; ".join(reasons)
        )
    handover_id = uuid4()
    payload = handover_of(case, event, handover_id=handover_id, authority=authority, now=now)
    envelope = seal(payload, keys=keys, destination=event.destination_country)
    outbox.enqueue(
        session,
        render_sealed(
            HANDOVER_V1,
            envelope,
            country=country,
            destination=event.destination_country,
            handover_id=handover_id,
            at=now,
        ),
    )
    handover = Handover(
        id=uuid4(),
        handover_id=handover_id,
        direction=SENT,
        case_id=case.id,
        counterpart_country=event.destination_country,
        sender_case_reference=case.id,
        created_at=now,
        sent_at=now,
        return_id=event.return_id,
    )
    case.handovers.append(handover)
    await session.flush()
    audit.record(
        session,
        system_actor(country),
        "case.handover.send",
        case.id,
        now,
        handover_id=str(handover_id),
        destination=event.destination_country,
    )
    return handover


async def withdraw_handover(
    session: AsyncSession, event: ReturnWithdrawnV1, *, keys: HandoverKeys, now: datetime
) -> Handover | None:
    """The return may no longer go ahead: remember it, and if its handover was sent, send
    the destination a sealed withdrawal (no reason: the country of origin must not learn
    why). Returns the handover withdrawn, if any."""
    await insert_if_absent(
        session,
        WithdrawnReturn,
        {"return_id": event.return_id, "case_id": event.case_id, "withdrawn_at": now},
        ["return_id"],
    )
    handover = await session.scalar(
        select(Handover)
        .where(Handover.return_id == event.return_id, Handover.direction == SENT)
        .with_for_update()
    )
    if handover is None or handover.withdrawn_at is not None:
        return None  # not sealed (and now never will be), or already withdrawn
    if handover.acknowledged_at is not None:
        raise HandoverProblem(
            f"return {event.return_id} withdrawn after the destination received the child"
        )
    withdrawal = HandoverWithdrawnV1(
        handover_id=handover.handover_id,
        sender_country=keys.country,
        destination_country=handover.counterpart_country,
        sender_case_reference=handover.sender_case_reference,
        withdrawn_at=now,
    )
    envelope = seal(withdrawal, keys=keys, destination=handover.counterpart_country)
    outbox.enqueue(
        session,
        render_sealed(
            HANDOVER_WITHDRAWN_V1,
            envelope,
            country=keys.country,
            destination=handover.counterpart_country,
            handover_id=handover.handover_id,
            at=now,
        ),
    )
    handover.withdrawn_at = now
    audit.record(
        session,
        system_actor(keys.country),
        "case.handover.withdraw",
        handover.case_id,
        now,
        handover_id=str(handover.handover_id),
        destination=handover.counterpart_country,
    )
    return handover


async def stored_handover(
    session: AsyncSession, handover_id: UUID, direction: str
) -> Handover | None:
    query = select(Handover).where(
        Handover.handover_id == handover_id, Handover.direction == direction
    )
    return await session.scalar(query.with_for_update())


def seen_at(handover: Handover, position: RecordPosition) -> bool:
    return (handover.record_partition, handover.record_offset) == (
        position.partition,
        position.offset,
    )
