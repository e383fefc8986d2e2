"""Capacity is never exceeded: 50 children registered at once against 10 places, with two
referral instances side by side on one PostgreSQL database; freed places go to the children
who waited."""

from __future__ import annotations

import json
from uuid import uuid4

from sqlalchemy import func, select

from services.referral.main import create_app as create_referral
from services.referral.models import Placement, Shelter
from shared.platform.dev_postgres import postgres_database
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, produce_events
from tests.referral_fixtures import child_registered, shelter

CHILDREN = 50


def _case_keys(records) -> set[bytes]:
    return {r.key for r in records}


async def test_fifty_children_ten_places_two_instances_on_postgresql(
    own_kafka, make_settings, token_for
) -> None:
    bootstrap = own_kafka.bootstrap_servers
    async with postgres_database() as url:
        settings = make_settings(
            database_url=url,
            kafka_bootstrap_servers=bootstrap,
            placement_sweep_interval_seconds=0.5,
        )
        coordinator = token_for(settings, "shelter-coordinator")
        async with (
            RunningService(create_referral(settings)) as first,
            RunningService(create_referral(settings)) as second,
        ):
            async with first.client(coordinator) as http:
                for name, capacity in (("Casa A", 4), ("Casa B", 3), ("Casa C", 3)):
                    assert (
                        await http.post("/shelters", json=shelter(name, capacity))
                    ).status_code == 201

            registrations = [
                child_registered(uuid4(), sex=("female", "male")[n % 2], age=5 + n % 12)
                for n in range(CHILDREN)
            ]
            await produce_events(bootstrap, registrations)

            async with (
                TopicReader(bootstrap, "shelter-assigned", 20) as assigned,
                TopicReader(bootstrap, "placement-pending", 20) as pending,
            ):
                await assigned.read_until(lambda rs: len(rs) >= 10, within=60)
                await pending.read_until(lambda rs: len(rs) >= CHILDREN - 10, within=60)
                await assigned.read_for(1.0)
                assert len(assigned.records) == 10
                assert len(_case_keys(assigned.records) | _case_keys(pending.records)) == CHILDREN

                async with first.app.state.sessions() as session:
                    shelters = (await session.scalars(select(Shelter))).all()
                    active = await session.scalar(
                        select(func.count()).where(Placement.released_at.is_(None))
                    )
                assert all(s.occupied == s.capacity for s in shelters) and active == 10

                async with second.client(coordinator) as http:
                    waiting = (await http.get("/pending-placements")).json()
                    assert len(waiting) == CHILDREN - 10
                    current = (await http.get("/placements", params={"active": True})).json()
                    for placement in current[:3]:
                        released = await http.post(
                            f"/placements/{placement['id']}/release", json={"reason": "reunified"}
                        )
                        assert released.status_code == 200

                await assigned.read_until(lambda rs: len(rs) >= 13, within=30)
                await assigned.read_for(1.0)
                assert len(assigned.records) == 13

            newly_placed = {json.loads(r.value)["case_id"] for r in assigned.records[10:]}
            assert len(newly_placed) == 3 and newly_placed <= {w["case_id"] for w in waiting}
            async with first.app.state.sessions() as session:
                shelters = (await session.scalars(select(Shelter))).all()
                assert all(s.occupied <= s.capacity for s in shelters)
                assert sum(s.occupied for s in shelters) == 10
            async with first.client(coordinator) as http:
                assert len((await http.get("/pending-placements")).json()) == CHILDREN - 13
