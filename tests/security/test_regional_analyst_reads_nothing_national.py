"""A regional analyst reads regional statistics only: every route of every national service
refuses the role (403), and a token of the regional realm is not even trusted (401)."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import pytest

from opi.registry import SERVICES

PUBLIC = {"/health", "/metrics", "/asyncapi", "/", "/dashboard/config", "/dashboard/subdivisions"}


def _routes(app) -> list[tuple[str, str]]:
    """Every documented operation (the OpenAPI document lists the routers' routes too)."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        if template not in PUBLIC:
            path = re.sub(r"\{[^}]+\}", str(uuid4()), template)
            found.extend((method.upper(), path) for method in sorted(operations))
    return found


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_no_national_route_answers_a_regional_analyst(
    service, make_settings, token_for, tmp_path
) -> None:
    settings = make_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    app = SERVICES[service].create_app(settings)
    national_analyst = token_for(settings, "regional-analyst")
    regional = make_settings(reporting_regional=True)
    regional_analyst = token_for(regional, "regional-analyst")
    routes = _routes(app)
    assert routes, f"{service} has no protected route?"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for method, path in routes:
            for token, expected in ((national_analyst, 403), (regional_analyst, 401)):
                answer = await http.request(
                    method, path, headers={"Authorization": f"Bearer {token}"}, json={}
                )
                assert answer.status_code == expected, (method, path, answer.text)
