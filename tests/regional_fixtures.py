"""Anonymised case events from two countries, with known totals, for the tests of regional
reporting; and a way to seed a regional projection without Kafka.

Mexico registers 25 children in October 2026 (15 Guatemalan, 10 Honduran; 13 girls, 12
boys), 12 of them with an international-protection need; 11 others get a consular
notification 0-3 days after registration; 10 are released, reunified. Every fifth
registration record carries no attributes: they arrive with the screening instead.
Guatemala registers 13 Salvadoran boys (10 in October, 3 in November), 4 with an
international-protection need; 2 are released, returned.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from services.reporting.regional import projection
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.regional import CaseEventRecordV1
from shared.contracts.regional_catalogue import CASE_EVENT_V1
from shared.platform.db import create_engine, session_factory
from shared.platform.migrations import upgrade_to_head

MIGRATIONS = Path(__file__).parents[1] / "services/reporting/regional/migrations"
SENT_AT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def key_of(country: str, number: int) -> str:
    return hashlib.sha256(f"{country}-{number}".encode()).hexdigest()


def record(country: str, number: int, event_type: str, day: date, **fields: Any) -> dict:
    return {
        "case_key": key_of(country, number),
        "country": country,
        "event_type": event_type,
        "event_date": day.isoformat(),
        **fields,
    }


def _mexico(i: int) -> list[dict]:
    day = date(2026, 10, 1 + i)
    person = {
        "nationality": "GT" if i < 15 else "HN",
        "sex": "female" if i % 2 == 0 else "male",
        "age_group": "12-17",
        "accompaniment": "unaccompanied",
        "admin1": "MX-CHP",
    }
    flags = {"international_protection_need": i < 12, "trafficking_suspected": False}
    carried = person if i % 5 == 0 else {}  # the screening carries them
    records = [
        record("MX", i, "registered", day, **({} if i % 5 == 0 else person)),
        record("MX", i, "screened", day + timedelta(days=1), **carried, **flags),
    ]
    if 12 <= i < 23:
        notified = day + timedelta(days=(i - 12) % 4)
        records.append(record("MX", i, "consular_notified", notified))
    if i < 10:
        records.append(record("MX", i, "released", day + timedelta(days=9), outcome="reunified"))
    return records


def _guatemala(i: int) -> list[dict]:
    day = date(2026, 10, 5 + i) if i < 10 else date(2026, 11, i - 8)
    person = {"nationality": "SV", "sex": "male", "age_group": "0-11"}
    flags = {"international_protection_need": i < 4}
    records = [
        record("GT", i, "registered", day, accompaniment="separated", **person),
        record("GT", i, "screened", day, **flags),
    ]
    if i < 2:
        records.append(record("GT", i, "released", day + timedelta(days=3), outcome="returned"))
    return records


def dataset() -> list[dict]:
    return [r for i in range(25) for r in _mexico(i)] + [
        r for i in range(13) for r in _guatemala(i)
    ]


def rendered(fields: dict, *, sent_at: datetime = SENT_AT) -> OutgoingEvent:
    """A record as the country's reporting service publishes it on the regional Kafka."""
    payload = CaseEventRecordV1.model_validate(fields)
    source = f"/opi/{payload.country.lower()}/reporting"
    return render(CASE_EVENT_V1, payload, source=source, subject=payload.case_key, time=sent_at)


async def seeded_sessions(url: str, records: list[dict]):
    """A migrated regional database holding ``records``; returns (engine, sessions)."""
    engine = create_engine(url)
    await upgrade_to_head(engine, MIGRATIONS)
    sessions = session_factory(engine)
    for number, fields in enumerate(records):
        async with sessions() as session, session.begin():
            await projection.apply_record(
                session,
                CaseEventRecordV1.model_validate(fields),
                event_time=SENT_AT + timedelta(seconds=number),
                event_id=f"event-{number}",
            )
    return engine, sessions
