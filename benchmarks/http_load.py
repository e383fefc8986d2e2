"""The load generator: a fixed number of ``POST /cases`` kept in flight over keep-alive
connections, each timed from send to the end of the response."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx


@dataclass
class LoadResult:
    started: float  # perf_counter of the first send
    finished: float  # perf_counter of the last response
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    sent_at: dict[str, float] = field(default_factory=dict)  # case id -> perf_counter of send
    outcomes: Counter[str] = field(default_factory=Counter)  # HTTP status or transport error
    examples: list[str] = field(default_factory=list)  # the first few failures, for the report

    @property
    def elapsed(self) -> float:
        return self.finished - self.started

    @property
    def succeeded(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.outcomes.values()) - self.succeeded

    def fail(self, outcome: str, detail: str) -> None:
        self.outcomes[outcome] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{outcome}: {detail}")


def client(base_url: str, token: str, concurrency: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        timeout=60,
    )


async def register_all(
    http: httpx.AsyncClient, bodies: list[bytes], concurrency: int, *, idempotency_keys: bool
) -> LoadResult:
    """Send every body once with ``concurrency`` requests in flight; never raises for a
    failed request, it is counted instead."""
    queue = iter(bodies)
    result = LoadResult(started=time.perf_counter(), finished=0.0)

    async def worker() -> None:
        for body in queue:  # the shared iterator hands each body to exactly one worker
            headers = {"Idempotency-Key": str(uuid.uuid4())} if idempotency_keys else None
            sent = time.perf_counter()
            try:
                response = await http.post("/cases", content=body, headers=headers)
            except httpx.HTTPError as error:
                result.fail(type(error).__name__, repr(error))
                continue
            done = time.perf_counter()
            if response.status_code == 201:
                result.outcomes["201"] += 1
                result.latencies.append(done - sent)
                result.sent_at[json.loads(response.content)["case_id"]] = sent
            else:
                result.fail(str(response.status_code), response.text[:300])

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.finished = time.perf_counter()
    return result
