"""A million realistic cases in national reporting's tables, fast, on SQLite and PostgreSQL.

A small synthetic stream (``opi.simulation.stream``) is projected into the database by the
real ``Projector``: its cases are the templates. The database then copies them, in bulk
``INSERT ... SELECT`` statements: each synthetic case is one template case (its dimensions,
its delays, its placements, referrals and alerts) moved back by a random number of whole
days over five years, under new ids. The joint distributions are the simulation's, and the
related tables keep their proportions to the cases. A few per cent of the cases are a child
registered before (the same child key). Stays and alerts older than three months are
closed, as they would be by now.

The copies are made by the database with its own random numbers, so two fills have the same
distributions but not the same rows. On PostgreSQL the tables are analysed afterwards, as
autovacuum would do; SQLite is left as the service leaves it (no ANALYZE).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opi.simulation.stream import generate_stream
from services.reporting.models import CaseAlert, CaseFacts, CaseReferral, PlacementFacts
from services.reporting.projection import Incoming, Projector
from services.reporting.rebuild import MIGRATIONS
from shared.contracts.catalogue import BY_TYPE
from shared.contracts.envelope import OutgoingEvent, attributes_of
from shared.platform.db import UtcDateTime, create_engine, session_factory
from shared.platform.migrations import upgrade_to_head

COUNTRY = "MX"
TEMPLATE_START = datetime(2025, 1, 1, tzinfo=UTC)
TEMPLATE_DAYS = 60
# every figure is as of this moment, a few days after the last template registration
NOW = TEMPLATE_START + timedelta(days=TEMPLATE_DAYS + 5)
SPAN_DAYS = 5 * 365  # copies are moved back by up to this many days
REPEAT_PER_MILLE = 30  # copies that are a child registered before
SETTLED_BEFORE: date = (NOW - timedelta(days=90)).date()  # older stays and alerts are closed
SECRET = b"bench-reporting-pseudonym-secret-0001"
RELEASE_REASONS = ("returned", "reunified", "transferred")
CHILD_TABLES: tuple[Table, ...] = (
    PlacementFacts.__table__,  # type: ignore[assignment]
    CaseReferral.__table__,  # type: ignore[assignment]
    CaseAlert.__table__,  # type: ignore[assignment]
)


def incoming_of(event: OutgoingEvent) -> Incoming:
    """An outgoing event as the reporting consumer decodes it."""
    attributes = attributes_of(event.headers)
    contract = BY_TYPE[attributes.type]
    return Incoming(contract, contract.payload.model_validate_json(event.body), attributes)


class _Sql:
    """The SQL fragments that differ between the two databases (SQLite's by default).
    Timestamps are moved by whole days: on SQLite only the date part of the stored text
    changes, so the format stays SQLAlchemy's."""

    def series(self, count: str) -> str:
        return (
            f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count})"
            " SELECT i FROM s) AS series"
        )

    def random_below(self, bound: str) -> str:
        return f"(abs(random()) % ({bound}))"

    def new_uuid(self) -> str:
        return "lower(hex(randomblob(16)))"

    def new_key(self) -> str:
        return "lower(hex(randomblob(32)))"

    def day_back(self, day: str, days: str) -> str:
        return f"date({day}, '-' || {days} || ' days')"

    def moment_back(self, moment: str, days: str) -> str:
        return f"({self.day_back(moment, days)} || substr({moment}, 11))"

    def moment_later(self, moment: str, days: int) -> str:
        return f"(date({moment}, '+{days} days') || substr({moment}, 11))"

    def week_of(self, day: str) -> str:
        return f"date({day}, '-6 days', 'weekday 1')"

    def month_of(self, day: str) -> str:
        return f"date({day}, 'start of month')"

    def day(self, value: date) -> str:
        return f"'{value.isoformat()}'"


