"""Applies national events to the reporting tables, one at a time (live) or in batches
(rebuild), with the same code: a batch records its events in the inbox, loads the rows it
touches in one query per table, merges every new event and stages its regional record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting import facts, regional_feed
from services.reporting.models import (
    Base,
    CaseAlert,
    CaseFacts,
    CaseReferral,
    EventTally,
    PlacementFacts,
    ShelterFacts,
)
from services.reporting.pseudonym import child_key
from shared.contracts.catalogue import EventContract
from shared.contracts.child_registered import ChildRegisteredV1
from shared.contracts.envelope import EventAttributes
from shared.contracts.notification import AlertClosedV1, AlertRaisedV1, ConsularNotifiedV1
from shared.contracts.placement import PlacementPendingV1, PlacementReleasedV1
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.contracts.screening_completed import ScreeningCompletedV1
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import dialect_name
from shared.platform.inbox import ProcessedEvent

CONSUMER = "reporting"


@dataclass(frozen=True)
class Incoming:
    """A national event, decoded and checked."""

    contract: EventContract
    payload: BaseModel
    attributes: EventAttributes

    @property
    def key(self) -> tuple[str, str]:
        return self.attributes.source, self.attributes.id


@dataclass
class _Rows:
    """The rows a batch touches, loaded once and created on first use."""

    cases: dict[UUID, CaseFacts] = field(default_factory=dict)
    placements: dict[UUID, PlacementFacts] = field(default_factory=dict)
    shelters: dict[UUID, ShelterFacts] = field(default_factory=dict)
    referrals: dict[UUID, CaseReferral] = field(default_factory=dict)
    alerts: dict[UUID, CaseAlert] = field(default_factory=dict)


@dataclass(frozen=True)
class Projector:
    country: str
    secret: bytes
    regional_feed: bool = True

    async def apply(self, session: AsyncSession, events: Sequence[Incoming]) -> int:
        """Apply the events not seen before, in the caller's transaction; returns how many."""
        if not events:
            return 0
        fresh = await _first_deliveries(session, events)
        if not fresh:
            return 0
        await _lock_rows(session, fresh)
        rows = await _load(session, fresh)
        for event in fresh:
            self._merge(rows, event)
        for table in (rows.cases, rows.placements, rows.shelters, rows.referrals, rows.alerts):
            session.add_all(table.values())
        await session.flush()
        if self.regional_feed:
            for event in fresh:
                await self._feed(session, rows, event)
        await _tally(session, fresh)
        return len(fresh)

    def _merge(self, rows: _Rows, event: Incoming) -> None:
        payload: Any = event.payload
        case = _case(rows, payload.case_id)
        match payload:
            case ChildRegisteredV1():
                facts.on_registered(case, payload, child_key(payload.child, self.secret))
            case ScreeningCompletedV1():
                facts.on_screened(case, payload, child_key(payload.child, self.secret))
            case ConsularNotifiedV1():
                facts.on_consular_notified(case, payload)
            case PlacementPendingV1():
                facts.on_pending(case, payload)
            case ShelterAssignedV1():
                placement = _placement(rows, payload.placement_id, payload)
                shelter = rows.shelters.setdefault(
                    payload.shelter_id, ShelterFacts(shelter_id=payload.shelter_id)
                )
                facts.on_assigned(case, placement, shelter, payload)
            case PlacementReleasedV1():
                facts.on_released(_placement(rows, payload.placement_id, payload), payload)
            case ProtectionReferralMadeV1():
                facts.on_referral_made(_referral(rows, payload.referral_id), payload)
            case ProtectionReferralUpdatedV1():
                facts.on_referral_updated(_referral(rows, payload.referral_id), payload)
            case AlertRaisedV1():
                facts.on_alert_raised(_alert(rows, payload.alert_id), payload)
            case AlertClosedV1():
                facts.on_alert_closed(_alert(rows, payload.alert_id), payload)

    async def _feed(self, session: AsyncSession, rows: _Rows, event: Incoming) -> None:
        payload: Any = event.payload
        record = regional_feed.record_for(
            payload, rows.cases[payload.case_id], country=self.country, secret=self.secret
        )
        if record is not None:
            await regional_feed.stage(session, record, event.attributes, country=self.country)


