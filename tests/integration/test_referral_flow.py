"""Referral with intake on the real embedded broker, on SQLite and PostgreSQL: a registered
child is placed at once, a presumed trafficking victim moves to a specialised shelter, and a
child who may need international protection is referred to the refugee commission."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from services.intake.main import create_app as create_intake
from services.referral.main import create_app as create_referral
from tests.conftest import RunningService
from tests.intake_fixtures import REGISTRATION, screening
from tests.kafka_helpers import TopicReader, headers_of
from tests.referral_fixtures import shelter


@dataclass
class Stack:
    intake: RunningService
    referral: RunningService
    officer: str
    coordinator: str
    bootstrap: str


@pytest.fixture
async def stack(own_kafka, new_database, make_settings, token_for) -> AsyncIterator[Stack]:
    common = {"kafka_bootstrap_servers": own_kafka.bootstrap_servers}
    intake_settings = make_settings(database_url=await new_database(), **common)
    referral_settings = make_settings(database_url=await new_database(), **common)
    async with (
        RunningService(create_intake(intake_settings)) as intake,
        RunningService(create_referral(referral_settings)) as referral,
    ):
        yield Stack(
            intake,
            referral,
            officer=token_for(intake_settings, "opi-officer"),
            coordinator=token_for(referral_settings, "shelter-coordinator", subject="coord-1"),
            bootstrap=own_kafka.bootstrap_servers,
        )


async def _events_for(bootstrap: str, topic: str, case_id: str, count: int) -> list[dict]:
    key = case_id.encode()
    async with TopicReader(bootstrap, topic, wait_for_topic=20) as reader:
        records = await reader.read_until(lambda rs: sum(r.key == key for r in rs) >= count)
    return [
        {**json.loads(r.value), "_type": headers_of(r)["ce_type"]} for r in records if r.key == key
    ]


async def _eventually(check, within: float = 15.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)


async def test_register_place_then_move_a_trafficking_victim(stack: Stack) -> None:
    async with stack.referral.client(stack.coordinator) as referral:
        ordinary = (await referral.post("/shelters", json=shelter("Casa Tapachula", 4))).json()
        special = (
            await referral.post(
                "/shelters",
                json=shelter(
                    "Refugio Especializado",
                    2,
                    trafficking_specialised=True,
                    admin1="MX-TAB",
                    latitude=17.99,
                    longitude=-92.95,
                ),
            )
        ).json()
    async with stack.intake.client(stack.officer) as intake:
        case_id = (await intake.post("/cases", json=REGISTRATION)).json()["case_id"]
        (assigned,) = await _events_for(stack.bootstrap, "shelter-assigned", case_id, 1)
        assert assigned["shelter_id"] == ordinary["id"] and assigned["specialised"] is False
        assert "accepts female 12-17" in assigned["reason"]

        await intake.post(
            f"/cases/{case_id}/screening", json=screening(trafficking_indicators=["debt_bondage"])
        )
        moved = (await _events_for(stack.bootstrap, "shelter-assigned", case_id, 2))[1]
        assert moved["shelter_id"] == special["id"] and moved["specialised"] is True
        assert moved["previous_shelter_id"] == ordinary["id"]
        (released,) = await _events_for(stack.bootstrap, "placement-released", case_id, 1)
        assert released["reason"] == "transferred"

        async def placed_in_special() -> bool:
            case = (await intake.get(f"/cases/{case_id}")).json()
            return (case["placement"] or {}).get("shelter_id") == special["id"]

        assert await _eventually(placed_in_special)  # intake shows where the child is now

    async with stack.referral.client(stack.coordinator) as referral:
        shelters = {s["id"]: s for s in (await referral.get("/shelters")).json()}
        placements = (await referral.get("/placements", params={"case_id": case_id})).json()
        referrals = (await referral.get("/referrals", params={"case_id": case_id})).json()
    assert (
        shelters[ordinary["id"]]["occupied"] == 0 and shelters[ordinary["id"]]["free_places"] == 4
    )
    assert shelters[special["id"]]["occupied"] == 1
    assert [p["released_at"] is None for p in placements] == [False, True]
    assert [(r["kind"], r["authority"], r["status"]) for r in referrals] == [
        ("prosecutor", "FGR-FEVIMTRA", "sent")
    ]


async def test_asylum_intent_is_referred_to_the_refugee_commission(stack: Stack) -> None:
    async with stack.referral.client(stack.coordinator) as referral:
        await referral.post("/shelters", json=shelter("Casa Tapachula", 4))
    async with stack.intake.client(stack.officer) as intake:
        case_id = (await intake.post("/cases", json=REGISTRATION)).json()["case_id"]
        await intake.post(f"/cases/{case_id}/screening", json=screening(asylum_intent=True))
        again = screening(asylum_intent=True, interview_notes="second interview")
        await intake.post(f"/cases/{case_id}/screening", json=again)
    (made,) = await _events_for(stack.bootstrap, "protection-referral-made", case_id, 1)
    assert made["kind"] == "refugee_commission" and made["authority"] == "COMAR"
    assert made["status"] == "sent" and made["_type"].endswith("protection-referral-made.v1")

    async with stack.referral.client(stack.coordinator) as referral:
        await asyncio.sleep(1.0)  # the re-screening is consumed meanwhile: still one referral
        referrals = (await referral.get("/referrals", params={"case_id": case_id})).json()
    assert len(referrals) == 1


async def test_bad_shelter_data_and_roles(stack: Stack, token_for) -> None:
    async with stack.referral.client(stack.coordinator) as referral:
        bad = await referral.post(
            "/shelters",
            json=shelter("X", 0, admin1="MX-ZZZ", age_groups=["18-25"], sexes=["female", "female"]),
        )
        abroad = await referral.post("/shelters", json=shelter("Casa", 3, admin1="GT-QC"))
        created = (await referral.post("/shelters", json=shelter("Casa", 3))).json()
        shrink = await referral.patch(f"/shelters/{created['id']}", json={"capacity": -1})
        missing = await referral.get("/shelters/00000000-0000-4000-8000-000000000000")
    assert bad.status_code == 422
    assert {"capacity", "admin1", "age_groups.0", "sexes"} <= {
        error["field"] for error in bad.json()["detail"]
    }
    assert abroad.status_code == 422 and abroad.json()["detail"][0]["field"] == "admin1"
    assert shrink.status_code == 422 and missing.status_code == 404

    async with stack.referral.client(stack.officer) as officer:
        assert (await officer.get("/shelters")).status_code == 200
        assert (await officer.post("/shelters", json=shelter("Casa", 3))).status_code == 403
        assert (
            await officer.patch(f"/shelters/{created['id']}", json={"capacity": 9})
        ).status_code == 403
        assert (
            await officer.post(
                "/placements/00000000-0000-4000-8000-000000000000/release",
                json={"reason": "returned"},
            )
        ).status_code == 403
    async with stack.referral.client() as anonymous:
        assert (await anonymous.get("/shelters")).status_code == 401
