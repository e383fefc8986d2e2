"""Property-based tests of notification's firewall decisions (issue 11).

For arbitrary interleavings, duplicates and delays of child-registered, screening-completed
(with and without flags), protection-referral-made/updated, supervisors' clearing decisions
and dead letters, with delivery rounds in between (and events arriving while a notice is
being sent), notification's real handlers and delivery worker run on SQLite, and after every
step:

- a consular notice is planned (``pending``) or handed to the channel only while the rule of
  ``shared.contracts.protection_need``, computed here independently from the events applied,
  says no need is open;
- every notice the channel delivered is recorded as ``delivered``;
- a need that is open at any point after the consulate was told has raised the
  flag-after-notice alert.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notification import cases
from services.notification.channels import Destination
from services.notification.delivery import DeliveryWorker, Policy
from services.notification.models import Alert, Base, Notice, Recipient
from services.notification.notices import AUTHORITIES, CONSULATES, DEFAULT, SUPERVISORS
from shared.contracts.catalogue import (
    CHILD_REGISTERED_V1,
    PROTECTION_NEED_CLEARED_V1,
    PROTECTION_REFERRAL_MADE_V1,
    PROTECTION_REFERRAL_UPDATED_V1,
    SCREENING_COMPLETED_V1,
    EventContract,
)
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.notification import AlertKind
from shared.contracts.protection_need import (
    PENDING_REFERRAL_STATUSES,
    ProtectionNeedClearedV1,
    ProtectionNeedKind,
)
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from shared.platform import unresolved
from shared.platform.db import create_engine, session_factory
from shared.platform.inbox import handle_once
from tests.referral_fixtures import child_registered, screening_completed

COUNTRY = "MX"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NEED_OPENING = {
    SCREENING_COMPLETED_V1.topic,
    PROTECTION_REFERRAL_MADE_V1.topic,
    PROTECTION_REFERRAL_UPDATED_V1.topic,
}
HANDLERS: dict[str, tuple[EventContract, Callable[..., Awaitable[None]]]] = {
    CHILD_REGISTERED_V1.type: (CHILD_REGISTERED_V1, cases.on_child_registered),
    SCREENING_COMPLETED_V1.type: (SCREENING_COMPLETED_V1, cases.on_screening_completed),
    PROTECTION_REFERRAL_MADE_V1.type: (PROTECTION_REFERRAL_MADE_V1, cases.on_protection_referral),
    PROTECTION_REFERRAL_UPDATED_V1.type: (
        PROTECTION_REFERRAL_UPDATED_V1,
        cases.on_protection_referral_updated,
    ),
    PROTECTION_NEED_CLEARED_V1.type: (PROTECTION_NEED_CLEARED_V1, cases.on_protection_need_cleared),
}


# --- the events of one Guatemalan child in Mexico ---------------------------------------


@dataclass(frozen=True)
class Screening:
    sequence: int
    protection: bool
    trafficking: bool


@dataclass(frozen=True)
class Story:
    screenings: tuple[Screening, ...]
    referral_statuses: tuple[str, ...]  # the first is the referral being made (sent)
    clearances: tuple[tuple[frozenset[ProtectionNeedKind], int], ...]


@st.composite
def stories(draw: st.DrawFn) -> Story:
    count = draw(st.integers(1, 3))
    screenings = tuple(
        Screening(n, draw(st.booleans()), draw(st.booleans())) for n in range(1, count + 1)
    )
    updates = draw(
        st.lists(st.sampled_from(["acknowledged", "declined", "concluded", "sent"]), max_size=2)
    )
    referral = ("sent", *updates) if draw(st.booleans()) else ()
    kinds = st.frozensets(st.sampled_from(list(ProtectionNeedKind)), min_size=1)
    clearances = tuple(
        (draw(kinds), draw(st.integers(1, count))) for _ in range(draw(st.integers(0, 2)))
    )
    return Story(screenings, referral, clearances)


def events_of(story: Story, case_id: UUID) -> list[OutgoingEvent]:
    events = [child_registered(case_id, registered_at=T0)]
    events += [
        screening_completed(
            case_id, sequence=s.sequence, fear_of_return=s.protection, trafficking=s.trafficking
        )
        for s in story.screenings
    ]
    referral_id = uuid4()
    for index, status in enumerate(story.referral_statuses):
        at = T0 + timedelta(minutes=index)  # the referral's own clock orders its statuses
        if index == 0:
            payload: Any = ProtectionReferralMadeV1(
                referral_id=referral_id,
                case_id=case_id,
                country=COUNTRY,
                kind="refugee_commission",
                authority="COMAR",
                authority_name="Comisión Mexicana de Ayuda a Refugiados",
                status=status,
                screening_id=uuid4(),
                made_at=at,
            )
            contract = PROTECTION_REFERRAL_MADE_V1
        else:
            payload = ProtectionReferralUpdatedV1(
                referral_id=referral_id,
                case_id=case_id,
                country=COUNTRY,
                kind="refugee_commission",
                authority="COMAR",
                status=status,
                updated_at=at,
            )
            contract = PROTECTION_REFERRAL_UPDATED_V1
        events.append(
            render(contract, payload, source="/opi/mx/referral", subject=str(case_id), time=at)
        )
    for kinds, through in story.clearances:
        decision = ProtectionNeedClearedV1(
            clearance_id=uuid4(),
            case_id=case_id,
            country=COUNTRY,
            cleared=sorted(kinds),
            through_sequence=through,
            decided_at=T0,
        )
        events.append(
            render(
                PROTECTION_NEED_CLEARED_V1,
                decision,
                source="/opi/mx/intake",
                subject=str(case_id),
                time=T0,
            )
        )
    return events


# --- the rule, computed independently from what was applied ------------------------------


@dataclass
class Oracle:
    """The open-need rule from the events notification applied and the dead letters."""

    applied: list[OutgoingEvent] = field(default_factory=list)
    dead: set[str] = field(default_factory=set)  # event ids dead-lettered, not yet applied

    def need_open(self) -> bool:
        raised = dict.fromkeys(ProtectionNeedKind, 0)
        cleared = dict.fromkeys(ProtectionNeedKind, 0)
        sequences: set[int] = set()
        latest_seen = 0
        referral: tuple[datetime, str] | None = None
        for event in self.applied:
            kind = event.headers["ce_type"]
            body = event.body
            if kind == SCREENING_COMPLETED_V1.type:
                screening = SCREENING_COMPLETED_V1.payload.model_validate_json(body)
                sequences.add(screening.sequence)
                latest_seen = max(latest_seen, screening.sequence)
                if screening.international_protection_need:
                    key = ProtectionNeedKind.INTERNATIONAL_PROTECTION
                    raised[key] = max(raised[key], screening.sequence)
                if screening.trafficking_suspected:
                    key = ProtectionNeedKind.TRAFFICKING
                    raised[key] = max(raised[key], screening.sequence)
            elif kind == PROTECTION_NEED_CLEARED_V1.type:
                decision = ProtectionNeedClearedV1.model_validate_json(body)
                latest_seen = max(latest_seen, decision.through_sequence)
                for key in decision.cleared:
                    cleared[key] = max(cleared[key], decision.through_sequence)
            elif kind == PROTECTION_REFERRAL_MADE_V1.type:
                made = ProtectionReferralMadeV1.model_validate_json(body)
                if referral is None or made.made_at > referral[0]:
                    referral = (made.made_at, made.status.value)
            elif kind == PROTECTION_REFERRAL_UPDATED_V1.type:
                updated = ProtectionReferralUpdatedV1.model_validate_json(body)
                if referral is None or updated.updated_at > referral[0]:
                    referral = (updated.updated_at, updated.status.value)
        flags = any(raised[key] > cleared[key] for key in ProtectionNeedKind)
        pending = referral is not None and referral[1] in PENDING_REFERRAL_STATUSES
        missing = latest_seen > len(sequences)
        return flags or pending or missing or bool(self.dead)


# --- the run --------------------------------------------------------------------------


class Channel:
    """Records every send; may apply events while a send is on its way (the race)."""

    def __init__(self, oracle: Oracle) -> None:
        self.oracle = oracle
        self.sent: list[str] = []
        self.open_when_sent: list[bool] = []
        self.during_send: Callable[[], Awaitable[None]] | None = None

    async def deliver(self, destination: Destination, notice_id: str, message: dict) -> str:
        if destination.name.startswith(CONSULATES):
            self.open_when_sent.append(self.oracle.need_open())
            self.sent.append(notice_id)
        if self.during_send is not None:
            action, self.during_send = self.during_send, None
            await action()
        return "200"


@dataclass
class Run:
    sessions: async_sessionmaker[AsyncSession]
    oracle: Oracle
    channel: Channel
    worker: DeliveryWorker
    events: list[OutgoingEvent]
    clock: list[datetime]
    told: bool = False  # the consulate has a notice
    open_after_told: bool = False
    planned: set[str] = field(default_factory=set)

    def now(self) -> datetime:
        return self.clock[0]

    async def apply(self, event: OutgoingEvent) -> None:
        contract, handler = HANDLERS[event.headers["ce_type"]]
        payload = contract.payload.model_validate_json(event.body)

        async def effects(session: AsyncSession) -> None:
            await handler(session, payload, country=COUNTRY, now=self.now())

        if await handle_once(
            self.sessions,
            consumer="notification",
            headers=dict(event.headers),
            contract=contract,
            apply=effects,
            keeps_unresolved=True,
        ):
            self.oracle.applied.append(event)
        self.oracle.dead.discard(event.id)

    async def dead_letter(self, event: OutgoingEvent, offset: int) -> None:
        if event.topic not in NEED_OPENING or event in self.oracle.applied:
            return  # only a message not applied yet goes to the dead-letter topic
        record = unresolved.recorder(self.sessions, NEED_OPENING, self.now)
        await record(
            unresolved.DeadLetteredRecord(
                topic=event.topic,
                partition=0,
                offset=offset,
                key=event.key.encode() if event.key else None,
                body=event.body,
                headers=dict(event.headers),
                reason="ValidationError: simulated",
            )
        )
        self.oracle.dead.add(event.id)

    async def deliver(self, racing: OutgoingEvent | None) -> None:
        if racing is not None:
            self.channel.during_send = lambda: self.apply(racing)
        await self.worker.deliver_due()
        self.channel.during_send = None
        self.told = self.told or bool(self.channel.sent)

    async def check(self) -> None:
        open_now = self.oracle.need_open()
        self.open_after_told = self.open_after_told or (self.told and open_now)
        async with self.sessions() as session:
            notices = list(
                await session.scalars(select(Notice).where(Notice.purpose == "consular"))
            )
            alerts = list(
                await session.scalars(
                    select(Alert.kind).where(
                        Alert.kind == AlertKind.FLAG_AFTER_CONSULAR_NOTICE.value
                    )
                )
            )
        by_id = {str(n.id): n for n in notices}
        new = [n for n in notices if str(n.id) not in self.planned]
        self.planned |= {str(n.id) for n in new}
        if open_now:
            assert [n for n in new if n.status == "pending"] == [], "planned while open"
        assert not any(self.channel.open_when_sent), "sent to a consulate while a need was open"
        for notice_id in self.channel.sent:
            assert by_id[notice_id].status == "delivered", by_id[notice_id].status
        if self.open_after_told:
            assert alerts, "a need opened after the consulate was told, and no alert"


async def play(story: Story, steps: list[tuple[str, int]]) -> list[str]:
    """Runs the steps, checking after each; returns the ids of the notices sent."""
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(directory) / 'n.db'}")
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        sessions = session_factory(engine)
        async with sessions() as session, session.begin():
            for kind, key in ((CONSULATES, "GT"), (AUTHORITIES, DEFAULT), (SUPERVISORS, DEFAULT)):
                session.add(
                    Recipient(
                        kind=kind,
                        key=key,
                        name=f"{kind} {key}",
                        channel="webhook",
                        address=f"https://{kind}.example.org/opi",
                        secret="s",
                        contact=None,
                        updated_at=T0,
                    )
                )
        oracle = Oracle()
        channel = Channel(oracle)
        clock = [T0]
        worker = DeliveryWorker(
            sessions,
            channel,  # type: ignore[arg-type]
            policy=Policy(max_attempts=5, base_delay=0.0, max_delay=0.0, lease=30.0),
            country=COUNTRY,
            clock=lambda: clock[0],
            poll_interval=1.0,
            on_change=lambda: None,
        )
        run = Run(sessions, oracle, channel, worker, events_of(story, uuid4()), clock)
        try:
            for offset, (action, index) in enumerate(steps):
                clock[0] += timedelta(seconds=1)
                event = run.events[index % len(run.events)]
                if action == "event":
                    await run.apply(event)
                elif action == "dead":
                    await run.dead_letter(event, offset)
                elif action == "deliver":
                    await run.deliver(None)
                else:
                    await run.deliver(event)
                await run.check()
            # everything arrives in the end, then the worker runs: still nothing unsafe
            for event in run.events:
                await run.apply(event)
                await run.check()
            await run.deliver(None)
            await run.check()
            return run.channel.sent
        finally:
            await engine.dispose()


steps_strategy = st.lists(
    st.tuples(st.sampled_from(["event", "event", "dead", "deliver", "race"]), st.integers(0, 20)),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(story=stories(), steps=steps_strategy)
def test_no_consular_notice_while_a_need_is_open_and_every_delivery_recorded(
    story: Story, steps: list[tuple[str, int]]
) -> None:
    asyncio.run(play(story, steps))


def test_a_consular_notice_goes_when_no_need_is_open() -> None:
    """The properties above hold vacuously if nothing is ever sent: a clean child is told."""
    story = Story((Screening(1, False, False),), (), ())

    sent = asyncio.run(play(story, [("event", 0), ("event", 1), ("deliver", 0)]))
    assert len(sent) == 1
