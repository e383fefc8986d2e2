"""Siblings stay together: linked by intake, or sharing a family contact's phone."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from services.referral.main import create_app as create_referral
from tests.conftest import RunningService
from tests.kafka_helpers import produce_events
from tests.referral_fixtures import child_registered, shelter


async def _shelter_of(http, case_id) -> str:
    for _ in range(100):
        placements = (
            await http.get("/placements", params={"case_id": str(case_id), "active": True})
        ).json()
        if placements:
            return placements[0]["shelter_id"]
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{case_id} not placed")


async def test_siblings_follow_each_other(
    own_kafka, database_url, make_settings, token_for
) -> None:
    bootstrap = own_kafka.bootstrap_servers
    settings = make_settings(database_url=database_url, kafka_bootstrap_servers=bootstrap)
    coordinator = token_for(settings, "shelter-coordinator")
    eldest, by_phone, by_link, stranger = uuid4(), uuid4(), uuid4(), uuid4()
    async with (
        RunningService(create_referral(settings)) as referral,
        referral.client(coordinator) as http,
    ):
        small = (await http.post("/shelters", json=shelter("Casa Pequeña", 3))).json()
        big = (await http.post("/shelters", json=shelter("Casa Grande", 10))).json()
        await produce_events(bootstrap, [child_registered(eldest, phone="+50255550001")])
        assert await _shelter_of(http, eldest) == big["id"]  # most free places
        moved = await http.post(
            "/placements",
            json={
                "case_id": str(eldest),
                "shelter_id": small["id"],
                "reason": "near the school",
            },
        )
        assert moved.status_code == 201

        await produce_events(
            bootstrap,
            [
                child_registered(by_phone, phone="+50255550001", sex="male", age=9),
                child_registered(by_link, siblings=[eldest], age=6),
                child_registered(stranger, phone="+50255559999"),
            ],
        )
        assert await _shelter_of(http, by_phone) == small["id"]
        assert await _shelter_of(http, by_link) == small["id"]
        assert await _shelter_of(http, stranger) == big["id"]
