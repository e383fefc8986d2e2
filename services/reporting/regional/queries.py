"""Raw counts read from the projection. Nothing here is safe to publish as it is: every
number goes through small-cell protection (``protection.py``) before it leaves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.regional.dimensions import PERIOD, UNKNOWN, Period, bucket
from services.reporting.regional.models import RegionalCase, RegionalCaseEvent, RegionalHandover

Counts = dict[tuple[str, ...], int]
ATTRIBUTE_COLUMNS = {
    "country": RegionalCase.country,
    "nationality": RegionalCase.nationality,
    "sex": RegionalCase.sex,
    "age_group": RegionalCase.age_group,
    "accompaniment": RegionalCase.accompaniment,
}
INDICATORS = {
    "registered": func.count(),
    "international_protection_need": func.count(
        case((RegionalCase.international_protection_need.is_(True), 1))
    ),
    "trafficking_suspected": func.count(case((RegionalCase.trafficking_suspected.is_(True), 1))),
    "referred": func.count(RegionalCase.referred_on),
    "consular_notified": func.count(RegionalCase.consular_notified_on),
    "placed": func.count(RegionalCase.placed_on),
    "released": func.count(RegionalCase.released_on),
}


@dataclass(frozen=True)
class DateRange:
    start: date | None = None
    end: date | None = None

    def of(self, column: Any) -> ColumnElement[bool]:
        bounds = [column.is_not(None)]
        if self.start is not None:
            bounds.append(column >= self.start)
        if self.end is not None:
            bounds.append(column <= self.end)
        return and_(true(), *bounds)


async def event_counts(
    session: AsyncSession,
    *,
    event_type: str,
    dimensions: tuple[str, ...],
    period: Period | None,
    dates: DateRange,
) -> Counts:
    """Events of ``event_type`` dated within ``dates``, broken down by ``dimensions`` (the
    case's merged attributes; the period is the bucket of the event date)."""
    attributes = [ATTRIBUTE_COLUMNS[name] for name in dimensions if name != PERIOD]
    statement = (
        select(RegionalCaseEvent.event_date, *attributes, func.count())
        .join(
            RegionalCase,
            and_(
                RegionalCase.country == RegionalCaseEvent.country,
                RegionalCase.case_key == RegionalCaseEvent.case_key,
            ),
        )
        .where(RegionalCaseEvent.event_type == event_type, dates.of(RegionalCaseEvent.event_date))
        .group_by(RegionalCaseEvent.event_date, *attributes)
    )
    counts: Counts = defaultdict(int)
    for event_date, *values, count in await session.execute(statement):
        found = iter(values)
        key = tuple(
            bucket(event_date, period or Period.MONTH).isoformat()
            if name == PERIOD
            else next(found) or UNKNOWN
            for name in dimensions
        )
        counts[key] += count
    return dict(sorted(counts.items()))


async def countries(session: AsyncSession) -> list[str]:
    """Every country the region has heard from, so a country with no case in a period is
    shown with 0 rather than missing."""
    found = await session.scalars(select(RegionalCase.country).distinct())
    return sorted(found.all())


async def indicator_counts(session: AsyncSession, dates: DateRange) -> dict[str, Counts]:
    """Per indicator, the number of distinct cases registered within ``dates``, by country."""
    statement = (
        select(RegionalCase.country, *INDICATORS.values())
        .where(dates.of(RegionalCase.registered_on))
        .group_by(RegionalCase.country)
    )
    rows = {country: values for country, *values in await session.execute(statement)}
    known = await countries(session)
    return {
        name: {(country,): rows[country][i] if country in rows else 0 for country in known}
        for i, name in enumerate(INDICATORS)
    }


async def outcome_counts(session: AsyncSession, dates: DateRange) -> Counts:
    """Released cases registered within ``dates``, by country and outcome."""
    statement = (
        select(RegionalCase.country, RegionalCase.outcome, func.count())
        .where(dates.of(RegionalCase.registered_on), RegionalCase.released_on.is_not(None))
        .group_by(RegionalCase.country, RegionalCase.outcome)
    )
    counts: Counts = defaultdict(int)
    for country, outcome, count in await session.execute(statement):
        counts[country, outcome or UNKNOWN] += count
    return dict(sorted(counts.items()))


async def days_to_consular_notification(
    session: AsyncSession, dates: DateRange
) -> dict[str, list[int]]:
    """Per country, the days from registration to consular notification of each case
    registered within ``dates`` whose consulate was notified."""
    statement = select(
        RegionalCase.country, RegionalCase.registered_on, RegionalCase.consular_notified_on
    ).where(dates.of(RegionalCase.registered_on), RegionalCase.consular_notified_on.is_not(None))
    delays: dict[str, list[int]] = {country: [] for country in await countries(session)}
    for country, registered_on, notified_on in await session.execute(statement):
        delays[country].append((notified_on - registered_on).days)
    return delays


HANDOVER_DIMENSIONS = ("sender", "destination")
Pair = tuple[str, str]


async def handover_pairs(session: AsyncSession) -> list[Pair]:
    """Every (sender, destination) pair the region has seen a handover between."""
    statement = select(RegionalHandover.sender, RegionalHandover.destination).distinct()
    return sorted((sender, destination) for sender, destination in await session.execute(statement))


async def handover_counts(session: AsyncSession, dates: DateRange, *, received: bool) -> Counts:
    """Handovers sent (``received=False``: by the day of the handover record) or received
    (by the day of its acknowledgement) within ``dates``, by sender and destination."""
    day = RegionalHandover.received_on if received else RegionalHandover.sent_on
    statement = (
        select(RegionalHandover.sender, RegionalHandover.destination, func.count())
        .where(dates.of(day))
        .group_by(RegionalHandover.sender, RegionalHandover.destination)
    )
    counts = {
        (sender, destination): n for sender, destination, n in await session.execute(statement)
    }
    return dict(sorted(counts.items()))


async def days_to_reception(session: AsyncSession, dates: DateRange) -> dict[Pair, list[int]]:
    """Per pair, the days from the sending of each handover sent within ``dates`` to the
    acknowledgement of its reception, for those acknowledged."""
    statement = select(
        RegionalHandover.sender,
        RegionalHandover.destination,
        RegionalHandover.sent_on,
        RegionalHandover.received_on,
    ).where(dates.of(RegionalHandover.sent_on), RegionalHandover.received_on.is_not(None))
    delays: dict[Pair, list[int]] = {pair: [] for pair in await handover_pairs(session)}
    for sender, destination, sent_on, received_on in await session.execute(statement):
        delays[sender, destination].append(max((received_on - sent_on).days, 0))
    return delays
