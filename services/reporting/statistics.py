"""The use cases of the national statistics API: each takes a session and a scope."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting import operations, queries
from services.reporting.queries import Scope
from services.reporting.schemas import Counts, Indicators, RegistrationTable


async def registration_table(
    session: AsyncSession, scope: Scope, group_by: list[str], period: str | None
) -> RegistrationTable:
    rows, totals = await queries.registrations(session, scope, group_by, period)
    return RegistrationTable(
        period=period,
        group_by=group_by,
        from_=scope.start,
        to=scope.end,
        admin1=scope.admin1,
        rows=[{k: _plain(v) for k, v in row.items()} for row in rows],
        totals=Counts(events=totals.events, children=totals.children),
    )


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def as_csv(table: RegistrationTable) -> str:
    columns = (["period"] if table.period else []) + table.group_by + ["events", "children"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.rows)
    return out.getvalue()


async def indicators(
    session: AsyncSession, scope: Scope, *, now: datetime, screening_deadline_hours: float
) -> Indicators:
    _, totals = await queries.registrations(session, scope, [], None)
    return Indicators(
        from_=scope.start,
        to=scope.end,
        admin1=scope.admin1,
        as_of=now,
        registrations=Counts(events=totals.events, children=totals.children),
        screening=await queries.screening(
            session, scope, now=now, deadline_hours=screening_deadline_hours
        ),
        consular_notification=await queries.consular_notification(session, scope),
        protection=await queries.protection(session, scope),
        placements=await operations.placements(session, scope),
        shelters=await operations.shelters(session, scope),
        alerts=await operations.alerts(session, scope),
        outcomes=await operations.outcomes(session, scope),
    )
