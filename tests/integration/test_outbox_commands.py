"""``opi outbox show|retry`` on a service's database (SQLite and PostgreSQL): what waits,
what is parked, and a release the relay then sends; each use is in the audit trail."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import Result
from sqlalchemy import select, update
from typer.testing import CliRunner

from opi.cli import app
from services.reporting.regional import models as regional_models
from shared.platform.audit import AuditEntry
from shared.platform.db import create_engine
from shared.platform.migrations import upgrade_to_head
from shared.platform.outbox import OutboxMessage, now
from shared.platform.outbox_relay import OutboxRelay
from tests.unit.outbox_examples import FakeKafka, outbox, rows

REGIONAL_MIGRATIONS = Path(regional_models.__file__).parent / "migrations"


async def opi(database_url: str, *args: str) -> Result:
    # in a thread: the command runs its own event loop
    return await asyncio.to_thread(
        CliRunner().invoke, app, ["outbox", *args], env={"OPI_DATABASE_URL": database_url}
    )


def lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


async def test_show_lists_what_waits_and_retry_releases_a_parked_event(database_url: str) -> None:
    async with outbox(database_url, 4) as sessions:
        sent, parked, waiting, _ = [row.event_id for row in await rows(sessions)]
        async with sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.event_id == sent)
                .values(published_at=now(), attempts=1)
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.event_id == parked)
                .values(parked_at=now(), attempts=3, refusals=3, last_error="RecordTooLargeError")
            )

        shown = await opi(database_url, "show", "--service", "intake")
        assert shown.exit_code == 0, shown.output
        assert [line["event_id"] for line in lines(shown)][:2] == [parked, waiting]
        assert len(lines(shown)) == 3
        (only,) = lines(await opi(database_url, "show", "--service", "intake", "--parked"))
        assert only["event_id"] == parked and (only["attempts"], only["refusals"]) == (3, 3)
        assert only["parked_at"] and only["last_error"] == "RecordTooLargeError"
        assert set(only) == {
            "id", "event_id", "topic", "key", "attempts", "refusals", "parked_at", "last_error"
        }  # fmt: skip

        # a waiting event is not parked: nothing to release for it, and the exit says so
        released = await opi(database_url, "retry", "--service", "intake", parked, waiting)
        assert released.exit_code == 1
        assert "released 1 parked event(s)" in released.stdout
        assert waiting in released.stderr and parked not in released.stderr
        again = await opi(database_url, "retry", "--service", "intake", "--all")
        assert again.exit_code == 0 and "released 0 parked event(s)" in again.stdout
        none = await opi(database_url, "show", "--service", "intake", "--parked")
        assert none.stdout.strip() == "no parked events in the outbox of intake"

        after = {row.event_id: row for row in await rows(sessions)}
        assert after[parked].parked_at is None
        assert (after[parked].attempts, after[parked].refusals) == (0, 0)

        kafka = FakeKafka()
        relay = OutboxRelay(
            sessions, kafka.publisher(), batch_size=10, poll_interval=0.1, max_backoff=0.1
        )
        assert await relay.relay_once() == (3, True)
        assert kafka.delivered[0] == parked  # in its place, before the later events

        async with sessions() as session:
            entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
        assert [e.action for e in entries] == ["outbox.show"] * 2 + ["outbox.retry"] * 2 + [
            "outbox.show"
        ]
        assert all(e.actor.startswith("cli:") and e.case_id is None for e in entries)
        assert entries[2].detail == {"service": "intake", "events": [parked]}


async def test_the_regional_outbox_has_no_audit_trail_and_still_shows(database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade_to_head(engine, REGIONAL_MIGRATIONS)
    await engine.dispose()
    shown = await opi(database_url, "show", "--service", "reporting", "--regional")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.strip() == "no unsent events in the outbox of reporting"


async def test_wrong_uses_are_refused(database_url: str, tmp_path: Path) -> None:
    assert (await opi(database_url, "show", "--service", "payroll")).exit_code == 2
    assert (await opi(database_url, "show", "--service", "intake", "--regional")).exit_code == 2
    assert (await opi(database_url, "retry", "--service", "intake")).exit_code == 2
    missing = f"sqlite+aiosqlite:///{tmp_path / 'nowhere.db'}"
    absent = await opi(missing, "show", "--service", "intake")
    assert absent.exit_code == 2 and not (tmp_path / "nowhere.db").exists()
