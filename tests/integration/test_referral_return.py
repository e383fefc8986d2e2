"""Assisted return on the real broker, on SQLite and PostgreSQL: a supervisor schedules it, an
officer records the handover at the border and the child's place is freed; never while a
protection need is open, however it opened (non-refoulement), even when the need opens after
the return was scheduled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select

from services.referral.main import create_app as create_referral
from services.referral.models import AuditEntry, ReferralCase
from shared.contracts.envelope import OutgoingEvent
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, headers_of, produce_events
from tests.referral_fixtures import child_registered, need_cleared, screening_completed, shelter


@dataclass
class Referral:
    service: RunningService
    bootstrap: str
    supervisor: str
    officer: str
    coordinator: str


@pytest.fixture
async def referral(own_kafka, database_url, make_settings, token_for) -> AsyncIterator[Referral]:
    settings = make_settings(
        database_url=database_url, kafka_bootstrap_servers=own_kafka.bootstrap_servers
    )
    async with RunningService(create_referral(settings)) as service:
        yield Referral(
            service,
            own_kafka.bootstrap_servers,
            supervisor=token_for(settings, "supervisor", subject="sup-1"),
            officer=token_for(settings, "opi-officer", subject="escort-1"),
            coordinator=token_for(settings, "shelter-coordinator", subject="coord-1"),
        )


def _body(**changes: Any) -> dict[str, Any]:
    return {
        "scheduled_for": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "handover_place": "Puente Rodolfo Robles, Ciudad Hidalgo",
        "escorting_officer": "Oficial Pérez",
        **changes,
    }


HANDOVER = {"handed_over_at": datetime.now(UTC).isoformat(), "received_by": "Lic. López, SBS"}


async def _until(check: Callable[[], Awaitable[Any]], within: float = 20.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            assert result, "timed out"
            return result
        await asyncio.sleep(0.1)


async def _feed(ref: Referral, case_id: UUID, *events: OutgoingEvent, sequence: int = 0) -> None:
    """Publish intake's events and wait until referral has read the screening ``sequence``."""
    if events:
        await produce_events(ref.bootstrap, events)

    async def read() -> bool:
        async with ref.service.app.state.sessions() as session:
            case = await session.get(ReferralCase, case_id)
            return case is not None and case.screening_sequence >= sequence

    await _until(read)


async def _events_for(bootstrap: str, topic: str, case_id: UUID, count: int) -> list[dict]:
    key = str(case_id).encode()
    async with TopicReader(bootstrap, topic, wait_for_topic=20) as reader:
        records = await reader.read_until(lambda rs: sum(r.key == key for r in rs) >= count)
    return [
        {**json.loads(r.value), "_type": headers_of(r)["ce_type"]} for r in records if r.key == key
    ]


async def _clear(ref: Referral, case_id: UUID, kind: str, through: int) -> None:
    """Publish a supervisor's decision clearing the flag; wait until referral applied it."""
    await produce_events(ref.bootstrap, [need_cleared(case_id, kind, through=through)])
    column = (
        "international_protection_need"
        if kind == "international_protection"
        else ("trafficking_suspected")
    )

    async def applied() -> bool:
        async with ref.service.app.state.sessions() as session:
            case = await session.get(ReferralCase, case_id, populate_existing=True)
            return case is not None and not getattr(case, column)

    await _until(applied)


async def _referral_of(http: httpx.AsyncClient, case_id: UUID, kind: str) -> dict:
    async def find() -> dict | None:
        found = (await http.get("/referrals", params={"case_id": str(case_id)})).json()
        return next((r for r in found if r["kind"] == kind), None)

    return await _until(find)


