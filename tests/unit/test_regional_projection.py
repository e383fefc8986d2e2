"""The regional projection merges a case's events the same way whatever their order."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.reporting.regional import projection
from services.reporting.regional.models import RegionalCase, RegionalCaseEvent
from services.reporting.regional.projection import summarise
from shared.contracts.regional import CaseEventRecordV1
from tests.regional_fixtures import dataset, key_of, record, seeded_sessions

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _event(event_type: str, day: int, second: int = 0, **fields) -> RegionalCaseEvent:
    return RegionalCaseEvent(
        country="MX",
        case_key=key_of("MX", 1),
        event_type=event_type,
        event_date=date(2026, 10, day),
        outcome=fields.pop("outcome", ""),
        event_time=T0 + timedelta(seconds=second),
        event_id=f"e{day}-{second}",
        **{name: fields.get(name) for name in projection.LATEST_WINS},
    )


def test_summary_is_the_same_for_every_order() -> None:
    events = [
        _event("registered", 1, nationality="GT"),
        _event("screened", 2, sex="female", international_protection_need=True),
        _event("screened", 3, international_protection_need=False, trafficking_suspected=True),
        _event("placed", 4),
        _event("placed", 6),
        _event("released", 8, outcome="returned"),
        _event("released", 9, outcome="reunified"),
    ]
    summaries = [summarise(order) for order in itertools.permutations(events)]
    assert all(summary == summaries[0] for summary in summaries)
    assert summaries[0] == {
        "nationality": "GT",
        "sex": "female",
        "age_group": None,
        "accompaniment": None,
        "admin1": None,
        "international_protection_need": False,  # the later screening wins
        "trafficking_suspected": True,
        "registered_on": date(2026, 10, 1),
        "screened_on": date(2026, 10, 2),
        "consular_notified_on": None,
        "placed_on": date(2026, 10, 4),
        "referred_on": None,
        "released_on": date(2026, 10, 9),
        "outcome": "reunified",
    }


def test_flags_of_one_day_are_ordered_by_cloudevent_time() -> None:
    earlier = _event("screened", 2, second=1, trafficking_suspected=False)
    later = _event("screened", 2, second=5, trafficking_suspected=True)
    assert summarise([later, earlier])["trafficking_suspected"] is True
    assert summarise([earlier, later])["trafficking_suspected"] is True


async def _cases(sessions) -> list[tuple]:
    async with sessions() as session:
        rows = await session.scalars(select(RegionalCase).order_by(RegionalCase.case_key))
        return [tuple(getattr(c, col.key) for col in RegionalCase.__table__.c) for c in rows]


async def test_shuffled_records_give_the_same_projection(tmp_path) -> None:
    records = dataset()
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    engine_a, in_order = await seeded_sessions(f"sqlite+aiosqlite:///{tmp_path}/a.db", records)
    engine_b, mixed = await seeded_sessions(f"sqlite+aiosqlite:///{tmp_path}/b.db", shuffled)
    try:
        assert await _cases(in_order) == await _cases(mixed)
        assert len(await _cases(in_order)) == 38
        async with in_order() as session:
            assert await projection.current_version(session) == len(records)
    finally:
        await engine_a.dispose()
        await engine_b.dispose()


async def test_a_republished_event_counts_once_and_its_latest_version_wins(tmp_path) -> None:
    screened = record("GT", 1, "screened", date(2026, 10, 6), trafficking_suspected=False)
    engine, sessions = await seeded_sessions(f"sqlite+aiosqlite:///{tmp_path}/r.db", [screened])
    try:
        corrected = CaseEventRecordV1.model_validate({**screened, "trafficking_suspected": True})
        stale = CaseEventRecordV1.model_validate(screened)
        async with sessions() as session, session.begin():
            later = T0 + timedelta(days=30)
            assert await projection.apply_record(session, corrected, event_time=later, event_id="x")
            assert not await projection.apply_record(session, stale, event_time=T0, event_id="y")
        async with sessions() as session:
            events = (await session.scalars(select(RegionalCaseEvent))).all()
            case = await session.get(RegionalCase, ("GT", key_of("GT", 1)))
            assert len(events) == 1 and case.trafficking_suspected is True
            assert await projection.current_version(session) == 2
    finally:
        await engine.dispose()
