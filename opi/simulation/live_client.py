"""The HTTP side of the live simulator: intake and referral calls with retries of transient
failures, development tokens refreshed before they expire, and the running counts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from uuid import UUID

import httpx

from opi.simulation.live_plan import LiveCase
from shared.contracts.placement import ReleaseReason
from shared.platform.roles import Role

log = logging.getLogger(__name__)

TokenFactory = Callable[[str], str]  # realm role -> bearer token
TOKEN_REFRESH_SECONDS = 600.0
ATTEMPTS = 3
PLACEMENT_LOOKUPS = 5  # the placement may still be pending, or referral still consuming


@dataclass
class SimulationSummary:
    registered: int = 0
    screened: int = 0
    rescreened: int = 0
    released: int = 0
    not_placed: int = 0  # no active placement found when a release was due
    errors: int = 0

    def line(self) -> str:
        return (
            f"{self.registered} registered, {self.screened} screened "
            f"({self.rescreened} re-screened), {self.released} released, "
            f"{self.not_placed} not placed at release time, {self.errors} errors"
        )


class _Bearer(httpx.Auth):
    """A development token per role, minted again every few minutes (they expire)."""

    def __init__(self, factory: TokenFactory, role: str) -> None:
        self.factory, self.role = factory, role
        self.token, self.minted = "", float("-inf")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if time.monotonic() - self.minted > TOKEN_REFRESH_SECONDS:
            self.token, self.minted = self.factory(self.role), time.monotonic()
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class LiveClient:
    def __init__(
        self,
        intake_url: str,
        referral_url: str,
        tokens: TokenFactory,
        summary: SimulationSummary,
        key_prefix: str,
    ) -> None:
        self.intake = httpx.AsyncClient(
            base_url=intake_url, auth=_Bearer(tokens, Role.OPI_OFFICER), timeout=30
        )
        self.referral = httpx.AsyncClient(
            base_url=referral_url, auth=_Bearer(tokens, Role.SHELTER_COORDINATOR), timeout=30
        )
        self.summary = summary
        self.key_prefix = key_prefix

    async def __aenter__(self) -> LiveClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.intake.aclose()
        await self.referral.aclose()

    async def register(self, case: LiveCase) -> UUID | None:
        # the key makes a retry after a lost answer safe: the first case is returned
        headers = {"Idempotency-Key": f"{self.key_prefix}-{case.index}"}
        response = await self._send(
            self.intake, "POST", "/cases", json=case.registration, headers=headers
        )
        if response is None:
            return None
        self.summary.registered += 1
        return UUID(response.json()["case_id"])

    async def screen(self, case_id: UUID, body: dict[str, Any], sequence: int) -> bool:
        # not idempotent: retried only when the request surely never arrived
        response = await self._send(
            self.intake, "POST", f"/cases/{case_id}/screening", json=body, idempotent=False
        )
        if response is not None:
            self.summary.screened += 1
            self.summary.rescreened += int(sequence > 1)
        return response is not None

    async def release(self, case_id: UUID, reason: ReleaseReason) -> None:
        for attempt in range(PLACEMENT_LOOKUPS):
            params = {"case_id": str(case_id), "active": "true"}
            found = await self._send(self.referral, "GET", "/placements", params=params)
            if found is None:
                return
            if placements := found.json():
                path = f"/placements/{placements[0]['id']}/release"
                if await self._send(self.referral, "POST", path, json={"reason": str(reason)}):
                    self.summary.released += 1
                return
            await asyncio.sleep(0.5 * (attempt + 1))
        self.summary.not_placed += 1

    async def _send(
        self,
        client: httpx.AsyncClient,
        method: str,
        path: str,
        *,
        idempotent: bool = True,
        **kwargs: Any,
    ) -> httpx.Response | None:
        """The response, or None after logging a failure: the simulation carries on."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = await client.request(method, path, **kwargs)
            except httpx.TransportError as error:
                retry = idempotent or isinstance(error, httpx.ConnectError)
                problem = f"{type(error).__name__}: {error}"
            else:
                if response.is_success:
                    return response
                retry = response.status_code >= 500 and idempotent
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
            if not retry or attempt == ATTEMPTS:
                break
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        log.warning("simulation: %s %s failed: %s", method, path, problem)
        self.summary.errors += 1
        return None