def _case(rows: _Rows, case_id: UUID) -> CaseFacts:
    if case_id not in rows.cases:
        rows.cases[case_id] = facts.new_case(case_id)
    return rows.cases[case_id]


def _placement(rows: _Rows, placement_id: UUID, payload: Any) -> PlacementFacts:
    if placement_id not in rows.placements:
        rows.placements[placement_id] = PlacementFacts(
            placement_id=placement_id, case_id=payload.case_id, shelter_id=payload.shelter_id
        )
    return rows.placements[placement_id]


def _referral(rows: _Rows, referral_id: UUID) -> CaseReferral:
    return rows.referrals.setdefault(referral_id, CaseReferral(referral_id=referral_id))


def _alert(rows: _Rows, alert_id: UUID) -> CaseAlert:
    return rows.alerts.setdefault(alert_id, CaseAlert(alert_id=alert_id))


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert


async def _first_deliveries(session: AsyncSession, events: Sequence[Incoming]) -> list[Incoming]:
    """Record the batch in the inbox; keep the events this consumer has not handled before
    (a repeat within the batch too)."""
    unique = list({event.key: event for event in events}.values())
    values = [
        {
            "consumer": CONSUMER,
            "source": e.attributes.source,
            "event_id": e.attributes.id,
            "event_type": e.attributes.type,
        }
        for e in unique
    ]
    statement = (
        _insert(session)(ProcessedEvent)
        .values(values)
        .on_conflict_do_nothing(index_elements=["consumer", "source", "event_id"])
        .returning(ProcessedEvent.source, ProcessedEvent.event_id)
    )
    inserted = {tuple(row) for row in await session.execute(statement)}
    return [event for event in unique if event.key in inserted]


async def _lock_rows(session: AsyncSession, events: Sequence[Incoming]) -> None:
    """On PostgreSQL the subscribers of different topics apply events of one case at the
    same time: each would merge into its own copy of the row and the later commit would
    undo the other's derived figures. A transaction lock per case and shelter (taken in one
    order, so never a deadlock) makes them take turns. SQLite has one writer anyway."""
    if dialect_name(session) != "postgresql":
        return
    payloads: list[Any] = [event.payload for event in events]
    keys = sorted(
        {str(p.case_id) for p in payloads} | {str(i) for i in _ids(payloads, "shelter_id")}
    )
    for key in keys:
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


async def _load(session: AsyncSession, events: Sequence[Incoming]) -> _Rows:
    rows = _Rows()
    payloads: list[Any] = [event.payload for event in events]
    wanted: list[tuple[dict[UUID, Any], type[Base], Any, set[UUID]]] = [
        (rows.cases, CaseFacts, CaseFacts.case_id, {p.case_id for p in payloads}),
        (
            rows.placements,
            PlacementFacts,
            PlacementFacts.placement_id,
            _ids(payloads, "placement_id"),
        ),
        (rows.shelters, ShelterFacts, ShelterFacts.shelter_id, _ids(payloads, "shelter_id")),
        (rows.referrals, CaseReferral, CaseReferral.referral_id, _ids(payloads, "referral_id")),
        (rows.alerts, CaseAlert, CaseAlert.alert_id, _ids(payloads, "alert_id")),
    ]
    for target, model, key, ids in wanted:
        if ids:
            found = await session.scalars(select(model).where(key.in_(ids)))
            target.update({getattr(row, key.key): row for row in found})
    return rows


def _ids(payloads: Iterable[Any], name: str) -> set[UUID]:
    return {getattr(p, name) for p in payloads if getattr(p, name, None) is not None}


async def _tally(session: AsyncSession, events: Sequence[Incoming]) -> None:
    counts = Counter(
        (e.contract.topic, (e.attributes.time.date() if e.attributes.time else date.min))
        for e in events
    )
    values = [{"event_type": t, "day": d, "events": n} for (t, d), n in counts.items()]
    statement = _insert(session)(EventTally).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["event_type", "day"],
        set_={"events": EventTally.events + statement.excluded.events},
    )
    await session.execute(statement)


async def version(session: AsyncSession) -> int:
    """How many events the projection holds: grows with every applied event."""
    return int(await session.scalar(select(func.coalesce(func.sum(EventTally.events), 0))) or 0)