class _PostgresSql(_Sql):
    def series(self, count: str) -> str:
        return f"generate_series(1, {count}) AS series(i)"

    def random_below(self, bound: str) -> str:
        return f"floor(random() * ({bound}))::int"

    def new_uuid(self) -> str:
        return "gen_random_uuid()"

    def new_key(self) -> str:
        return "md5(random()::text) || md5(random()::text)"

    def day_back(self, day: str, days: str) -> str:
        return f"({day} - {days})"

    def moment_back(self, moment: str, days: str) -> str:
        return f"({moment} - make_interval(days => {days}))"

    def moment_later(self, moment: str, days: int) -> str:
        return f"({moment} + interval '{days} days')"

    def week_of(self, day: str) -> str:
        return f"({day} - (extract(isodow from {day})::int - 1))"

    def month_of(self, day: str) -> str:
        return f"date_trunc('month', {day})::date"

    def day(self, value: date) -> str:
        return f"DATE '{value.isoformat()}'"


@dataclass(frozen=True)
class FillReport:
    rows: dict[str, int]
    template_cases: int
    template_seconds: float
    copy_seconds: float


async def fill(database_url: str, *, cases: int, template_cases: int, seed: int) -> FillReport:
    """Migrate an empty database, project the templates, then copy them up to ``cases``."""
    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine, MIGRATIONS)
        started = time.perf_counter()
        await _project_templates(engine, seed, template_cases)
        templated = time.perf_counter()
        async with engine.begin() as connection:
            sql = _PostgresSql() if connection.dialect.name == "postgresql" else _Sql()
            await _copy(connection, sql, cases)
        async with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
            rows = {
                table.name: int(await connection.scalar(select(func.count()).select_from(table)))
                for table in (CaseFacts.__table__, *CHILD_TABLES)  # type: ignore[attr-defined]
            }
        copied = time.perf_counter()
    finally:
        await engine.dispose()
    return FillReport(rows, template_cases, templated - started, copied - templated)


async def _project_templates(engine: AsyncEngine, seed: int, cases: int) -> None:
    stream = generate_stream(seed=seed, cases=cases, country=COUNTRY, start=TEMPLATE_START)
    sessions = session_factory(engine)
    projector = Projector(COUNTRY, SECRET, regional_feed=False)
    events = [incoming_of(event) for event in stream.events]
    for start in range(0, len(events), 500):
        async with sessions() as session, session.begin():
            await projector.apply(session, events[start : start + 500])


async def _copy(connection: AsyncConnection, sql: _Sql, cases: int) -> None:
    async def run(statement: str) -> None:
        await connection.execute(text(statement))

    templates = int(await connection.scalar(select(func.count()).select_from(CaseFacts)) or 0)
    copies = cases - templates
    if templates == 0 or copies <= 0:
        return
    if connection.dialect.name == "sqlite":
        # the fill only (this connection): the indexes of a million rows stay in memory
        await run("PRAGMA cache_size = -262144")
        await run("PRAGMA temp_store = MEMORY")
    await run(
        "CREATE TEMPORARY TABLE tpl_cases AS "
        "SELECT row_number() OVER (ORDER BY case_id) - 1 AS t, * FROM case_facts"
    )
    for table in CHILD_TABLES:
        await run(f"CREATE TEMPORARY TABLE tpl_{table.name} AS SELECT * FROM {table.name}")
    repeat = f"{sql.random_below('1000')} < {REPEAT_PER_MILLE} AND i > 1"
    await run(
        "CREATE TEMPORARY TABLE clone AS SELECT i, "
        f"{sql.random_below(str(templates))} AS t, {sql.random_below(str(SPAN_DAYS))} AS shift, "
        f"{sql.new_uuid()} AS case_id, "
        f"CASE WHEN {repeat} THEN 1 + {sql.random_below('i - 1')} ELSE i END AS child "
        f"FROM {sql.series(str(copies))}"
    )
    await run(
        f"CREATE TEMPORARY TABLE child_keys AS SELECT i AS child, {sql.new_key()} AS child_key "
        f"FROM {sql.series(str(copies))}"
    )
    await run("CREATE INDEX ix_child_keys ON child_keys (child)")
    await run("CREATE INDEX ix_tpl_cases ON tpl_cases (t)")
    await run(_copy_cases(sql))
    for table in CHILD_TABLES:
        await run(f"CREATE INDEX ix_tpl_{table.name} ON tpl_{table.name} (case_id)")
        await run(_copy_children(sql, table))
    for name in ("clone", "child_keys", "tpl_cases", *(f"tpl_{t.name}" for t in CHILD_TABLES)):
        await run(f"DROP TABLE {name}")


