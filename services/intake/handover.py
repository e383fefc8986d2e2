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

from services.intake import events, rules
from services.intake.models import Case, CaseNationality, Handover
from services.intake.service import CaseNotFound
from shared.contracts.assisted_return import CaseClosedV1, CaseOutcome, ReturnScheduledV1
from shared.contracts.catalogue import CASE_CLOSED_V1, EventContract
from shared.contracts.child import FamilyContact
from shared.contracts.enums import Accompaniment, CaseStatus
from shared.contracts.envelope import JSON_CONTENT_TYPE, OutgoingEvent, source_of
from shared.contracts.handover import (
    HandoverAcknowledgedV1,
    HandoverPlan,
    HandoverV1,
    ReturningChild,
    SendingAuthority,
)
from shared.contracts.regional_catalogue import HANDOVER_ACKNOWLEDGED_V1, HANDOVER_V1
from shared.platform import audit, outbox
from shared.platform.auth import Principal
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


async def _handover(session: AsyncSession, handover_id: UUID, direction: str) -> Handover | None:
    query = select(Handover).where(
        Handover.handover_id == handover_id, Handover.direction == direction
    )
    return await session.scalar(query.with_for_update())


def _seen_at(handover: Handover, position: RecordPosition) -> bool:
    return (handover.record_partition, handover.record_offset) == (
        position.partition,
        position.offset,
    )


async def receive_handover(
    session: AsyncSession,
    payload: HandoverV1,
    *,
    country: str,
    position: RecordPosition,
    now: datetime,
) -> Case | None:
    """Open a returnee case from a verified handover, with its child-registered event.
    ``None`` for a redelivery of the record already applied; a replay is a problem."""
    known = await _handover(session, payload.handover_id, RECEIVED)
    if known is not None:
        if _seen_at(known, position):
            return None
        raise HandoverProblem(f"replayed handover {payload.handover_id}")
    reception = RECEPTION_POINTS.get(country)
    if reception is None:
        raise HandoverProblem(f"no reception point configured for {country}")
    child = payload.child
    sender = payload.sender_country
    case = Case(
        id=uuid4(),
        country=country,
        status=CaseStatus.REGISTERED,
        registered_at=now,
        registered_by=f"handover:{sender}",
        detected_at=now,
        given_names=child.given_names,
        family_names=child.family_names,
        name_since_separation=child.name_since_separation,
        sex=child.sex,
        date_of_birth=child.date_of_birth,
        date_of_birth_estimated=child.date_of_birth_estimated,
        age_years=child.age_years,
        age_group=rules.age_group(child.age_years),
        languages=child.languages,
        documents=[document.model_dump(mode="json") for document in child.documents],
        accompaniment=Accompaniment.UNACCOMPANIED,
        detection_admin1=reception.admin1,
        detection_point=reception.point,
        detection_latitude=None,
        detection_longitude=None,
        family_contacts=[c.model_dump(mode="json") for c in payload.family_contacts],
        sibling_case_ids=[],
        returned_from=sender,
        returned_national=True,
        nationalities=[
            CaseNationality(country=code, position=index)
            for index, code in enumerate(dict.fromkeys(child.nationalities))
        ],
        screenings=[],
        handovers=[
            Handover(
                id=uuid4(),
                handover_id=payload.handover_id,
                direction=RECEIVED,
                counterpart_country=sender,
                sender_case_reference=payload.sender_case_reference,
                created_at=now,
                sent_at=payload.sent_at,
                record_partition=position.partition,
                record_offset=position.offset,
            )
        ],
    )
    session.add(case)
    await session.flush()
    events.stage_child_registered(session, case)
    audit.record(
        session,
        system_actor(sender),
        "case.handover.receive",
        case.id,
        now,
        handover_id=str(payload.handover_id),
        sender=sender,
    )
    return case


async def confirm_reception(
    session: AsyncSession,
    case_id: UUID,
    actor: Principal,
    *,
    keys: HandoverKeys,
    received_by: str | None,
    now: datetime,
) -> Case:
    """The child arrived: acknowledge the handover to the sender, sealed to it."""
    case = await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise CaseNotFound(case_id)
    received = [h for h in case.handovers if h.direction == RECEIVED]
    if not received:
        raise NotReceivedByHandover("this case was not received by a handover")
    handover = received[-1]
    if handover.reception_confirmed_at is not None:
        raise NotReceivedByHandover("reception of this case was already confirmed")
    received_by = received_by or actor.username or actor.subject
    acknowledgement = HandoverAcknowledgedV1(
        handover_id=handover.handover_id,
        sender_country=keys.country,
        destination_country=handover.counterpart_country,
        sender_case_reference=handover.sender_case_reference,
        received_at=now,
        received_by=received_by,
    )
    envelope = seal(acknowledgement, keys=keys, destination=handover.counterpart_country)
    outbox.enqueue(
        session,
        render_sealed(
            HANDOVER_ACKNOWLEDGED_V1,
            envelope,
            country=keys.country,
            destination=handover.counterpart_country,
            handover_id=handover.handover_id,
            at=now,
        ),
    )
    handover.reception_confirmed_at = now
    handover.received_by = received_by
    await session.flush()
    audit.record(
        session, actor, "case.reception", case.id, now, handover_id=str(handover.handover_id)
    )
    return case


async def apply_acknowledgement(
    session: AsyncSession,
    payload: HandoverAcknowledgedV1,
    *,
    position: RecordPosition,
    now: datetime,
) -> Case | None:
    """The country of origin received the child: close the case that sent it, with its
    case-closed event. ``None`` for a redelivery of the record already applied."""
    handover = await _handover(session, payload.handover_id, SENT)
    if (
        handover is None
        or handover.sender_case_reference != payload.sender_case_reference
        or handover.counterpart_country != payload.sender_country
    ):
        raise HandoverProblem(f"acknowledgement of unknown handover {payload.handover_id}")
    if handover.acknowledged_at is not None:
        if _seen_at(handover, position):
            return None
        raise HandoverProblem(f"replayed acknowledgement of handover {payload.handover_id}")
    case = await session.scalar(select(Case).where(Case.id == handover.case_id).with_for_update())
    if case is None:  # pragma: no cover - the foreign key keeps it
        raise HandoverProblem(f"acknowledgement for unknown case {handover.case_id}")
    handover.acknowledged_at = payload.received_at
    handover.received_by = payload.received_by
    handover.record_partition = position.partition
    handover.record_offset = position.offset
    case.status = CaseStatus.CLOSED
    closed = CaseClosedV1(
        case_id=case.id,
        country=case.country,
        outcome=CaseOutcome.RETURNED_AND_RECEIVED,
        closed_at=now,
    )
    events.stage(session, CASE_CLOSED_V1, closed, case, now)
    audit.record(
        session,
        system_actor(payload.sender_country),
        "case.close",
        case.id,
        now,
        outcome=CaseOutcome.RETURNED_AND_RECEIVED.value,
        handover_id=str(payload.handover_id),
    )
    return case
