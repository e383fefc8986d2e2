"""The outbox relay's bookkeeping on a real SQLite file: order, partial failure, retry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from services.intake import models
from shared.contracts.catalogue import SHELTER_ASSIGNED_V1
from shared.contracts.envelope import render
from shared.contracts.shelter_assigned import ShelterAssignedV1
from shared.platform.db import create_engine, session_factory
from shared.platform.migrations import upgrade_to_head
from shared.platform.outbox import OutboxMessage, enqueue
from shared.platform.outbox_relay import OutboxRelay

MIGRATIONS = Path(models.__file__).parent / "migrations"


def _event(n: int):
    payload = ShelterAssignedV1(
        case_id=f"6f1c0c8e-8d5e-4d8a-9a53-3c7a2f0e0b{n:02d}",
        placement_id="0b7d1f4a-5a3e-4d63-9d0a-6f1f6a0c9e01",
        country="MX",
        shelter_id="9a1d5c2e-3b4f-4e6a-8c7d-1e2f3a4b5c6d",
        shelter_name=f"Shelter {n}",
        authority="DIF",
        admin1="MX-CHP",
        reason="nearest",
        assigned_at=datetime.now(UTC),
    )
    return render(
        SHELTER_ASSIGNED_V1,
        payload,
        source="/opi/mx/referral",
        subject=str(payload.case_id),
        time=datetime.now(UTC),
    )


async def test_relay_publishes_in_order_and_retries_what_failed(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}")
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        for n in range(5):
            enqueue(session, _event(n))

    seen: list[list[str]] = []
    broken = {"Shelter 2"}

    async def publish(batch: Sequence[OutboxMessage]) -> list[BaseException | None]:
        seen.append([m.event_id for m in batch])
        outcomes: list[BaseException | None] = []
        for message in batch:
            failing = any(name.encode() in message.body for name in broken) or (
                outcomes and outcomes[-1] is not None
            )
            outcomes.append(ConnectionError("broker away") if failing else None)
        return outcomes

    relay = OutboxRelay(sessions, publish, batch_size=10, poll_interval=0.1, max_backoff=0.1)
    assert await relay.relay_once() == (2, False)
    broken.clear()
    assert await relay.relay_once() == (3, True)
    assert await relay.relay_once() == (0, True)

    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert seen[1] == [row.event_id for row in rows[2:]]  # the retry starts where it failed
    assert [row.attempts for row in rows] == [1, 1, 2, 2, 2]
    assert all(row.published_at is not None and row.last_error is None for row in rows)
    await engine.dispose()
