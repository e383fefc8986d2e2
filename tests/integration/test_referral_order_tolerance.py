"""Whatever order referral reads its topics in, and however often an event is delivered,
the final state is the same: screening-completed before child-registered, and duplicates."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from sqlalchemy import select

from services.referral.main import create_app as create_referral
from services.referral.models import Placement, ProtectionReferral, Shelter
from tests.conftest import RunningService
from tests.kafka_helpers import produce_events
from tests.referral_fixtures import child_registered, screening_completed, shelter


async def _final_state(sessions, case_id) -> tuple:
    async with sessions() as session:
        placements = (
            await session.scalars(select(Placement).where(Placement.case_id == case_id))
        ).all()
        active = [p for p in placements if p.released_at is None]
        shelters = {s.id: s for s in (await session.scalars(select(Shelter))).all()}
        referrals = (
            await session.scalars(
                select(ProtectionReferral.kind).where(ProtectionReferral.case_id == case_id)
            )
        ).all()
    return (
        [shelters[p.shelter_id].name for p in active],
        sorted(referrals),
    )


async def test_same_final_state_whatever_the_order_and_duplicates(
    own_kafka, database_url, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=database_url, kafka_bootstrap_servers=own_kafka.bootstrap_servers
    )
    coordinator = token_for(settings, "shelter-coordinator")
    in_order, reversed_order, duplicated = uuid4(), uuid4(), uuid4()
    async with RunningService(create_referral(settings)) as referral:
        async with referral.client(coordinator) as http:
            await http.post("/shelters", json=shelter("Casa Tapachula", 5))
            await http.post("/shelters", json=shelter("Refugio", 5, trafficking_specialised=True))

        flags = {"asylum": True, "trafficking": True}
        registration = child_registered(duplicated)
        screening = screening_completed(duplicated, **flags)
        await produce_events(
            own_kafka.bootstrap_servers,
            [
                child_registered(in_order),
                screening_completed(in_order, **flags),
                screening_completed(reversed_order, **flags),
                child_registered(reversed_order),
                registration,
                registration,
                screening,
                screening,
                registration,
            ],
        )

        sessions = referral.app.state.sessions
        expected = (["Refugio"], ["prosecutor", "refugee_commission"])
        for _ in range(150):
            states = [
                await _final_state(sessions, c) for c in (in_order, reversed_order, duplicated)
            ]
            if all(state == expected for state in states):
                break
            await asyncio.sleep(0.1)
        assert states == [expected] * 3
        await asyncio.sleep(1.0)  # late duplicates change nothing
        assert [
            await _final_state(sessions, c) for c in (in_order, reversed_order, duplicated)
        ] == [expected] * 3
        async with sessions() as session:
            occupancy = {s.name: s.occupied for s in (await session.scalars(select(Shelter)))}
        assert occupancy == {"Casa Tapachula": 0, "Refugio": 3}
