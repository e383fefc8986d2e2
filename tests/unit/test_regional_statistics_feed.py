"""The statistics feed stages the standard tables, protected, only when the projection moved."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.reporting.regional import projection, statistics_feed
from shared.contracts.regional import CaseEventRecordV1, StatisticsPublishedV1
from shared.platform.outbox import OutboxMessage
from tests.regional_fixtures import dataset, record, seeded_sessions

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SOURCE = "/opi/rcm/regional-reporting"


async def _staged(sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_tables_are_staged_once_per_projection_version(tmp_path) -> None:
    engine, sessions = await seeded_sessions(f"sqlite+aiosqlite:///{tmp_path}/r.db", dataset())
    try:
        assert await statistics_feed.publish_if_changed(sessions, k=10, source=SOURCE, now=NOW)
        assert not await statistics_feed.publish_if_changed(sessions, k=10, source=SOURCE, now=NOW)
        staged = await _staged(sessions)
        assert [m.key for m in staged] == [
            "registrations_by_country_month",
            "registrations_by_nationality",
            "registrations_by_sex_age_group",
            "registrations_by_accompaniment",
            "outcomes_by_country",
        ]
        first = staged[0]
        assert first.topic == "crm.statistics.v1"
        assert first.headers["ce_type"] == "org.rcm.opi.statistics-published.v1"
        assert first.headers["ce_source"] == SOURCE and first.headers["ce_subject"] == first.key
        tables = {m.key: StatisticsPublishedV1.model_validate(json.loads(m.body)) for m in staged}
        by_month = tables["registrations_by_country_month"]
        assert by_month.dimensions == ["country", "period"] and by_month.grand_total == 38
        assert (by_month.period_from, by_month.period_to) == (date(2026, 10, 1), date(2026, 11, 4))
        for table in tables.values():
            numbers = [c.value for c in table.cells + table.row_totals + table.column_totals]
            assert not [n for n in [*numbers, table.grand_total] if n is not None and 1 <= n <= 9]
        nationality = tables["registrations_by_nationality"]
        assert [(c.key, c.value) for c in nationality.cells] == [
            (["GT"], 15),
            (["HN"], 10),
            (["SV"], 13),
        ]

        late = CaseEventRecordV1.model_validate(record("GT", 99, "registered", date(2026, 11, 30)))
        async with sessions() as session, session.begin():
            await projection.apply_record(session, late, event_time=NOW, event_id="late")
        later = NOW + timedelta(minutes=1)
        assert await statistics_feed.publish_if_changed(sessions, k=10, source=SOURCE, now=later)
        assert len(await _staged(sessions)) == 10
    finally:
        await engine.dispose()
