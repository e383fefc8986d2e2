"""Driving the reporting dashboard in headless Chromium (Playwright): one page that records
console errors, uncaught exceptions and every request's host, and small readers of what the
page shows."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import RunningService

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"
LOCAL_HOSTS = {"http://127.0.0.1", "http://localhost"}


class DashboardService(RunningService):
    """The service under test, stopping within a second although the page's long poll
    (up to 20 s) is still open: uvicorn would otherwise wait for it to answer."""

    def __init__(self, app: FastAPI) -> None:
        super().__init__(app)
        self._server.config.timeout_graceful_shutdown = 1


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class WatchedPage:
    page: Page
    errors: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)

    def remote_hosts(self) -> set[str]:
        return {host for host in self.hosts if host not in LOCAL_HOSTS}

    async def state(self) -> dict[str, Any]:
        return await self.page.evaluate("window.opiDashboard.state()")

    async def chart(self, name: str) -> dict[str, Any]:
        """The labels and datasets a chart draws (from the Chart.js instance itself)."""
        return await self.page.evaluate(
            """(name) => {
                const chart = window.opiCharts[name];
                if (!chart) return null;
                return {
                    labels: chart.data.labels,
                    datasets: chart.data.datasets.map((d) => ({
                        key: d.key, label: d.label, data: d.data,
                        suppressed: d.suppressed || null,
                    })),
                    id: chart.id,
                };
            }""",
            name,
        )

    async def kpi(self, tile_id: str) -> tuple[str, str]:
        """The visible text and the raw value of a KPI tile."""
        value = self.page.locator(f"#{tile_id} .kpi-value")
        return (await value.inner_text()).strip(), await value.get_attribute("data-value") or ""

    async def wait_for(self, expression: str, arg: Any = None, *, within: float = 15) -> Any:
        """Polls a JavaScript function until it returns a truthy value. (Playwright's
        wait_for_function evaluates strings inside the page, which its CSP forbids.)"""

        async def check() -> Any:
            return await self.page.evaluate(expression, arg)

        result = await eventually(check, within=within, every=0.1)
        assert result, f"still false after {within} s: {expression} ({arg!r})"
        return result

    async def wait_for_kpi(self, tile_id: str, value: object, *, within: float = 15) -> None:
        await self.wait_for(
            "([id, v]) => document.querySelector(`#${id} .kpi-value`)?.dataset.value === v",
            [tile_id, str(value)],
            within=within,
        )

    async def wait_for_refresh(self, *, within: float = 15) -> None:
        await self.wait_for("() => window.opiDashboard?.state().refreshes > 0", within=within)

    async def set_language(self, lang: str) -> None:
        await self.page.select_option("#lang-select", lang)
        await self.wait_for("(l) => document.documentElement.lang === l", lang)

    async def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        await self.page.evaluate("document.activeElement?.blur()")
        await self.page.screenshot(path=str(path), full_page=True)
        return path


@contextlib.asynccontextmanager
async def watched_page(browser: Browser, *, locale: str = "en-GB") -> AsyncIterator[WatchedPage]:
    context = await browser.new_context(
        viewport={"width": 1440, "height": 1000}, locale=locale, timezone_id="UTC"
    )
    page = await context.new_page()
    watched = WatchedPage(page)

    def on_console(message: Any) -> None:
        if message.type == "error":
            watched.errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error.stack}"))

    def on_request(request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob"):  # data: and blob: never leave the page
            watched.hosts.add(f"{url.scheme}://{url.hostname}")

    page.on("request", on_request)
    try:
        yield watched
    finally:
        await context.close()


async def eventually(
    check: Callable[[], Awaitable[Any]], *, within: float = 30, every: float = 0.2
) -> Any:
    """The first truthy result of ``check``; the last result once ``within`` has passed."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(every)
