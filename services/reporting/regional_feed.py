"""The anonymised regional feed: one ``crm.case-events.v1`` record per national case event.

A record is built from the case's facts row, which holds no name, no birth date, no phone,
no note and no shelter, and is checked by ``CaseEventRecordV1`` (``extra="forbid"``). Its
CloudEvent id is derived from the national event's, so deriving it again (a redelivery, a
rebuild) gives the same id and the region counts it once; its subject and Kafka key are the
pseudonymous case key, its time the event's day, never the national case id or the hour.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Final

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.models import CaseFacts
from services.reporting.pseudonym import case_key
from shared.contracts import catalogue
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.envelope import EventAttributes, render, source_of
from shared.contracts.notification import ConsularNotifiedV1, DeliveryOutcome
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_referral import ProtectionReferralMadeV1
from shared.contracts.regional import CaseEventRecordV1, RegionalEventType
from shared.contracts.regional_catalogue import CASE_EVENT_V1
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import insert_if_absent
from shared.platform.outbox import OutboxMessage

SERVICE: Final = "reporting"
_ID_NAMESPACE: Final = uuid.UUID("6f1c2b9e-3a57-4d1e-9c55-0b7f8e2d4a10")


def _event_day(payload: BaseModel) -> tuple[RegionalEventType, date] | None:
    """The regional type of a national event and the day it happened; ``None``: not sent."""
    match payload:
        case ChildRegisteredV1():
            return RegionalEventType.REGISTERED, payload.registered_at.date()
        case ScreeningCompletedV1():
            return RegionalEventType.SCREENED, payload.screened_at.date()
        case ShelterAssignedV1():
            return RegionalEventType.PLACED, payload.assigned_at.date()
        case PlacementPendingV1():
            return RegionalEventType.PLACEMENT_PENDING, payload.pending_since.date()
        case ProtectionReferralMadeV1():
            return RegionalEventType.REFERRED, payload.made_at.date()
        case ConsularNotifiedV1() if payload.outcome is DeliveryOutcome.DELIVERED:
            return RegionalEventType.CONSULAR_NOTIFIED, payload.sent_at.date()
        case PlacementReleasedV1():
            return RegionalEventType.RELEASED, payload.released_at.date()
    return None


def record_for(
    payload: BaseModel, facts: CaseFacts, *, country: str, secret: bytes
) -> CaseEventRecordV1 | None:
    kind = _event_day(payload)
    if kind is None:
        return None
    event_type, day = kind
    screened = facts.screening_sequence > 0
    if isinstance(payload, ScreeningCompletedV1):
        need, trafficking = payload.international_protection_need, payload.trafficking_suspected
    else:
        need = facts.international_protection_need if screened else None
        trafficking = facts.trafficking_suspected if screened else None
    return CaseEventRecordV1(
        case_key=case_key(facts.case_id, secret),
        country=country,
        event_type=event_type,
        event_date=day,
        nationality=facts.nationality,
        sex=facts.sex,
        age_group=facts.age_group,
        accompaniment=facts.accompaniment,
        admin1=facts.admin1,
        international_protection_need=need,
        trafficking_suspected=trafficking,
        outcome=payload.reason.value if isinstance(payload, PlacementReleasedV1) else None,
    )


async def stage(
    session: AsyncSession, record: CaseEventRecordV1, origin: EventAttributes, *, country: str
) -> None:
    """Stage the record in the outbox, for the relay that publishes to the regional Kafka;
    a record staged before (same derived id) is not staged twice."""
    derived_id = uuid.uuid5(_ID_NAMESPACE, f"{origin.source}\x1f{origin.id}")
    event = render(
        CASE_EVENT_V1,
        record,
        source=source_of(country, SERVICE),
        subject=record.case_key,
        time=datetime.combine(record.event_date, time.min, tzinfo=UTC),
        event_id=str(derived_id),
    )
    values = {
        "event_id": event.id,
        "topic": event.topic,
        "key": event.key,
        "headers": event.headers,
        "body": event.body,
        "trace_context": {},
        "attempts": 0,
    }
    await insert_if_absent(session, OutboxMessage, values, ["event_id"])


NATIONAL_TYPES_IN_FEED: Final = frozenset(
    c.type
    for c in (
        catalogue.CHILD_REGISTERED_V1,
        catalogue.SCREENING_COMPLETED_V1,
        catalogue.SHELTER_ASSIGNED_V1,
        catalogue.PLACEMENT_PENDING_V1,
        catalogue.PROTECTION_REFERRAL_MADE_V1,
        catalogue.CONSULAR_NOTIFIED_V1,
        catalogue.PLACEMENT_RELEASED_V1,
    )
)
