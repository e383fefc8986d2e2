"""The national statistics, computed in the database from the facts tables.

Registrations count **events** (a child registered twice counts twice) and **distinct
children** (by the keyed hash of who the child is). Every figure about cases is over the
cases registered within the scope (dates and subdivision); shelter occupancy is now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.models import CaseFacts, CaseReferral

DIMENSIONS: Final = {
    "nationality": CaseFacts.nationality,
    "age_group": CaseFacts.age_group,
    "sex": CaseFacts.sex,
    "accompaniment": CaseFacts.accompaniment,
    "admin1": CaseFacts.admin1,
}
PERIODS: Final = {
    "day": CaseFacts.registered_day,
    "week": CaseFacts.registered_week,
    "month": CaseFacts.registered_month,
}


@dataclass(frozen=True)
class Scope:
    """Which cases a figure is about: registered between two days (inclusive), in a
    first-level subdivision."""

    start: date | None = None
    end: date | None = None
    admin1: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = [CaseFacts.registered.is_(True)]
        if self.start is not None:
            clauses.append(CaseFacts.registered_day >= self.start)
        if self.end is not None:
            clauses.append(CaseFacts.registered_day <= self.end)
        if self.admin1 is not None:
            clauses.append(CaseFacts.admin1 == self.admin1)
        return clauses

    def joined(self, statement: Select[Any], case_id: Any) -> Select[Any]:
        """``statement`` restricted to the cases of the scope, by a join (the planners of
        both databases do far better with it than with ``IN (SELECT ...)``)."""
        return statement.join(CaseFacts, CaseFacts.case_id == case_id).where(*self.clauses())


@dataclass(frozen=True)
class Counts:
    events: int
    children: int


async def registrations(
    session: AsyncSession, scope: Scope, group_by: list[str], period: str | None
) -> tuple[list[dict[str, Any]], Counts]:
    columns = ([PERIODS[period].label("period")] if period else []) + [
        DIMENSIONS[name].label(name) for name in group_by
    ]
    measures = [func.count().label("events"), func.count(distinct(CaseFacts.child_key))]
    statement = select(*columns, *measures).where(*scope.clauses())
    if columns:
        statement = statement.group_by(*columns).order_by(*columns)
    rows = []
    for row in await session.execute(statement):
        *keys, events, children = row
        labels = (["period"] if period else []) + group_by
        rows.append(
            {**dict(zip(labels, keys, strict=True)), "events": events, "children": children}
        )
    totals = (await session.execute(select(*measures).where(*scope.clauses()))).one()
    return rows, Counts(events=totals[0], children=totals[1])


async def _count(session: AsyncSession, scope: Scope, *conditions: ColumnElement[bool]) -> int:
    statement = select(func.count()).select_from(CaseFacts).where(*scope.clauses(), *conditions)
    return int(await session.scalar(statement) or 0)


async def screening(
    session: AsyncSession, scope: Scope, *, now: datetime, deadline_hours: float
) -> dict[str, Any]:
    """Share screened within the deadline, among cases screened or whose deadline passed."""
    deadline = timedelta(hours=deadline_hours)
    screened = CaseFacts.first_screened_at.is_not(None)
    counts = select(  # one scan for the three counts
        _count_if(or_(screened, CaseFacts.registered_at <= now - deadline)),
        _count_if(screened),
        _count_if(CaseFacts.screening_delay_seconds <= deadline.total_seconds()),
    ).where(*scope.clauses())
    due, screened_count, within = (int(v or 0) for v in (await session.execute(counts)).one())
    return {
        "due": due,
        "screened": screened_count,
        "within_24h": within,
        "share_within_24h": round(within / due, 4) if due else None,
    }


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def quantile(session: AsyncSession, scope: Scope, column: Any, q: float) -> float | None:
    """The q-quantile of a column by linear interpolation between closest ranks, the
    database sorting (by index) rather than Python holding every value."""
    n = await _count(session, scope, column.is_not(None))
    if n == 0:
        return None
    position = q * (n - 1)
    lower = math.floor(position)
    statement = (
        select(column)
        .where(*scope.clauses(), column.is_not(None))
        .order_by(column)
        .offset(lower)
        .limit(2)
    )
    values = list(await session.scalars(statement))
    upper = values[1] if len(values) > 1 else values[0]
    return values[0] + (upper - values[0]) * (position - lower)


async def consular_notification(session: AsyncSession, scope: Scope) -> dict[str, Any]:
    delay = CaseFacts.consular_delay_seconds
    median = await quantile(session, scope, delay, 0.5)
    p90 = await quantile(session, scope, delay, 0.9)
    return {
        "notified": await _count(session, scope, delay.is_not(None)),
        "median_hours": None if median is None else round(median / 3600, 2),
        "p90_hours": None if p90 is None else round(p90 / 3600, 2),
    }


async def protection(session: AsyncSession, scope: Scope) -> dict[str, Any]:
    counted = func.count(distinct(CaseReferral.case_id))
    by_authority = (
        scope.joined(
            select(CaseReferral.kind, CaseReferral.authority, counted), CaseReferral.case_id
        )
        .group_by(CaseReferral.kind, CaseReferral.authority)
        .order_by(CaseReferral.kind, CaseReferral.authority)
    )
    flags = select(
        _count_if(CaseFacts.international_protection_need.is_(True)),
        _count_if(CaseFacts.trafficking_suspected.is_(True)),
    ).where(*scope.clauses())
    need, trafficking = (int(v or 0) for v in (await session.execute(flags)).one())
    return {
        "international_protection_need": need,
        "trafficking_suspected": trafficking,
        "referrals": [
            {"kind": kind, "authority": authority, "children": children}
            for kind, authority, children in await session.execute(by_authority)
        ],
    }
