"""Who may schedule, hand over and read an assisted return, and bodies refused with the field
named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from services.referral.main import create_app as create_referral
from tests.conftest import RunningService

CASE = uuid4()
RETURN = {
    "scheduled_for": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
    "handover_place": "Puente Rodolfo Robles",
    "escorting_officer": "Oficial Pérez",
}
HANDOVER = {"handed_over_at": datetime.now(UTC).isoformat(), "received_by": "Lic. López"}


async def test_roles_and_bad_bodies(kafka, tmp_path, make_settings, token_for) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'referral.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
    )
    supervisor = token_for(settings, "supervisor")
    async with RunningService(create_referral(settings)) as referral:
        async with referral.client(supervisor) as http:
            naive = await http.post(
                f"/cases/{CASE}/return",
                json={**RETURN, "scheduled_for": "2030-05-01T10:00:00", "escorting_officer": ""},
            )
            assert naive.status_code == 422
            assert {e["field"] for e in naive.json()["detail"]} == {
                "scheduled_for",
                "escorting_officer",
            }
            missing = await http.post(f"/cases/{CASE}/return", json={})
            assert {e["field"] for e in missing.json()["detail"]} == {
                "scheduled_for",
                "handover_place",
                "escorting_officer",
            }
            past = await http.post(
                f"/cases/{CASE}/return", json={**RETURN, "scheduled_for": "2020-01-01T10:00:00Z"}
            )
            assert past.status_code == 422 and past.json()["detail"][0]["field"] == "scheduled_for"
            bad = await http.post(
                f"/cases/{CASE}/handover", json={"handed_over_at": "2026-01-01 10:00"}
            )
            assert bad.status_code == 422
            assert {e["field"] for e in bad.json()["detail"]} == {"handed_over_at", "received_by"}
            future = await http.post(
                f"/cases/{CASE}/handover",
                json={**HANDOVER, "handed_over_at": "2099-01-01T10:00:00+00:00"},
            )
            assert future.status_code == 422
            assert future.json()["detail"][0]["field"] == "handed_over_at"
            assert (await http.post("/cases/not-a-uuid/return", json=RETURN)).status_code == 422
            assert (await http.post(f"/cases/{CASE}/return", json=RETURN)).status_code == 404
            assert (await http.post(f"/cases/{CASE}/handover", json=HANDOVER)).status_code == 404
            assert (await http.get(f"/cases/{CASE}/return")).status_code == 404

        for role in ("opi-officer", "shelter-coordinator", "regional-analyst"):
            async with referral.client(token_for(settings, role)) as http:
                assert (await http.post(f"/cases/{CASE}/return", json=RETURN)).status_code == 403
        for role in ("shelter-coordinator", "regional-analyst"):
            async with referral.client(token_for(settings, role)) as http:
                response = await http.post(f"/cases/{CASE}/handover", json=HANDOVER)
                assert response.status_code == 403
        async with referral.client(token_for(settings, "opi-officer")) as http:
            assert (await http.post(f"/cases/{CASE}/handover", json=HANDOVER)).status_code == 404
        for role in ("opi-officer", "shelter-coordinator"):
            async with referral.client(token_for(settings, role)) as http:
                assert (await http.get(f"/cases/{CASE}/return")).status_code == 404
        async with referral.client(token_for(settings, "regional-analyst")) as http:
            assert (await http.get(f"/cases/{CASE}/return")).status_code == 403
        async with referral.client() as anonymous:
            assert (await anonymous.get(f"/cases/{CASE}/return")).status_code == 401
