"""The reporting dashboard: a static, offline page served by the reporting service.

The page holds no data of its own. ``GET /`` and the files under ``/static`` are public;
every number the page shows comes from the statistics API with the user's bearer token,
so serving the page needs no authentication. Everything the page runs is a file of this
package (Chart.js is vendored), which lets the HTML carry a strict Content-Security-Policy:
no inline script or style, no other origin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pycountry
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


def subdivision_names(country: str | None) -> dict[str, str]:
    """ISO 3166-2 codes of a country's subdivisions (every level) and their names."""
    if not country:
        return {}
    found = pycountry.subdivisions.get(country_code=country.upper()) or []
    return {s.code: s.name for s in sorted(found, key=lambda s: s.code)}


def add_dashboard(app: FastAPI, *, config: Callable[[], dict[str, object]]) -> None:
    """Serve the dashboard at ``/`` and its files at ``/static``.

    ``config`` answers ``GET /dashboard/config``: ``{"mode": "national", "country": "MX"}``
    or ``{"mode": "regional", "k": 10}``. It tells the page which statistics to ask for.
    """
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="dashboard-static")

    @app.get("/", include_in_schema=False)
    async def _dashboard_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    @app.get("/dashboard/config", tags=["dashboard"], summary="What the dashboard shows")
    async def _dashboard_config() -> JSONResponse:
        return JSONResponse(config(), headers={"Cache-Control": "no-store"})

    @app.get(
        "/dashboard/subdivisions",
        tags=["dashboard"],
        summary="Names of the country's subdivisions (ISO 3166-2), for the subdivision filter",
    )
    async def _dashboard_subdivisions() -> dict[str, str]:
        country = config().get("country")
        return subdivision_names(country if isinstance(country, str) else None)
