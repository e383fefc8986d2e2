"""Reception of a cross-border handover in the country of origin, the confirmation of
reception (an acknowledgement sealed back to the sender) and, in the sending country, the
closing of the case when that acknowledgement arrives."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import events, rules
from services.intake.handover import (
    RECEIVED,
    RECEPTION_POINTS,
    SENT,
    HandoverProblem,
    NotReceivedByHandover,
    RecordPosition,
    render_sealed,
    seen_at,
    stored_handover,
    system_actor,
)
from services.intake.models import Case, CaseNationality, Handover
from services.intake.service import CaseNotFound
from shared.contracts.assisted_return import CaseClosedV1, CaseOutcome
from shared.contracts.catalogue import CASE_CLOSED_V1
from shared.contracts.enums import Accompaniment, CaseStatus
from shared.contracts.handover import (
    HandoverAcknowledgedV1,
    HandoverV1,
    HandoverWithdrawnV1,
)
from shared.contracts.regional_catalogue import HANDOVER_ACKNOWLEDGED_V1
from shared.platform import audit, outbox
from shared.platform.auth import Principal
from shared.platform.handover_crypto import HandoverKeys, seal


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
    known = await stored_handover(session, payload.handover_id, RECEIVED)
    if known is not None:
        if seen_at(known, position):
            return None
        raise HandoverProblem(f"replayed handover {payload.handover_id}")
    reception = RECEPTION_POINTS.get(country)
    if reception is None:
        raise HandoverProblem(f"no reception point configured for {country}")
    child = payload.child
    sender = payload.sender_country
    if (reopened := await _reopen_withdrawn(session, payload, position, now)) is not None:
        return reopened
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
        clearances=[],
        handovers=[_received(payload, position, now)],
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


def _received(payload: HandoverV1, position: RecordPosition, now: datetime) -> Handover:
    return Handover(
        id=uuid4(),
        handover_id=payload.handover_id,
        direction=RECEIVED,
        counterpart_country=payload.sender_country,
        sender_case_reference=payload.sender_case_reference,
        created_at=now,
        sent_at=payload.sent_at,
        record_partition=position.partition,
        record_offset=position.offset,
    )


async def _reopen_withdrawn(
    session: AsyncSession, payload: HandoverV1, position: RecordPosition, now: datetime
) -> Case | None:
    """A child whose earlier handover was withdrawn is handed over again: the case that
    handover opened (and its withdrawal closed) is opened again, with no second
    child-registered, so the child is counted once."""
    earlier = await session.scalar(
        select(Handover)
        .where(
            Handover.direction == RECEIVED,
            Handover.counterpart_country == payload.sender_country,
            Handover.sender_case_reference == payload.sender_case_reference,
            Handover.withdrawn_at.is_not(None),
        )
        .order_by(Handover.created_at.desc())
        .limit(1)
    )
    if earlier is None:
        return None
    case = await session.scalar(select(Case).where(Case.id == earlier.case_id).with_for_update())
    if case is None or case.status != CaseStatus.CLOSED:
        return None
    case.status = CaseStatus.REGISTERED
    case.handovers.append(_received(payload, position, now))
    await session.flush()
    audit.record(
        session,
        system_actor(payload.sender_country),
        "case.handover.receive",
        case.id,
        now,
        handover_id=str(payload.handover_id),
        sender=payload.sender_country,
        reopened=True,
    )
    return case


async def apply_withdrawal(
    session: AsyncSession, payload: HandoverWithdrawnV1, *, now: datetime
) -> Case | None:
    """The sender withdrew a handover: the child will not come. The case it opened is
    closed (``handover_withdrawn``); ``None`` if that was done already."""
    handover = await stored_handover(session, payload.handover_id, RECEIVED)
    if (
        handover is None
        or handover.sender_case_reference != payload.sender_case_reference
        or handover.counterpart_country != payload.sender_country
    ):
        raise HandoverProblem(f"withdrawal of unknown handover {payload.handover_id}")
    if handover.withdrawn_at is not None:
        return None
    if handover.reception_confirmed_at is not None:
        raise HandoverProblem(
            f"withdrawal of handover {payload.handover_id} after its reception was confirmed"
        )
    case = await session.scalar(select(Case).where(Case.id == handover.case_id).with_for_update())
    if case is None:  # pragma: no cover - the foreign key keeps it
        raise HandoverProblem(f"withdrawal for unknown case {handover.case_id}")
    handover.withdrawn_at = payload.withdrawn_at
    _close(
        session,
        case,
        CaseOutcome.HANDOVER_WITHDRAWN,
        payload.sender_country,
        payload.handover_id,
        now,
    )
    return case


def _close(
    session: AsyncSession,
    case: Case,
    outcome: CaseOutcome,
    by_country: str,
    handover_id: UUID,
    now: datetime,
) -> None:
    """Close the case by the other country's word, with its case-closed event."""
    case.status = CaseStatus.CLOSED
    closed = CaseClosedV1(case_id=case.id, country=case.country, outcome=outcome, closed_at=now)
    events.stage(session, CASE_CLOSED_V1, closed, case, now)
    audit.record(
        session,
        system_actor(by_country),
        "case.close",
        case.id,
        now,
        outcome=outcome.value,
        handover_id=str(handover_id),
    )


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
    handover = await stored_handover(session, payload.handover_id, SENT)
    if (
        handover is None
        or handover.sender_case_reference != payload.sender_case_reference
        or handover.counterpart_country != payload.sender_country
    ):
        raise HandoverProblem(f"acknowledgement of unknown handover {payload.handover_id}")
    if handover.acknowledged_at is not None:
        if seen_at(handover, position):
            return None
        raise HandoverProblem(f"replayed acknowledgement of handover {payload.handover_id}")
    case = await session.scalar(select(Case).where(Case.id == handover.case_id).with_for_update())
    if case is None:  # pragma: no cover - the foreign key keeps it
        raise HandoverProblem(f"acknowledgement for unknown case {handover.case_id}")
    handover.acknowledged_at = payload.received_at
    handover.received_by = payload.received_by
    handover.record_partition = position.partition
    handover.record_offset = position.offset
    _close(
        session,
        case,
        CaseOutcome.RETURNED_AND_RECEIVED,
        payload.sender_country,
        payload.handover_id,
        now,
    )
    return case
