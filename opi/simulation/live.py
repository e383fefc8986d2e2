"""Drive the running intake and referral services of one country with synthetic children:
registrations arrive as a Poisson process in real time; screenings and releases follow
after simulated delays compressed by ``speed`` (simulated seconds per real second).

Every choice comes from the seed; only the timing of the services' answers is real.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from opi.simulation.live_client import LiveClient, SimulationSummary, TokenFactory
from opi.simulation.live_plan import LiveCase, plan_live_case
from opi.simulation.population import profile_for
from opi.simulation.profile import CountryProfile

DEFAULT_SPEED = 360.0  # an hour of the simulated day passes in 10 real seconds


async def run_simulation(
    *,
    intake_url: str,
    referral_url: str,
    rate_per_minute: float,
    duration_seconds: float,
    country: str = "MX",
    seed: int = 1,
    speed: float = DEFAULT_SPEED,
    token_factory: TokenFactory,
    stop: asyncio.Event | None = None,
    echo: Callable[[str], None] = print,
    progress_seconds: float = 10.0,
    grace_seconds: float = 10.0,
) -> SimulationSummary:
    """Run until ``duration_seconds`` have passed (0: until ``stop`` is set), then give the
    children already registered ``grace_seconds`` to finish their steps."""
    if rate_per_minute <= 0 or speed <= 0:
        raise ValueError("rate_per_minute and speed must be positive")
    profile = profile_for(country)
    stop = stop or asyncio.Event()
    summary = SimulationSummary()
    run = uuid.uuid4().hex[:8]  # idempotency keys of one run never clash with another's
    async with LiveClient(intake_url, referral_url, token_factory, summary, f"sim-{run}") as api:
        simulator = _Simulator(api, profile, seed, speed, stop)
        reporter = asyncio.create_task(_report(summary, echo, progress_seconds))
        try:
            await simulator.arrivals(rate_per_minute, duration_seconds)
            await simulator.finish(grace_seconds)
        finally:
            reporter.cancel()
            await simulator.cancel()
    echo(f"simulation finished: {summary.line()}")
    return summary


class _Simulator:
    def __init__(
        self, api: LiveClient, profile: CountryProfile, seed: int, speed: float, stop: asyncio.Event
    ) -> None:
        self.api = api
        self.profile = profile
        self.seed = seed
        self.speed = speed
        self.stop = stop
        self.tasks: set[asyncio.Task[None]] = set()

    async def arrivals(self, rate_per_minute: float, duration_seconds: float) -> None:
        """Poisson arrivals: exponential gaps between registrations, in real time."""
        gaps = random.Random(self.seed)
        deadline = time.monotonic() + duration_seconds if duration_seconds > 0 else None
        index = 0
        while not self.stop.is_set():
            gap = gaps.expovariate(rate_per_minute / 60)
            if deadline is not None and time.monotonic() + gap > deadline:
                await self._pause(deadline - time.monotonic())
                return
            if await self._pause(gap):
                return
            # a generator per child: its choices do not depend on the others' timing
            rng = random.Random(self.seed * 1_000_003 + index)
            case = plan_live_case(self.profile, index, rng, datetime.now(UTC))
            task = asyncio.create_task(self._live(case))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            index += 1

    async def _pause(self, seconds: float) -> bool:
        """Sleep, or wake early when told to stop; True if stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), max(0.0, seconds))
        return self.stop.is_set()

    async def _live(self, case: LiveCase) -> None:
        case_id = await self.api.register(case)
        if case_id is None:
            return
        await asyncio.sleep(case.screen_after_hours * 3600 / self.speed)
        for sequence, screening in enumerate(case.screenings, start=1):
            if sequence > 1:
                await asyncio.sleep(case.rescreen_after_hours * 3600 / self.speed)
            if not await self.api.screen(case_id, screening, sequence):
                return
        if case.release is not None:
            await asyncio.sleep(case.release_after_hours * 3600 / self.speed)
            await self.api.release(case_id, case.release)

    async def finish(self, grace_seconds: float) -> None:
        """Let the children in flight finish their steps, unless told to stop."""
        deadline = time.monotonic() + grace_seconds
        while self.tasks and not self.stop.is_set() and time.monotonic() < deadline:
            await asyncio.wait(set(self.tasks), timeout=min(0.2, deadline - time.monotonic()))

    async def cancel(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def _report(summary: SimulationSummary, echo: Callable[[str], None], every: float) -> None:
    while True:
        await asyncio.sleep(every)
        echo(f"simulation: {summary.line()}")