async def test_schedule_then_hand_over_frees_the_place(referral: Referral) -> None:
    case_id = uuid4()
    async with referral.service.client(referral.coordinator) as http:
        casa = (await http.post("/shelters", json=shelter("Casa Tapachula", 3))).json()
    await _feed(
        referral, case_id, child_registered(case_id), screening_completed(case_id), sequence=1
    )
    async with referral.service.client(referral.coordinator) as http:

        async def placed() -> list[dict]:
            return (await http.get("/placements", params={"case_id": str(case_id)})).json()

        (placement,) = await _until(placed)

    async with referral.service.client(referral.supervisor) as http:
        scheduled = await http.post(f"/cases/{case_id}/return", json=_body())
        assert scheduled.status_code == 201, scheduled.text
        assisted = scheduled.json()
        assert assisted["destination_country"] == "GT" and assisted["status"] == "scheduled"
        assert assisted["scheduled_by"] == "sup-1" and assisted["handed_over_at"] is None
        again = await http.post(f"/cases/{case_id}/return", json=_body())
        assert again.status_code == 409 and "already scheduled" in again.json()["detail"]

    async with referral.service.client(referral.coordinator) as http:
        shown = (await http.get(f"/cases/{case_id}/return")).json()
        assert shown["return_id"] == assisted["return_id"] and shown["status"] == "scheduled"

    async with referral.service.client(referral.officer) as http:
        handed = await http.post(f"/cases/{case_id}/handover", json=HANDOVER)
        assert handed.status_code == 200, handed.text
        assert handed.json()["status"] == "handed_over"
        assert handed.json()["received_by"] == "Lic. López, SBS"
        assert handed.json()["released_placement_id"] == placement["id"]
        twice = await http.post(f"/cases/{case_id}/handover", json=HANDOVER)
        assert twice.status_code == 409 and "already handed over" in twice.json()["detail"]
        after = await http.post(f"/cases/{case_id}/return", json=_body())
        assert after.status_code == 403  # an officer may not schedule

    async with referral.service.client(referral.supervisor) as http:
        after = await http.post(f"/cases/{case_id}/return", json=_body())
        assert after.status_code == 409 and "already handed over" in after.json()["detail"]

    (event,) = await _events_for(referral.bootstrap, "return-scheduled", case_id, 1)
    assert event["_type"].endswith("return-scheduled.v1")
    assert event["return_id"] == assisted["return_id"] and event["destination_country"] == "GT"
    assert event["handover_place"] == "Puente Rodolfo Robles, Ciudad Hidalgo"
    assert event["escorting_officer"] == "Oficial Pérez" and event["country"] == "MX"
    (over,) = await _events_for(referral.bootstrap, "child-handed-over", case_id, 1)
    assert over["return_id"] == assisted["return_id"] and over["received_by"] == "Lic. López, SBS"
    (released,) = await _events_for(referral.bootstrap, "placement-released", case_id, 1)
    assert released["reason"] == "returned" and released["placement_id"] == placement["id"]

    async with referral.service.client(referral.coordinator) as http:
        shelters = {s["id"]: s for s in (await http.get("/shelters")).json()}
        (gone,) = (await http.get("/placements", params={"case_id": str(case_id)})).json()
    assert shelters[casa["id"]]["occupied"] == 0
    assert gone["release_reason"] == "returned" and gone["released_by"] == "escort-1"

    async with referral.service.app.state.sessions() as session:
        actions = set(
            await session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case_id))
        )
    assert {"return.schedule", "return.handover", "return.read"} <= actions


async def test_non_refoulement_whichever_way_the_need_opened(referral: Referral) -> None:
    asylum, fear, rescreened, trafficked, unscreened, national = (uuid4() for _ in range(6))
    async with referral.service.client(referral.coordinator) as http:
        await http.post("/shelters", json=shelter("Casa Tapachula", 10))
        await http.post("/shelters", json=shelter("Refugio", 5, trafficking_specialised=True))
    await _feed(
        referral,
        trafficked,
        child_registered(asylum),
        screening_completed(asylum, asylum=True),
        child_registered(fear),
        screening_completed(fear, fear_of_return=True),
        child_registered(rescreened),
        screening_completed(rescreened),
        screening_completed(rescreened, sequence=2, asylum=True),
        child_registered(trafficked),
        screening_completed(trafficked, trafficking=True),
        child_registered(unscreened),
        child_registered(national, nationalities=("MX",)),
        screening_completed(national, nationalities=("MX",)),
        sequence=1,
    )
    await _feed(referral, rescreened, sequence=2)
    await _feed(referral, national, sequence=1)

    async with referral.service.client(referral.supervisor) as http:

        async def refused(case_id: UUID) -> str:
            response = await http.post(f"/cases/{case_id}/return", json=_body())
            assert response.status_code == 409, response.text
            return response.json()["detail"]

        for case_id in (asylum, fear, rescreened):
            detail = await refused(case_id)
            assert "Non-refoulement" in detail and "international protection" in detail
            assert "refugee commission (COMAR) is still pending (sent)" in detail
        detail = await refused(trafficked)
        assert "presumed victim of trafficking" in detail and "prosecutor" in detail
        assert "Non-refoulement" not in detail
        await _feed(referral, unscreened)  # registered, never screened
        assert "not been screened" in await refused(unscreened)
        assert "national of MX" in await refused(national)
        missing = await http.post(f"/cases/{uuid4()}/return", json=_body())
        assert missing.status_code == 404
        assert (await http.get(f"/cases/{asylum}/return")).status_code == 404

        # a clean re-screening clears nothing: the flag stays raised, and the asylum referral
        # is still pending with the refugee commission, until it declines
        await _feed(referral, asylum, screening_completed(asylum, sequence=2), sequence=2)
        detail = await refused(asylum)
        assert "international protection" in detail
        assert "refugee commission (COMAR) is still pending (sent)" in detail
        comar = await _referral_of(http, asylum, "refugee_commission")
        answer = await http.patch(f"/referrals/{comar['id']}", json={"status": "acknowledged"})
        assert answer.status_code == 200
        assert "still pending (acknowledged)" in await refused(asylum)
        await http.patch(f"/referrals/{comar['id']}", json={"status": "declined"})
        detail = await refused(asylum)  # declined, but the flag is still raised
        assert "international protection" in detail and "COMAR" not in detail
        # only a supervisor's decision (in intake) clears the flag
        await _clear(referral, asylum, "international_protection", through=2)
        allowed = await http.post(f"/cases/{asylum}/return", json=_body())
        assert allowed.status_code == 201, allowed.text

        # trafficking: a clean re-screening clears nothing; the prosecutor declines, then a
        # supervisor clears the flag
        await _feed(referral, trafficked, screening_completed(trafficked, sequence=2), sequence=2)
        detail = await refused(trafficked)
        assert "prosecutor (FGR-FEVIMTRA) is still open (sent)" in detail
        assert "presumed victim of trafficking" in detail
        fgr = await _referral_of(http, trafficked, "prosecutor")
        await http.patch(f"/referrals/{fgr['id']}", json={"status": "concluded"})
        assert "presumed victim of trafficking" in await refused(trafficked)
        await _clear(referral, trafficked, "trafficking", through=2)
        allowed = await http.post(f"/cases/{trafficked}/return", json=_body())
        assert allowed.status_code == 201, allowed.text