def _copy_cases(sql: _Sql) -> str:
    table: Table = CaseFacts.__table__  # type: ignore[assignment]
    day = sql.day_back("f.registered_day", "c.shift")
    waiting = (
        "f.pending_since IS NOT NULL AND "
        "(f.last_assigned_at IS NULL OR f.last_assigned_at < f.pending_since)"
    )
    special = {
        "case_id": "c.case_id",
        "child_key": "k.child_key",
        "registered_day": day,
        "registered_week": sql.week_of(day),
        "registered_month": sql.month_of(day),
        # a child waiting for a place three months ago has been placed since
        "last_assigned_at": f"CASE WHEN {day} < {sql.day(SETTLED_BEFORE)} AND {waiting} "
        f"THEN {sql.moment_later(sql.moment_back('f.pending_since', 'c.shift'), 2)} "
        f"ELSE {sql.moment_back('f.last_assigned_at', 'c.shift')} END",
    }
    values = [special.get(column.name) or _moved(sql, column, "f") for column in table.columns]
    return (
        f"INSERT INTO case_facts ({', '.join(column.name for column in table.columns)}) "
        f"SELECT {', '.join(values)} FROM clone c JOIN tpl_cases f ON f.t = c.t "
        "JOIN child_keys k ON k.child = c.child"
    )


def _copy_children(sql: _Sql, table: Table) -> str:
    key = next(iter(table.primary_key.columns)).name
    settled = f"{sql.day_back('f.registered_day', 'c.shift')} < {sql.day(SETTLED_BEFORE)}"
    special = {key: sql.new_uuid(), "case_id": "c.case_id"}
    if table.name == "placement_facts":
        still_open = f"{settled} AND r.assigned_at IS NOT NULL AND r.released_at IS NULL"
        reasons = " ".join(
            f"WHEN {number} THEN '{reason}'" for number, reason in enumerate(RELEASE_REASONS)
        )
        special["released_at"] = (
            f"CASE WHEN {still_open} "
            f"THEN {sql.moment_later(sql.moment_back('r.assigned_at', 'c.shift'), 30)} "
            f"ELSE {sql.moment_back('r.released_at', 'c.shift')} END"
        )
        special["release_reason"] = (
            f"CASE WHEN {still_open} THEN CASE {sql.random_below(str(len(RELEASE_REASONS)))} "
            f"{reasons} END ELSE r.release_reason END"
        )
    if table.name == "case_alerts":
        still_open = f"{settled} AND r.raised_at IS NOT NULL AND r.closed_at IS NULL"
        special["closed_at"] = (
            f"CASE WHEN {still_open} "
            f"THEN {sql.moment_later(sql.moment_back('r.raised_at', 'c.shift'), 1)} "
            f"ELSE {sql.moment_back('r.closed_at', 'c.shift')} END"
        )
    values = [special.get(column.name) or _moved(sql, column, "r") for column in table.columns]
    return (
        f"INSERT INTO {table.name} ({', '.join(column.name for column in table.columns)}) "
        f"SELECT {', '.join(values)} FROM clone c JOIN tpl_cases f ON f.t = c.t "
        f"JOIN tpl_{table.name} r ON r.case_id = f.case_id"
    )


def _moved(sql: _Sql, column: Any, alias: str) -> str:
    name = f"{alias}.{column.name}"
    return sql.moment_back(name, "c.shift") if isinstance(column.type, UtcDateTime) else name


async def check_filled(database_url: str) -> None:
    """Copied rows read back through the ORM like projected ones: every timestamp carries
    its zone, the days agree with it, and the week starts on a Monday."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            sample = list(
                await session.scalars(select(CaseFacts).order_by(CaseFacts.registered_day).limit(3))
            )
            for case in sample:
                assert case.registered_at is not None and case.registered_at.tzinfo is not None
                assert case.registered_day == case.registered_at.date(), case.case_id
                assert case.registered_week is not None and case.registered_week.weekday() == 0
                assert case.registered_month == case.registered_at.date().replace(day=1)
                assert case.child_key is not None and len(case.child_key) == 64
    finally:
        await engine.dispose()
