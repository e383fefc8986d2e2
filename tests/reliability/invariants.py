"""What the platform promises, checked after the run from the databases, the topics and the
receivers' own logs against the workload's ground truth. Each check returns a row of the
report; a broken promise names the cases and events involved."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.reporting.pseudonym import case_key
from tests.reliability.drain import topic_sizes
from tests.reliability.faults import FaultLog
from tests.reliability.receivers import Consulates, Inbox
from tests.reliability.stack import PSEUDONYM_SECRET, Stack
from tests.reliability.workload import GroundTruth


@dataclass(frozen=True)
class Check:
    promise: str
    checked: int
    broken: list[str]
    note: str = ""

    @property
    def held(self) -> bool:
        return not self.broken


async def _rows(engine: AsyncEngine, query: str, **params: object) -> list[tuple]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(query), params)).all()]


async def registrations_kept(
    truth: GroundTruth, engines: dict[str, AsyncEngine], national_total: int
) -> Check:
    accepted = set(truth.registered)
    intake = {UUID(str(r[0])) for r in await _rows(engines["intake"], "SELECT id FROM cases")}
    national = {
        UUID(str(r[0])) for r in await _rows(engines["reporting"], "SELECT case_id FROM case_facts")
    }
    secret = PSEUDONYM_SECRET.encode()
    regional = defaultdict(int)
    for (key,) in await _rows(
        engines["regional"],
        "SELECT case_key FROM regional_case_events WHERE event_type = 'registered'",
    ):
        regional[key] += 1
    broken = [f"case {c}: accepted (201) but not in intake" for c in accepted - intake]
    broken += [f"case {c}: not in national statistics" for c in intake - national]
    for case_id in intake:
        times = regional.get(case_key(case_id, secret), 0)
        if times != 1:
            broken.append(f"case {case_id}: counted {times} time(s) in the regional figures")
    if national_total != len(intake):
        broken.append(
            f"national statistics count {national_total} registrations, not {len(intake)}"
        )
    return Check(
        "every accepted registration kept, counted once nationally and regionally",
        len(accepted),
        broken,
    )


async def events_delivered(
    stack: Stack, engines: dict[str, AsyncEngine], expected_dead: str
) -> Check:
    """No outbox row left or parked; every event relayed is in the inbox of every service
    that consumes its type; no dead letters (the workload sends nothing malformed)."""
    broken: list[str] = []
    consumed: dict[str, dict[str, set[str]]] = {}  # service -> event type -> ids
    for name, engine in engines.items():
        for event_type, event_id in await _rows(
            engine, "SELECT event_type, event_id FROM processed_events"
        ):
            consumed.setdefault(name, {}).setdefault(event_type, set()).add(event_id)
    checked = 0
    for name, engine in engines.items():
        for event_id, headers, published in await _rows(
            engine, "SELECT event_id, headers, published_at FROM outbox_messages"
        ):
            checked += 1
            event_type = _header(headers, "ce_type")
            if published is None:
                broken.append(f"{name}: {event_type} {event_id} never sent (parked or waiting)")
                continue
            for consumer, by_type in consumed.items():
                if event_type in by_type and event_id not in by_type[event_type]:
                    broken.append(f"{consumer} never applied {event_type} {event_id} of {name}")
    dead = await topic_sizes(stack.kafka.bootstrap_servers, lambda t: t.endswith(".dlq"))
    broken += [
        f"{topic} holds {n} dead letter(s)"
        for topic, n in dead.items()
        if n and topic != expected_dead  # that one holds what the workload broke on purpose
    ]
    return Check(
        "every event relayed, consumed by every subscriber, no other dead letters", checked, broken
    )


async def notices_settled(
    engines: dict[str, AsyncEngine], consulates: Consulates, inbox: Inbox, faults: FaultLog
) -> Check:
    notices = await _rows(
        engines["notification"], "SELECT id, case_id, channel, status FROM notices"
    )
    alerts = {
        UUID(str(r[0]))
        for r in await _rows(
            engines["notification"], "SELECT case_id FROM alerts WHERE kind = 'delivery_failed'"
        )
    }
    received = {**inbox.received, **consulates.accepted()}
    late = consulates.answered_late()
    broken = [] if consulates.keys_match() else ["a webhook came without its Idempotency-Key"]
    for notice_id, case_id, channel, status in notices:
        times = received.get(str(notice_id), [])
        if status in ("pending", "sending"):
            broken.append(f"notice {notice_id} ({channel}) still {status}")
        elif status == "failed" and UUID(str(case_id)) not in alerts:
            broken.append(f"notice {notice_id} failed without a delivery_failed alert")
        elif status == "delivered" and not times:
            broken.append(f"notice {notice_id} marked delivered, never received")
        if len(times) > 1 and not (_answer_lost(times, faults) or str(notice_id) in late):
            broken.append(
                f"notice {notice_id} ({channel}) received {len(times)} times, and no crash, "
                "database outage or late answer came between"
            )
    repeated = sum(len(times) > 1 for times in received.values())
    return Check(
        "every notice delivered once per id (a repeat only where its answer was lost), "
        "or failed with an alert",
        len(notices),
        broken,
        f"{repeated} received twice or more, each with the same id",
    )


def _answer_lost(times: list[float], faults: FaultLog) -> bool:
    """A repeat is the at-least-once price of a send whose outcome could not be recorded:
    the sender crashed after the send, or its database was away when it came to write the
    outcome (a late answer is told apart by the receiver). The repeat carries the same
    notice id (Message-ID, Idempotency-Key), so the recipient keeps one."""
    first, last = min(times), max(times)
    crashed = any(first <= kill <= last for kill in faults.notification_kills)
    database_away = any(start <= last and end >= first for start, end in faults.database_outages)
    return crashed or database_away


async def shelters_within_capacity(engines: dict[str, AsyncEngine]) -> Check:
    capacity = dict(await _rows(engines["referral"], "SELECT id, capacity FROM shelters"))
    moves: dict[object, list[tuple[object, int]]] = defaultdict(list)
    placements = await _rows(
        engines["referral"], "SELECT shelter_id, placed_at, released_at FROM placements"
    )
    for shelter, placed_at, released_at in placements:
        moves[shelter].append((placed_at, 1))
        if released_at is not None:
            moves[shelter].append((released_at, -1))
    broken = []
    for shelter, events in moves.items():
        held = peak = 0
        for _at, change in sorted(events, key=lambda e: (e[0], e[1])):  # leave before enter
            held += change
            peak = max(peak, held)
        if peak > capacity[shelter]:
            broken.append(f"shelter {shelter} held {peak} children, capacity {capacity[shelter]}")
    return Check("no shelter ever held more children than its capacity", len(placements), broken)


def _header(headers: object, name: str) -> str:
    if isinstance(headers, str):  # JSON columns come back as text through a raw query
        headers = json.loads(headers)
    assert isinstance(headers, dict)
    return str(headers.get(name, ""))