async def test_a_need_opened_after_scheduling_blocks_the_handover(referral: Referral) -> None:
    rescreened, reopened, late = uuid4(), uuid4(), uuid4()
    async with referral.service.client(referral.coordinator) as http:
        await http.post("/shelters", json=shelter("Casa Tapachula", 10))
    await _feed(
        referral,
        late,
        child_registered(rescreened),
        screening_completed(rescreened),
        child_registered(reopened),
        screening_completed(reopened, asylum=True),
        screening_completed(reopened, sequence=2),
        child_registered(late),
        screening_completed(late, sequence=2),
        sequence=1,
    )
    await _feed(referral, reopened, sequence=2)
    async with referral.service.client(referral.supervisor) as http:
        comar = await _referral_of(http, reopened, "refugee_commission")
        await http.patch(f"/referrals/{comar['id']}", json={"status": "declined"})
        await _clear(referral, reopened, "international_protection", through=2)
        for case_id in (rescreened, reopened):
            response = await http.post(f"/cases/{case_id}/return", json=_body())
            assert response.status_code == 201, response.text
        # screening 2 came, screening 1 not yet: it could hold a flag, so no return yet
        waiting = await http.post(f"/cases/{late}/return", json=_body())
        assert waiting.status_code == 409 and "not been applied yet" in waiting.text

        # a re-screening raises the asylum flag after the return was scheduled
        await _feed(
            referral,
            rescreened,
            screening_completed(rescreened, sequence=2, fear_of_return=True),
            # an older screening arriving late still raises its flag
            screening_completed(late, sequence=1, asylum=True),
            sequence=2,
        )

        async def blocked() -> dict | None:
            shown = (await http.get(f"/cases/{rescreened}/return")).json()
            return shown if shown["status"] == "blocked" else None

        shown = await _until(blocked)
        assert "international protection" in shown["blocked_reason"]
        refused = await http.post(f"/cases/{rescreened}/handover", json=HANDOVER)
        assert refused.status_code == 409 and "blocked" in refused.json()["detail"]
        assert "international protection" in refused.json()["detail"]

        # the refugee commission reopens the declined referral: the return is blocked
        await http.patch(f"/referrals/{comar['id']}", json={"status": "acknowledged"})
        shown = (await http.get(f"/cases/{reopened}/return")).json()
        assert shown["status"] == "blocked" and "COMAR" in shown["blocked_reason"]
        refused = await http.post(f"/cases/{reopened}/handover", json=HANDOVER)
        assert refused.status_code == 409 and "COMAR" in refused.json()["detail"]

        # once the need is gone again, a new return can be scheduled (the block stays on file)
        await http.patch(f"/referrals/{comar['id']}", json={"status": "declined"})
        fresh = await http.post(f"/cases/{reopened}/return", json=_body())
        assert fresh.status_code == 201 and fresh.json()["return_id"] != shown["return_id"]
        handed = await http.post(f"/cases/{reopened}/handover", json=HANDOVER)
        assert handed.status_code == 200, handed.text

        async def late_flag_applied() -> str | None:
            response = await http.post(f"/cases/{late}/return", json=_body())
            detail = response.json()["detail"]
            return detail if "international protection" in detail else None

        late_detail = await _until(late_flag_applied)
        assert "not been applied yet" not in late_detail

    scheduled = await _events_for(referral.bootstrap, "return-scheduled", reopened, 2)
    assert len({e["return_id"] for e in scheduled}) == 2
    # each blocked return is withdrawn, so that a handover already sent is withdrawn too
    [withdrawn] = await _events_for(referral.bootstrap, "return-withdrawn", rescreened, 1)
    assert withdrawn["_type"] == "org.rcm.opi.return-withdrawn.v1"
    assert set(withdrawn) == {"_type", "case_id", "return_id", "country", "withdrawn_at"}
    reopened_withdrawn = await _events_for(referral.bootstrap, "return-withdrawn", reopened, 1)
    assert reopened_withdrawn[0]["return_id"] == scheduled[0]["return_id"]
    async with TopicReader(referral.bootstrap, "child-handed-over") as reader:
        records = await reader.read_for(1.0)
    assert {r.key for r in records} == {str(reopened).encode()}  # no blocked one handed over
