"""``crm.statistics.v1``: the standard regional tables, protected, staged in the outbox at a
fixed interval, and only when the projection changed since they were last staged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.regional import queries
from services.reporting.regional.dimensions import PERIOD, Period
from services.reporting.regional.models import (
    STATISTICS_VERSION,
    Counter,
    RegionalCaseEvent,
    RegionalHandover,
)
from services.reporting.regional.projection import current_version
from services.reporting.regional.protection import protected, statistics_cells
from shared.contracts.envelope import render
from shared.contracts.regional import RegionalEventType, StatisticsPublishedV1
from shared.contracts.regional_catalogue import STATISTICS_PUBLISHED_V1
from shared.platform.outbox import enqueue

log = logging.getLogger(__name__)

REGISTRATION_TABLES: dict[str, tuple[str, ...]] = {
    "registrations_by_country_month": ("country", PERIOD),
    "registrations_by_nationality": ("nationality",),
    "registrations_by_sex_age_group": ("sex", "age_group"),
    "registrations_by_accompaniment": ("accompaniment",),
}
OUTCOMES_TABLE = "outcomes_by_country"
OUTCOME_DIMENSIONS = ("country", "outcome")
HANDOVER_TABLES = {"handovers_sent_by_pair": False, "handovers_received_by_pair": True}


async def build_statistics(
    session: AsyncSession, *, k: int, now: datetime
) -> list[StatisticsPublishedV1]:
    """Every standard table over all registrations (and all handovers) the region has
    received."""
    registered = RegionalCaseEvent.event_type == RegionalEventType.REGISTERED.value
    first, last = (
        await session.execute(
            select(
                func.min(RegionalCaseEvent.event_date), func.max(RegionalCaseEvent.event_date)
            ).where(registered)
        )
    ).one()
    everything = queries.DateRange()
    tables = {
        name: (
            dims,
            await queries.event_counts(
                session,
                event_type=RegionalEventType.REGISTERED.value,
                dimensions=dims,
                period=Period.MONTH,
                dates=everything,
            ),
        )
        for name, dims in REGISTRATION_TABLES.items()
    }
    tables[OUTCOMES_TABLE] = (OUTCOME_DIMENSIONS, await queries.outcome_counts(session, everything))
    periods = dict.fromkeys(tables, (first, last))
    # the handover tables join the feed once the region has seen a handover
    seen_handovers = await session.scalar(select(func.count()).select_from(RegionalHandover))
    for name, received in HANDOVER_TABLES.items() if seen_handovers else ():
        day = RegionalHandover.received_on if received else RegionalHandover.sent_on
        periods[name] = (await session.execute(select(func.min(day), func.max(day)))).one()
        tables[name] = (
            queries.HANDOVER_DIMENSIONS,
            await queries.handover_counts(session, everything, received=received),
        )
    return [
        StatisticsPublishedV1(
            table=name,
            period_from=periods[name][0],
            period_to=periods[name][1],
            dimensions=list(dims),
            k=k,
            generated_at=now,
            **statistics_cells(protected(counts, dims, k)),
        )
        for name, (dims, counts) in tables.items()
    ]


async def publish_if_changed(
    sessions: async_sessionmaker[AsyncSession], *, k: int, source: str, now: datetime
) -> bool:
    """Stage the tables if the projection moved on since they were last staged. The feed's
    counter row is locked, so that two instances never stage the same version twice."""
    async with sessions() as session, session.begin():
        published = await session.scalar(
            select(Counter).where(Counter.name == STATISTICS_VERSION).with_for_update()
        )
        version = await current_version(session)
        if published is None or published.value == version:
            return False
        for payload in await build_statistics(session, k=k, now=now):
            enqueue(
                session,
                render(
                    STATISTICS_PUBLISHED_V1, payload, source=source, subject=payload.table, time=now
                ),
            )
        published.value = version
    return True


async def run(
    sessions: async_sessionmaker[AsyncSession],
    *,
    k: int,
    source: str,
    interval: float,
    clock: Callable[[], datetime],
    on_published: Callable[[], None],
) -> None:
    while True:
        try:
            if await publish_if_changed(sessions, k=k, source=source, now=clock()):
                on_published()
        except Exception:
            log.exception("statistics feed round failed")
        await asyncio.sleep(interval)
