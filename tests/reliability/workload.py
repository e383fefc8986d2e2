"""The seeded workload: children from the `opi simulate` profiles, registered, screened (some
re-screened, some with protection needs), released, and a few returns scheduled, through the
real APIs of whichever instance answers, as a load balancer would send them. It keeps the
ground truth: what the platform accepted, and so promised not to lose."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from opi.simulation.live_plan import LiveCase, plan_live_case
from opi.simulation.population import profile_for

ATTEMPTS = 4


@dataclass
class GroundTruth:
    registered: dict[UUID, int] = field(default_factory=dict)  # case id -> plan index
    refused: int = 0  # registrations no instance accepted (the caller was told so)
    screenings: int = 0
    releases: int = 0
    returns_scheduled: int = 0
    returns_refused: int = 0  # 409: the non-refoulement guard said no
    errors: list[str] = field(default_factory=list)


class Balancer:
    """Round-robin over a service's instances; a refused connection or a 5xx moves on."""

    def __init__(self, urls: list[str], token: Callable[[], str]) -> None:
        self._clients = [httpx.AsyncClient(base_url=url, timeout=15) for url in urls]
        self._turn = itertools.cycle(range(len(urls)))
        self._token = token

    async def send(
        self, method: str, path: str, *, retry_5xx: bool, **kwargs: Any
    ) -> httpx.Response | None:
        extra_headers = kwargs.pop("headers", {})
        for attempt in range(ATTEMPTS):
            client = self._clients[next(self._turn)]
            headers = {**extra_headers, "Authorization": f"Bearer {self._token()}"}
            try:
                response = await client.request(method, path, headers=headers, **kwargs)
            except httpx.ConnectError:
                pass  # never reached the instance: safe to send elsewhere
            except httpx.TransportError:
                if not retry_5xx:
                    return None  # may have been applied: not repeated blindly
            else:
                if response.status_code < 500 or not retry_5xx:
                    return response
            await asyncio.sleep(0.5 * 2**attempt)
        return None

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()


class Workload:
    def __init__(
        self, intake: Balancer, referral: Balancer, supervisor: Balancer, seed: int
    ) -> None:
        self.intake, self.referral, self.supervisor = intake, referral, supervisor
        self.truth = GroundTruth()
        self._rng = random.Random(seed)
        self._profile = profile_for("MX")
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, seconds: float, rate_per_second: float) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        for index in itertools.count():
            if loop.time() >= end:
                break
            case = plan_live_case(self._profile, index, self._rng, datetime.now(UTC))
            task = asyncio.create_task(self._live(case, random.Random(self._rng.random())))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(self._rng.expovariate(rate_per_second))
        await asyncio.gather(*list(self._tasks))

    async def _live(self, case: LiveCase, rng: random.Random) -> None:
        try:
            case_id = await self._register(case)
            if case_id is None:
                return
            for body in case.screenings:
                await asyncio.sleep(rng.uniform(0.5, 6))
                response = await self.intake.send(
                    "POST", f"/cases/{case_id}/screening", json=body, retry_5xx=False
                )
                if response is not None and response.status_code == 201:
                    self.truth.screenings += 1
            if case.release is not None and rng.random() < 0.5:
                await asyncio.sleep(rng.uniform(2, 8))
                await self._release(case_id, str(case.release))
            elif rng.random() < 0.1:
                await asyncio.sleep(rng.uniform(1, 4))
                await self._schedule_return(case_id)
        except Exception as error:  # the workload reports, the invariants judge
            self.truth.errors.append(f"case {case.index}: {type(error).__name__}: {error}")

    async def _register(self, case: LiveCase) -> UUID | None:
        # the key makes a retry after a lost answer return the first case, not a second one
        headers = {"Idempotency-Key": f"harness-{case.index}"}
        response = await self.intake.send(
            "POST", "/cases", json=case.registration, headers=headers, retry_5xx=True
        )
        if response is None or response.status_code not in (200, 201):
            self.truth.refused += 1
            return None
        case_id = UUID(response.json()["case_id"])
        self.truth.registered[case_id] = case.index
        return case_id

    async def _release(self, case_id: UUID, reason: str) -> None:
        for _ in range(5):
            params = {"case_id": str(case_id), "active": "true"}
            found = await self.referral.send("GET", "/placements", params=params, retry_5xx=True)
            if found is not None and found.status_code == 200 and found.json():
                path = f"/placements/{found.json()[0]['id']}/release"
                response = await self.referral.send(
                    "POST", path, json={"reason": reason}, retry_5xx=False
                )
                if response is not None and response.status_code == 200:
                    self.truth.releases += 1
                return
            await asyncio.sleep(2)

    async def _schedule_return(self, case_id: UUID) -> None:
        body = {
            "scheduled_for": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            "handover_place": "Ciudad Hidalgo",
            "escorting_officer": "Oficial de guardia",
        }
        response = await self.supervisor.send(
            "POST", f"/cases/{case_id}/return", json=body, retry_5xx=False
        )
        if response is not None and response.status_code in (200, 201):
            self.truth.returns_scheduled += 1
        elif response is not None and response.status_code == 409:
            self.truth.returns_refused += 1
