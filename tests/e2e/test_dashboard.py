"""The reporting dashboard in a real browser (headless Chromium), on the real reporting
service fed through Kafka: the page loads nothing from another host and logs no error, its
figures are the API's, it follows new events live, it speaks Spanish, English and French,
and the regional page shows suppressed cells as suppressed, never as zero."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx

from opi.simulation.stream import generate_stream
from services.reporting.main import create_app
from tests.dashboard_helpers import (
    ARTIFACTS,
    DashboardService,
    chromium,
    eventually,
    watched_page,
)
from tests.kafka_helpers import produce_events
from tests.regional_fixtures import dataset, rendered
from tests.unit.test_regional_handovers import handovers_dataset

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
TITLES = {
    "es": "Registros por nacionalidad a lo largo del tiempo",
    "en": "Registrations over time by nationality",
    "fr": "Enregistrements dans le temps par nationalité",
}
KPI_TITLES = {"es": "Registros", "en": "Registrations", "fr": "Enregistrements"}
REGIONAL_LEGEND = {
    "en": "Small-cell protection",
    "fr": "Protection des petits effectifs",
    "es": "Protección de celdas pequeñas",
}


async def _settled(http: httpx.AsyncClient, path: str, ready, within: float = 40) -> dict:
    """The statistics once ``ready`` holds and the version stopped moving for a moment."""

    async def check() -> dict | None:
        body = (await http.get(path)).json()
        if not ready(body):
            return None
        before = (await http.get(_changes(path), params={"since": -1})).json()["version"]
        await asyncio.sleep(0.6)
        after = (await http.get(_changes(path), params={"since": -1})).json()["version"]
        return (await http.get(path)).json() if before == after else None

    body = await eventually(check, within=within, every=0.3)
    assert body, f"{path} did not settle"
    return body


def _changes(path: str) -> str:
    return "/regional/stats/changes" if path.startswith("/regional") else "/stats/changes"


def _number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


async def test_national_dashboard(kafka, make_settings, token_for, tmp_path: Path) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
    )
    supervisor = token_for(settings, "supervisor", subject="supervisor-1")
    stream = generate_stream(seed=7, cases=40, country="MX", start=START, days=45)
    later = generate_stream(seed=8, cases=4, country="MX", start=datetime(2026, 2, 25, tzinfo=UTC))

    async with (
        DashboardService(create_app(settings)) as service,
        service.client(supervisor) as http,
        chromium() as browser,
    ):
        page_response = await http.get("/")
        csp = page_response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert (await http.get("/dashboard/config")).json() == {"mode": "national", "country": "MX"}
        script = await http.get("/static/js/app.js")
        assert script.headers["content-type"].startswith("text/javascript")

        await produce_events(kafka.bootstrap_servers, stream.events)
        indicators = await _settled(
            http, "/stats/indicators", lambda b: b["registrations"]["events"] >= 40
        )
        by_month = (await http.get("/stats/registrations?group_by=nationality&period=month")).json()
        pyramid = (await http.get("/stats/registrations?group_by=age_group,sex")).json()
        by_admin1 = (await http.get("/stats/registrations?group_by=admin1")).json()

        async with watched_page(browser, locale="en-GB") as watched:
            page = watched.page
            await page.goto(f"{service.url}/#token={supervisor}")
            await watched.wait_for_refresh()

            # the token left the address bar for the tab's sessionStorage
            assert "token" not in page.url
            assert await page.evaluate("sessionStorage.getItem('opi.dashboard.token')") == (
                supervisor
            )
            assert await page.locator("html").get_attribute("lang") == "en"

            # the KPIs and the charts are the API's figures
            events = indicators["registrations"]["events"]
            text, raw = await watched.kpi("kpi-registrations")
            assert raw == str(events) and _number(text) == events
            _, children = await watched.kpi("kpi-children")
            assert children == str(indicators["registrations"]["children"])
            _, pending = await watched.kpi("kpi-pending")
            assert pending == str(indicators["placements"]["pending"])
            assert await page.locator("#kpi-registrations .unit").inner_text() == "EVENTS"
            assert await page.locator("#kpi-children .unit").inner_text() == "DISTINCT CHILDREN"

            over_time = await watched.chart("registrationsOverTime")
            drawn = sum(sum(d["data"]) for d in over_time["datasets"])
            assert drawn == by_month["totals"]["events"]
            months = sorted({row["period"] for row in by_month["rows"]})
            assert len(over_time["labels"]) == len(months) and over_time["labels"][0] == "Jan 2026"
            nationalities = {row["nationality"] for row in by_month["rows"]}
            assert len(over_time["datasets"]) == min(len(nationalities), 7)

            chart = await watched.chart("pyramid")
            female = next(d for d in chart["datasets"] if d["key"] == "female")
            male = next(d for d in chart["datasets"] if d["key"] == "male")
            expected = {
                sex: sum(r["events"] for r in pyramid["rows"] if r["sex"] == sex)
                for sex in ("female", "male")
            }
            assert sum(female["data"]) == expected["female"]
            assert -sum(male["data"]) == expected["male"]

            shelters = await watched.chart("shelters")
            assert len(shelters["labels"]) == len(indicators["shelters"])
            occupied = sum(s["occupied"] for s in indicators["shelters"])
            drawn = [d for d in shelters["datasets"] if d["key"] in ("occupied", "over")]
            assert sum(sum(d["data"]) for d in drawn) == occupied

            options = await page.locator("#f-admin1 option").evaluate_all(
                "(os) => os.map((o) => o.value)"
            )
            assert sorted(options[1:]) == sorted(r["admin1"] for r in by_admin1["rows"])

            async with page.expect_download() as download_info:
                await page.click("#csv-time")
            download = await download_info.value
            csv = await asyncio.to_thread(Path(await download.path()).read_text)
            assert csv.splitlines()[0] == "period,nationality,events,children"
            assert len(csv.splitlines()) == len(by_month["rows"]) + 1

            # a subdivision filter gives that subdivision's figures
            subdivision = max(by_admin1["rows"], key=lambda r: r["events"])["admin1"]
            expected_there = (await http.get(f"/stats/indicators?admin1={subdivision}")).json()
            await page.select_option("#f-admin1", subdivision)
            await watched.wait_for_kpi(
                "kpi-registrations", expected_there["registrations"]["events"]
            )
            assert f"admin1={subdivision}" in page.url
            await page.select_option("#f-admin1", "")
            await watched.wait_for_kpi("kpi-registrations", events)

            # a date range gives the registrations of those days only
            january = sum(r["events"] for r in by_month["rows"] if r["period"] == "2026-01-01")
            assert 0 < january < events
            await page.fill("#f-from", "2026-01-01")
            await page.fill("#f-to", "2026-01-31")
            await watched.wait_for_kpi("kpi-registrations", january)
            assert "from=2026-01-01" in page.url and "to=2026-01-31" in page.url
            assert (await watched.chart("registrationsOverTime"))["labels"] == ["Jan 2026"]
            await page.select_option("#f-range", "all")
            await watched.wait_for_kpi("kpi-registrations", events)

            # new events arrive: the page updates by itself, the same charts move in place
            chart_id = over_time["id"]
            refreshes = (await watched.state())["refreshes"]
            await produce_events(kafka.bootstrap_servers, later.events)
            updated = await _settled(
                http, "/stats/indicators", lambda b: b["registrations"]["events"] >= events + 4
            )
            await watched.wait_for_kpi(
                "kpi-registrations", updated["registrations"]["events"], within=25
            )
            assert (await watched.state())["refreshes"] > refreshes
            after = await watched.chart("registrationsOverTime")
            assert after["id"] == chart_id
            assert (
                sum(sum(d["data"]) for d in after["datasets"])
                == (updated["registrations"]["events"])
            )
            assert await page.locator("#live-status").get_attribute("data-state") == "on"

            # three languages: the labels, the html lang, and a screenshot of each
            for lang in ("fr", "en", "es"):
                await watched.set_language(lang)
                assert await page.locator("#t-time").inner_text() == TITLES[lang]
                assert await page.locator("#kpi-registrations h3").inner_text() == KPI_TITLES[lang]
                assert (await watched.chart("registrationsOverTime"))["labels"][0] != ""
                await page.wait_for_timeout(400)  # let the charts' transition finish
                await watched.screenshot(f"dashboard-{lang}.png")
            assert await page.evaluate("localStorage.getItem('opi.dashboard.lang')") == "es"
            spanish_month = await page.evaluate(
                "new Intl.DateTimeFormat('es-MX', {month: 'short', year: 'numeric',"
                " timeZone: 'UTC'}).format(new Date(Date.UTC(2026, 0, 1)))"
            )
            assert (await watched.chart("registrationsOverTime"))["labels"][0] == spanish_month

            # on a phone: one column, nothing wider than the screen
            await page.set_viewport_size({"width": 390, "height": 844})
            await page.wait_for_timeout(400)
            assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            await watched.screenshot("dashboard-mobile-es.png")

            assert not watched.errors, watched.errors
            assert not watched.remote_hosts(), watched.remote_hosts()

        # without a token: the sign-in box; a bad token: a clear message in the language
        async with watched_page(browser, locale="fr-FR") as watched:
            page = watched.page
            await page.goto(service.url)
            await page.locator("#signin").wait_for(state="visible")
            assert await page.locator("#signin-title").inner_text() == "Connexion"
            await page.fill("#token-input", "not-a-token")
            await page.click("#signin-form button[type=submit]")
            await page.locator("#message").wait_for(state="visible")
            assert "jeton" in (await page.locator("#message").inner_text())
            await page.fill("#token-input", token_for(settings, "regional-analyst"))
            await page.click("#signin-form button[type=submit]")
            await watched.wait_for(
                "() => document.querySelector('#message').textContent.includes('superviseur')"
            )
            assert await page.locator("#signin").is_visible()
            await page.fill("#token-input", supervisor)
            await page.click("#signin-form button[type=submit]")
            await watched.wait_for_refresh()
            assert await page.locator("#dashboard").is_visible()
            assert not await page.locator("#message").is_visible()
            assert not watched.remote_hosts()
            # the 401 and 403 are logged by Chromium as failed resources; nothing else
            assert all("401" in e or "403" in e for e in watched.errors), watched.errors
    assert (ARTIFACTS / "dashboard-fr.png").stat().st_size > 10_000


async def test_regional_dashboard(kafka, make_settings, token_for, tmp_path: Path) -> None:
    settings = make_settings(
        reporting_regional=True,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'regional.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        regional_kafka_bootstrap_servers=kafka.bootstrap_servers,
    )
    analyst = token_for(settings, "regional-analyst", subject="rcm-analyst")
    async with (
        DashboardService(create_app(settings)) as service,
        service.client(analyst) as http,
        chromium() as browser,
    ):
        assert (await http.get("/dashboard/config")).json() == {"mode": "regional", "k": 10}
        await produce_events(kafka.bootstrap_servers, [rendered(f) for f in dataset()])
        await produce_events(kafka.bootstrap_servers, handovers_dataset())
        indicators = await _settled(
            http,
            "/regional/stats/indicators",
            lambda b: any(i["name"] == "registered" and i["total"] for i in b["indicators"]),
        )
        by_month = (
            await http.get("/regional/stats/registrations?group_by=country&period=month")
        ).json()
        handovers = await _settled(
            http, "/regional/stats/handovers", lambda b: b["sent"]["grand_total"] == 27
        )

        async with watched_page(browser, locale="en-GB") as watched:
            page = watched.page
            await page.goto(f"{service.url}/#token={analyst}")
            await watched.wait_for_refresh()
            assert await page.locator("#regional").is_visible()
            assert not await page.locator("#national").is_visible()
            assert not await page.locator("#f-admin1").is_visible()
            legend = await page.locator("#legend-text").inner_text()
            assert "10" in legend and "zero" in legend

            # every null of the API is a suppressed mark on the page, never a 0
            totals = {i["name"]: i["total"] for i in indicators["indicators"]}
            for name, total in totals.items():
                _, raw = await watched.kpi(f"kpi-r-{name}")
                assert raw == ("suppressed" if total is None else str(total)), name
            nulls = sum(
                cell["value"] is None for i in indicators["indicators"] for cell in i["cells"]
            ) + sum(total is None for total in totals.values())
            assert nulls > 0, "the dataset should have suppressed cells"
            assert await page.locator("#table-r-indicators .suppressed").count() == nulls

            month_nulls = [
                line
                for line in by_month["cells"] + by_month["row_totals"] + by_month["column_totals"]
                if line["events"] is None
            ] + ([None] if by_month["grand_total"] is None else [])
            assert await page.locator("#table-r-time .suppressed").count() == len(month_nulls)
            chart = await watched.chart("regionalOverTime")
            for dataset_ in chart["datasets"]:
                for value, suppressed in zip(dataset_["data"], dataset_["suppressed"], strict=True):
                    assert suppressed == (value is None)
            suppressed_cells = {
                (c["period"], c["country"]) for c in by_month["cells"] if c["events"] is None
            }
            drawn = sum(sum(d["suppressed"]) for d in chart["datasets"] if d["key"] != "total")
            assert drawn == len(suppressed_cells)

            # cross-border handovers per pair: suppressed cells marked, never shown as 0
            sent = handovers["sent"]
            sent_nulls = sum(
                line["handovers"] is None
                for line in sent["cells"] + sent["row_totals"] + sent["column_totals"]
            ) + (sent["grand_total"] is None)
            assert sent_nulls > 0
            assert await page.locator("#table-r-handovers-sent .suppressed").count() == sent_nulls
            bars = await watched.chart("regionalHandovers")
            assert [d["key"] for d in bars["datasets"]] == ["sent", "received"]
            for dataset_ in bars["datasets"]:
                for value, suppressed in zip(dataset_["data"], dataset_["suppressed"], strict=True):
                    assert suppressed == (value is None)

            # whole months only: a month range gives that range's (protected) figures
            assert not await page.locator("#f-period").is_visible()
            assert await page.locator("#f-from").get_attribute("type") == "month"
            november = (await http.get("/regional/stats/indicators?from=2026-11-01")).json()
            registered = next(i for i in november["indicators"] if i["name"] == "registered")
            await page.fill("#f-from", "2026-11")
            await watched.wait_for_kpi(
                "kpi-r-registered",
                "suppressed" if registered["total"] is None else registered["total"],
            )
            assert "from=2026-11-01" in page.url
            await page.select_option("#f-range", "all")
            await watched.wait_for_kpi("kpi-r-registered", totals["registered"])

            for lang in ("fr", "es", "en"):
                await watched.set_language(lang)
                assert await page.locator("#legend-title").inner_text() == REGIONAL_LEGEND[lang]
                await page.wait_for_timeout(400)
                await watched.screenshot(f"dashboard-regional-{lang}.png")

            assert not watched.errors, watched.errors
            assert not watched.remote_hosts(), watched.remote_hosts()
