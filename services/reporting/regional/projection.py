"""The regional projection: every case event kept once, and each case recomputed from all
of its events, so the result is the same whatever order the events arrive in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.regional.models import (
    NO_OUTCOME,
    PROJECTION_VERSION,
    Counter,
    RegionalCase,
    RegionalCaseEvent,
    RegionalHandover,
)
from shared.contracts.regional import CaseEventRecordV1, RegionalEventType
from shared.platform.db import insert_if_absent

EVENT_KEY = ["country", "case_key", "event_type", "event_date", "outcome"]
# taken from the latest record (by event date, then CloudEvent time and id) that carries it
LATEST_WINS = (
    "nationality",
    "sex",
    "age_group",
    "accompaniment",
    "admin1",
    "international_protection_need",
    "trafficking_suspected",
)
FIRST_DATE_OF = {
    RegionalEventType.REGISTERED: "registered_on",
    RegionalEventType.SCREENED: "screened_on",
    RegionalEventType.CONSULAR_NOTIFIED: "consular_notified_on",
    RegionalEventType.PLACED: "placed_on",
    RegionalEventType.REFERRED: "referred_on",
}
Stamp = tuple[date, datetime, str]


def _stamp(event: RegionalCaseEvent) -> Stamp:
    return (event.event_date, event.event_time, event.event_id)


def summarise(events: Iterable[RegionalCaseEvent]) -> dict[str, Any]:
    """The columns of a case from its events; the same for any order of ``events``."""
    ordered = sorted(events, key=_stamp)
    summary: dict[str, Any] = dict.fromkeys(LATEST_WINS)
    summary.update(released_on=None, outcome=None)
    for event in ordered:  # later records overwrite earlier ones
        for name in LATEST_WINS:
            value = getattr(event, name)
            if value is not None:
                summary[name] = value
        if event.event_type == RegionalEventType.RELEASED:
            summary["released_on"] = event.event_date
            summary["outcome"] = event.outcome or None
    for event_type, column in FIRST_DATE_OF.items():
        dates = [e.event_date for e in ordered if e.event_type == event_type]
        summary[column] = min(dates, default=None)
    return summary


def event_row(record: CaseEventRecordV1, *, event_time: datetime, event_id: str) -> dict:
    row = record.model_dump(mode="python")
    row["event_type"] = record.event_type.value
    row["outcome"] = record.outcome or NO_OUTCOME
    for name in ("sex", "age_group", "accompaniment"):
        row[name] = row[name].value if row[name] is not None else None
    return {**row, "event_time": event_time, "event_id": event_id}


async def apply_record(
    session: AsyncSession, record: CaseEventRecordV1, *, event_time: datetime, event_id: str
) -> bool:
    """Keep the event (or its later version) and recompute its case; False if it changed
    nothing (the same event again, under an older CloudEvent)."""
    row = event_row(record, event_time=event_time, event_id=event_id)
    if not await insert_if_absent(session, RegionalCaseEvent, row, EVENT_KEY):
        kept = await session.get(RegionalCaseEvent, tuple(row[name] for name in EVENT_KEY))
        if kept is None or (event_time, event_id) <= (kept.event_time, kept.event_id):
            return False
        for name, value in row.items():
            setattr(kept, name, value)
    await _recompute_case(session, record.country, record.case_key)
    await _bump_version(session)
    return True


async def _recompute_case(session: AsyncSession, country: str, case_key: str) -> None:
    events = await session.scalars(
        select(RegionalCaseEvent).where(
            RegionalCaseEvent.country == country, RegionalCaseEvent.case_key == case_key
        )
    )
    summary = summarise(events.all())
    case = await session.get(RegionalCase, (country, case_key))
    if case is None:
        session.add(RegionalCase(country=country, case_key=case_key, **summary))
        return
    for name, value in summary.items():
        setattr(case, name, value)


async def current_version(session: AsyncSession) -> int:
    value = await session.scalar(select(Counter.value).where(Counter.name == PROJECTION_VERSION))
    return value or 0


async def apply_handover(
    session: AsyncSession,
    *,
    handover_id: str,
    sender: str,
    destination: str,
    sent_on: date | None = None,
    received_on: date | None = None,
) -> bool:
    """Note one side of a handover: ``sent_on`` from the handover record, ``received_on``
    from its acknowledgement, whichever comes first. The earliest day of each side is kept,
    so a repeat changes nothing; False if nothing changed."""
    row = {
        "handover_id": handover_id,
        "sender": sender,
        "destination": destination,
        "sent_on": sent_on,
        "received_on": received_on,
    }
    if not await insert_if_absent(session, RegionalHandover, row, ["handover_id"]):
        kept = await session.get(RegionalHandover, handover_id)
        if kept is None:  # pragma: no cover - the insert just found it
            return False
        changed = False
        if sent_on is not None:
            # the handover record itself says who sent it to whom
            if (kept.sender, kept.destination) != (sender, destination):
                kept.sender, kept.destination = sender, destination
                changed = True
            if kept.sent_on is None or sent_on < kept.sent_on:
                kept.sent_on = sent_on
                changed = True
        if received_on is not None and (kept.received_on is None or received_on < kept.received_on):
            kept.received_on = received_on
            changed = True
        if not changed:
            return False
    await _bump_version(session)
    return True


async def _bump_version(session: AsyncSession) -> None:
    await session.execute(
        update(Counter).where(Counter.name == PROJECTION_VERSION).values(value=Counter.value + 1)
    )
