"""The reporting dashboard: a static, offline page served by the reporting service.

The page holds no data of its own. ``GET /`` and the files under ``/static`` are public;
every number the page shows comes from the statistics API with the user's bearer token,
so serving the page needs no authentication. Everything the page runs is a file of this
package (Chart.js is vendored), which lets the HTML carry a strict Content-Security-Policy:
no inline script or style, no other origin.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from pathlib import Path

import pycountry
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
# Module scripts load only with a JavaScript type; some systems' tables say text/plain.
mimetypes.add_type("text/javascript", ".js")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# The page's icon (an SVG outline of a place marker); served from here rather than as a file,
# so that it needs no entry of its own among the package's data files.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="#14324a"/>'
    '<path d="M16 6.5c-3.3 0-6 2.6-6 5.9 0 4.9 6 11.6 6 11.6s6-6.7 6-11.6c0-3.3-2.7-5.9-6-5.9z" '
    'fill="none" stroke="#ffffff" stroke-width="2"/>'
    '<circle cx="16" cy="12.3" r="2.2" fill="#f0b357"/></svg>'
)

_PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


class _DashboardFiles(StaticFiles):
    """The page's files, revalidated on every load (a cheap 304 while unchanged), so that
    a new version of the service never runs with yesterday's scripts from the cache."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


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
    app.mount("/static", _DashboardFiles(directory=STATIC_DIR), name="dashboard-static")

    @app.get("/", include_in_schema=False)
    async def _dashboard_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    @app.get("/favicon.svg", include_in_schema=False)
    async def _dashboard_icon() -> Response:
        return Response(
            FAVICON_SVG,
            media_type="image/svg+xml",
            headers={"Cache-Control": "max-age=86400"},
        )

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
