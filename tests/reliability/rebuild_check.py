"""Promise 5: the national statistics the live service reached through every fault equal
those of a projection rebuilt from the topics alone, into a database of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.reporting.queries import DIMENSIONS, Scope
from services.reporting.rebuild import rebuild
from services.reporting.statistics import indicators, registration_table
from shared.platform.config import Settings
from shared.platform.db import create_engine, session_factory
from shared.platform.dev_postgres import postgres_database
from tests.reliability.invariants import Check
from tests.reliability.stack import COUNTRY, PSEUDONYM_SECRET, Stack


async def national_figures(database_url: str, now: datetime) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            every = list(DIMENSIONS)
            table = await registration_table(session, Scope(), every, "month")
            totals = await registration_table(session, Scope(), [], None)
            figures = await indicators(session, Scope(), now=now, screening_deadline_hours=24)
        return {
            "registrations": table.model_dump(mode="json"),
            "totals": totals.model_dump(mode="json"),
            "indicators": figures.model_dump(mode="json"),
        }
    finally:
        await engine.dispose()


async def statistics_equal_rebuild(stack: Stack, workdir: Path) -> tuple[Check, int]:
    """The check, and the national registration total the live service counts."""
    now = datetime.now(UTC)
    live = await national_figures(stack.databases["reporting"], now)
    async with postgres_database(prefix="opi_soak_rebuild") as url:
        settings = Settings(
            country=COUNTRY,
            data_dir=workdir,
            database_url=url,
            kafka_bootstrap_servers=stack.kafka.bootstrap_servers,
            reporting_pseudonym_secret=PSEUDONYM_SECRET,
        )
        report = await rebuild(settings)
        rebuilt = await national_figures(url, now)
    broken = [
        f"{part} differs: live {live[part]!r:.300} / rebuilt {rebuilt[part]!r:.300}"
        for part in live
        if live[part] != rebuilt[part]
    ]
    total = live["totals"]["totals"]["events"]  # type: ignore[index]
    check = Check("national statistics equal a rebuild from the topics", report.read, broken)
    return check, int(total)
