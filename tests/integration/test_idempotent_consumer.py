"""Idempotent consumers on SQLite and PostgreSQL: an event's effects and its record are one
transaction, so a redelivered event is skipped and a failed one leaves no trace."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from services.intake import models
from shared.contracts.catalogue import SHELTER_ASSIGNED_V1
from shared.platform.db import create_engine, session_factory
from shared.platform.dead_letter import PoisonMessage
from shared.platform.inbox import ProcessedEvent, handle_once
from shared.platform.migrations import upgrade_to_head
from tests.intake_fixtures import shelter_assigned

MIGRATIONS = Path(models.__file__).parent / "migrations"


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    await upgrade_to_head(engine, MIGRATIONS)
    yield session_factory(engine)
    await engine.dispose()


def _headers() -> dict[str, str]:
    return shelter_assigned(str(uuid4()), "Casa Hogar").headers


async def test_a_redelivered_event_is_applied_once(sessions) -> None:
    headers = _headers()
    applied: list[int] = []

    async def apply(session) -> None:
        applied.append(1)

    outcomes = [
        await handle_once(
            sessions, consumer="intake", headers=headers, contract=SHELTER_ASSIGNED_V1, apply=apply
        )
        for _ in range(3)
    ]
    assert outcomes == [True, False, False] and applied == [1]
    other_consumer = await handle_once(
        sessions, consumer="reporting", headers=headers, contract=SHELTER_ASSIGNED_V1, apply=apply
    )
    assert other_consumer is True and applied == [1, 1]


async def test_failed_effects_roll_back_the_record_so_a_retry_applies_them(sessions) -> None:
    headers = _headers()

    async def fail(session) -> None:
        raise RuntimeError("database hiccup")

    async def succeed(session) -> None:
        pass

    with pytest.raises(RuntimeError):
        await handle_once(
            sessions, consumer="intake", headers=headers, contract=SHELTER_ASSIGNED_V1, apply=fail
        )
    assert await handle_once(
        sessions, consumer="intake", headers=headers, contract=SHELTER_ASSIGNED_V1, apply=succeed
    )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


async def test_an_event_of_another_type_is_poison(sessions) -> None:
    headers = {**_headers(), "ce_type": "org.rcm.opi.child-registered.v1"}

    async def apply(session) -> None:
        raise AssertionError("must not run")

    with pytest.raises(PoisonMessage, match="expected CloudEvent type"):
        await handle_once(
            sessions, consumer="intake", headers=headers, contract=SHELTER_ASSIGNED_V1, apply=apply
        )
