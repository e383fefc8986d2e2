"""The regional statistics API over a seeded projection: the protected JSON it answers."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from services.reporting.disclosure import protect
from services.reporting.regional.api import router
from services.reporting.regional.changes import VersionWatch
from shared.platform.auth import TokenVerifier
from shared.platform.http import add_common_routes
from tests.regional_fixtures import dataset, seeded_sessions

MEASURE = "events: anonymised case events of this type (a child can be counted twice); null: "
MEASURE += "suppressed by small-cell protection (k=10)"


async def _healthy() -> dict:
    return {"status": "ok"}


@pytest.fixture(scope="module")
async def seeded(tmp_path_factory):
    """One seeded projection for the module: these tests only read it."""
    path = tmp_path_factory.mktemp("regional") / "r.db"
    engine, sessions = await seeded_sessions(f"sqlite+aiosqlite:///{path}", dataset())
    yield sessions
    await engine.dispose()


@pytest.fixture
async def api(seeded, make_settings, token_for):
    settings = make_settings(reporting_regional=True)
    sessions = seeded
    app = FastAPI()
    app.state.settings, app.state.sessions = settings, sessions
    app.state.token_verifier = TokenVerifier(settings)
    app.state.regional_versions = VersionWatch(sessions, poll_interval=0.05)
    app.include_router(router)
    add_common_routes(app, service="regional-reporting", health=_healthy, asyncapi=dict)
    token = token_for(settings, "regional-analyst")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://regional",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


async def test_registrations_by_country(api) -> None:
    response = await api.get("/regional/stats/registrations", params={"group_by": "country"})
    assert response.status_code == 200
    assert response.json() == {
        "event_type": "registered",
        "period": None,
        "dimensions": ["country"],
        "k": 10,
        "cells": [{"country": "GT", "events": 13}, {"country": "MX", "events": 25}],
        "row_totals": [],
        "column_totals": [],
        "grand_total": 38,
        "measure": MEASURE,
    }


async def test_attributes_carried_by_a_later_record_are_counted(api) -> None:
    body = (await api.get("/regional/stats/registrations?group_by=country,sex")).json()
    assert body["cells"] == [
        {"country": "GT", "sex": "female", "events": 0},
        {"country": "GT", "sex": "male", "events": 13},
        {"country": "MX", "sex": "female", "events": 13},
        {"country": "MX", "sex": "male", "events": 12},
    ]
    assert body["row_totals"] == [{"country": "GT", "events": 13}, {"country": "MX", "events": 25}]
    assert body["column_totals"] == [{"sex": "female", "events": 13}, {"sex": "male", "events": 25}]
    nationality = (await api.get("/regional/stats/registrations?group_by=nationality")).json()
    assert [c["events"] for c in nationality["cells"]] == [15, 10, 13]  # GT, HN, SV


async def test_monthly_registrations_are_protected(api) -> None:
    params = {"group_by": "country", "period": "month"}
    body = (await api.get("/regional/stats/registrations", params=params)).json()
    assert body["dimensions"] == ["period", "country"] and body["period"] == "month"
    truth = {("2026-10-01", "GT"): 10, ("2026-10-01", "MX"): 25, ("2026-11-01", "GT"): 3}
    expected = protect({**truth, ("2026-11-01", "MX"): 0}, 10)
    assert {(c["period"], c["country"]): c["events"] for c in body["cells"]} == expected.cells
    assert {c["period"]: c["events"] for c in body["row_totals"]} == expected.row_totals
    assert body["grand_total"] == expected.grand_total
    assert {"period": "2026-11-01", "country": "GT", "events": None} in body["cells"]
    numbers = [c["events"] for c in body["cells"] + body["row_totals"] + body["column_totals"]]
    assert not [n for n in numbers if n is not None and 1 <= n <= 9]


async def test_whole_months_only_and_event_types_and_dates_filter(api) -> None:
    split = {"group_by": "country", "from": "2026-10-15", "to": "2026-10-20"}
    widened = (await api.get("/regional/stats/registrations", params=split)).json()
    whole = {"group_by": "country", "from": "2026-10-01", "to": "2026-10-31"}
    assert widened == (await api.get("/regional/stats/registrations", params=whole)).json()
    monthly = (await api.get("/regional/stats/registrations?group_by=period")).json()
    assert monthly["period"] == "month" and monthly["dimensions"] == ["period"]
    assert [c["period"] for c in monthly["cells"]] == ["2026-10-01", "2026-11-01"]
    params = {"group_by": "country", "event_type": "consular_notified", "to": "2026-12-31"}
    notified = (await api.get("/regional/stats/registrations", params=params)).json()
    assert notified["cells"] == [{"country": "MX", "events": 11}]
    november = {"group_by": "country", "from": "2026-11-01"}
    late = (await api.get("/regional/stats/registrations", params=november)).json()
    assert late["cells"] == [{"country": "GT", "events": None}] and late["grand_total"] is None


async def test_registrations_as_csv(api) -> None:
    response = await api.get("/regional/stats/registrations?group_by=country&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == [
        "kind,country,events",
        "cell,GT,13",
        "cell,MX,25",
        "grand_total,,38",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=period,country,sex", "group_by"),
        ("group_by=country&period=day", "query.period"),
        ("period=week", "query.period"),
        ("group_by=name", "group_by"),
        ("group_by=sex,sex", "group_by"),
        ("from=2026-11-02&to=2026-11-01", "from"),
        ("period=year", "query.period"),
    ],
)
async def test_bad_queries_name_the_field(api, query, field) -> None:
    response = await api.get(f"/regional/stats/registrations?{query}")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["detail"]] == [field]


async def test_indicators(api) -> None:
    body = (await api.get("/regional/stats/indicators?from=2026-10-01&to=2026-11-30")).json()
    assert (body["k"], body["from"], body["to"]) == (10, "2026-10-01", "2026-11-30")
    indicators = {
        i["name"]: ({c["country"]: c["value"] for c in i["cells"]}, i["total"])
        for i in body["indicators"]
    }
    assert indicators == {
        "registered": ({"GT": 13, "MX": 25}, 38),
        # 4 Guatemalan cases are too few; Mexico's 12 would give them away from the total
        "international_protection_need": ({"GT": None, "MX": None}, 16),
        "trafficking_suspected": ({"GT": 0, "MX": 0}, 0),
        "referred": ({"GT": 0, "MX": 0}, 0),
        "consular_notified": ({"GT": 0, "MX": 11}, 11),
        "placed": ({"GT": 0, "MX": 0}, 0),
        "released": ({"GT": None, "MX": None}, 12),
    }
    outcomes = protect(
        {
            ("GT", "returned"): 2,
            ("GT", "reunified"): 0,
            ("MX", "returned"): 0,
            ("MX", "reunified"): 10,
        },
        10,
    )
    cells = {(c["country"], c["outcome"]): c["cases"] for c in body["outcomes"]["cells"]}
    assert cells == outcomes.cells and body["outcomes"]["grand_total"] == outcomes.grand_total
    assert body["outcomes"]["dimensions"] == ["country", "outcome"]
    assert body["days_to_consular_notification"] == [
        {"country": "GT", "cases": 0, "median_days": None, "p90_days": None},
        {"country": "MX", "cases": 11, "median_days": 1.0, "p90_days": 3.0},
    ]


async def test_changes_answer_at_once_when_behind_and_wait_otherwise(api) -> None:
    first = (await api.get("/regional/stats/changes?since=-1")).json()["version"]
    assert first == len(dataset())
    same = await api.get(f"/regional/stats/changes?since={first}&wait=0.2")
    assert same.json() == {"version": first}


async def test_national_roles_are_refused(api, make_settings, token_for) -> None:
    settings = make_settings(reporting_regional=True)
    supervisor = {"Authorization": f"Bearer {token_for(settings, 'supervisor')}"}
    for path in ("registrations", "indicators", "changes?since=0"):
        assert (await api.get(f"/regional/stats/{path}", headers=supervisor)).status_code == 403
        assert (
            await api.get(f"/regional/stats/{path}", headers={"Authorization": ""})
        ).status_code == 401
