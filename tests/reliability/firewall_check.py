"""The firewall under faults: no consulate receives a child's notice after notification
applied an event that opened a protection need for that child (a send already on its way
then is allowed, and must be followed by the flag-after-notice alert). Also measured: how
long after intake committed such a screening notification had applied it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from statistics import quantiles
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.reliability.invariants import Check
from tests.reliability.receivers import Consulates

IN_FLIGHT = timedelta(seconds=1)  # from the firewall's last check to the request's arrival


async def _rows(engine: AsyncEngine, query: str) -> list[tuple]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(query))).all()]


async def _need_opened(engines: dict[str, AsyncEngine]) -> dict[UUID, tuple[datetime, datetime]]:
    """Case -> (intake committed, notification applied) of its first need-opening screening."""
    applied = {
        event_id: _utc(at)
        for event_id, at in await _rows(
            engines["notification"], "SELECT event_id, processed_at FROM processed_events"
        )
    }
    opened: dict[UUID, tuple[datetime, datetime]] = {}
    for event_id, key, body, created_at in await _rows(
        engines["intake"],
        "SELECT event_id, key, body, created_at FROM outbox_messages"
        " WHERE topic = 'screening-completed' ORDER BY created_at",
    ):
        payload = json.loads(bytes(body))
        if not (payload["international_protection_need"] or payload["trafficking_suspected"]):
            continue
        case_id = UUID(key)
        if case_id not in opened and event_id in applied:
            opened[case_id] = (_utc(created_at), applied[event_id])
    return opened


async def consulates_never_told_of_an_open_need(
    engines: dict[str, AsyncEngine], consulates: Consulates
) -> Check:
    opened = await _need_opened(engines)
    consular = {
        str(notice_id): UUID(str(case_id))
        for notice_id, case_id in await _rows(
            engines["notification"], "SELECT id, case_id FROM notices WHERE purpose = 'consular'"
        )
    }
    alerted = {
        UUID(str(case_id))
        for (case_id,) in await _rows(
            engines["notification"],
            "SELECT case_id FROM alerts WHERE kind = 'flag_after_consular_notice'",
        )
    }
    broken = []
    for receipt in consulates.receipts:
        case_id = consular.get(receipt.notice_id)
        if case_id is None or case_id not in opened:
            continue
        _, applied_at = opened[case_id]
        if receipt.arrived > applied_at + IN_FLIGHT:
            broken.append(
                f"case {case_id}: consulate reached {receipt.arrived - applied_at} "
                "after notification applied an open need"
            )
        elif case_id not in alerted:
            broken.append(f"case {case_id}: told before the need opened, and no alert")
    windows = sorted(
        (applied - committed).total_seconds() for committed, applied in opened.values()
    )
    return Check(
        "no consulate told of a child after a need opened (no firewall violation)",
        len(consulates.receipts),
        broken,
        _window(windows),
    )


def _utc(at: datetime) -> datetime:
    # a raw query hands back what the column holds: naive UTC on some backends
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _window(seconds: list[float]) -> str:
    if len(seconds) < 2:
        return f"{len(seconds)} need(s) opened"
    cuts = quantiles(seconds, n=100)
    return (
        f"{len(seconds)} needs opened; intake commit -> notification applied: "
        f"p50 {cuts[49]:.2f} s, p99 {cuts[98]:.2f} s"
    )
