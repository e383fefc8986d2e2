"""Coordinators override the rules by hand, release children, and supervisors record the
authorities' answers to referrals; every change emits an event and is audited."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

from sqlalchemy import select

from services.referral.main import create_app as create_referral
from shared.platform.audit import AuditEntry
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, produce_events
from tests.referral_fixtures import child_registered, screening_completed, shelter


async def _wait_placed(http, case_id) -> list[dict]:
    for _ in range(100):
        placements = (await http.get("/placements", params={"case_id": str(case_id)})).json()
        if placements:
            return placements
        await asyncio.sleep(0.1)
    raise TimeoutError("not placed")


async def test_manual_placement_release_and_referral_answer(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    bootstrap = own_kafka.bootstrap_servers
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'referral.db'}",
        kafka_bootstrap_servers=bootstrap,
    )
    coordinator = token_for(settings, "shelter-coordinator", subject="coord-7")
    supervisor = token_for(settings, "supervisor", subject="sup-3")
    case_id = uuid4()
    async with RunningService(create_referral(settings)) as referral:
        async with referral.client(coordinator) as http:
            near = (await http.post("/shelters", json=shelter("Casa Cercana", 3))).json()
            far = (
                await http.post(
                    "/shelters",
                    json=shelter(
                        "Casa Lejana", 1, admin1="MX-VER", latitude=19.17, longitude=-96.13
                    ),
                )
            ).json()
            await produce_events(
                bootstrap, [child_registered(case_id), screening_completed(case_id, asylum=True)]
            )
            (automatic,) = await _wait_placed(http, case_id)
            assert automatic["shelter_id"] == near["id"] and automatic["manual"] is False

            body = {
                "case_id": str(case_id),
                "shelter_id": far["id"],
                "reason": "the aunt lives in Veracruz and can visit",
            }
            manual = await http.post("/placements", json=body)
            assert manual.status_code == 201, manual.text
            assert manual.json()["manual"] is True and manual.json()["placed_by"] == "coord-7"
            again = await http.post("/placements", json=body)
            assert again.status_code == 409  # already there
            other = uuid4()
            await produce_events(bootstrap, [child_registered(other)])
            await _wait_placed(http, other)
            full = await http.post("/placements", json={**body, "case_id": str(other)})
            assert full.status_code == 409 and "no free place" in full.json()["detail"]
            unknown = await http.post("/placements", json={**body, "case_id": str(uuid4())})
            assert unknown.status_code == 404

            released = await http.post(
                f"/placements/{manual.json()['id']}/release", json={"reason": "reunified"}
            )
            assert released.status_code == 200 and released.json()["release_reason"] == "reunified"
            twice = await http.post(
                f"/placements/{manual.json()['id']}/release", json={"reason": "reunified"}
            )
            assert twice.status_code == 409
            shelters = {s["id"]: s for s in (await http.get("/shelters")).json()}
            assert shelters[far["id"]]["occupied"] == 0 and shelters[near["id"]]["occupied"] == 1

        async with referral.client(supervisor) as http:
            (made,) = (await http.get("/referrals", params={"case_id": str(case_id)})).json()
            answer = await http.patch(
                f"/referrals/{made['id']}", json={"status": "acknowledged", "note": "file 2026-118"}
            )
            assert answer.status_code == 200 and answer.json()["status"] == "acknowledged"
        async with referral.client(coordinator) as http:
            assert (
                await http.patch(f"/referrals/{made['id']}", json={"status": "declined"})
            ).status_code == 403

        async with TopicReader(bootstrap, "shelter-assigned") as reader:
            records = await reader.read_until(lambda rs: len(rs) >= 3)
        assigned = [json.loads(r.value) for r in records if r.key == str(case_id).encode()]
        assert [(a["manual"], a["previous_shelter_id"]) for a in assigned] == [
            (False, None),
            (True, near["id"]),
        ]
        async with TopicReader(bootstrap, "placement-released") as reader:
            released_events = await reader.read_until(lambda rs: len(rs) >= 2)
        assert [json.loads(r.value)["reason"] for r in released_events] == [
            "transferred",
            "reunified",
        ]
        async with TopicReader(bootstrap, "protection-referral-updated") as reader:
            (updated,) = await reader.read_until(lambda rs: len(rs) >= 1)
        assert json.loads(updated.value)["status"] == "acknowledged"

        async with referral.app.state.sessions() as session:
            actions = (
                await session.scalars(
                    select(AuditEntry.action)
                    .where(AuditEntry.case_id == case_id)
                    .order_by(AuditEntry.id)
                )
            ).all()
        assert {"placement.manual", "placement.release", "referral.update"} <= set(actions)
