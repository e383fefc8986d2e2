"""Regional statistics are for regional analysts only: a national token (another realm's
roles) gets 403 on every regional endpoint. The service keeps its data under the regional
instance's own directory and documents its events."""

from __future__ import annotations

from services.reporting.regional.main import create_regional_app
from tests.conftest import RunningService

ENDPOINTS = [
    "/regional/stats/registrations?group_by=country,sex",
    "/regional/stats/registrations?group_by=country&format=csv",
    "/regional/stats/indicators?from=2026-01-01&to=2026-12-31",
    "/regional/stats/changes?since=-1",
]


async def test_only_regional_analysts_read_regional_statistics(
    own_kafka, make_settings, token_for
) -> None:
    settings = make_settings(
        reporting_regional=True, regional_kafka_bootstrap_servers=own_kafka.bootstrap_servers
    )
    assert settings.realm == "opi-rcm"
    tokens = {
        role: token_for(settings, role)
        for role in ("supervisor", "opi-officer", "regional-analyst")
    }
    national = make_settings(country="GT")  # a country's own realm is not the region's
    tokens_of_another_realm = [
        token_for(national, "supervisor"),
        token_for(national, "regional-analyst"),
    ]
    async with RunningService(create_regional_app(settings)) as service, service.client() as http:
        for path in ENDPOINTS:
            assert (await http.get(path)).status_code == 401
            for token in tokens_of_another_realm:
                response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 401, (path, response.text)
            for role, token in tokens.items():
                response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
                expected = 200 if role == "regional-analyst" else 403
                assert response.status_code == expected, (path, role, response.text)
        health = (await http.get("/health")).json()
        dashboard = (await http.get("/dashboard/config")).json()
        asyncapi = (await http.get("/asyncapi")).json()

    assert health["status"] == "ok" and health["service"] == "regional-reporting"
    assert dashboard == {"mode": "regional", "k": 10}
    assert (settings.data_dir / "rcm" / "regional-reporting.db").exists()
    channels = " ".join(asyncapi["channels"])
    assert "crm.case-events.v1" in channels and "crm.statistics.v1" in channels
