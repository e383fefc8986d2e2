"""Places pending cases as soon as a place frees up: woken after a release or a shelter
change, and every ``placement_sweep_interval_seconds`` in case another instance freed it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.referral import placement_queries, placements
from shared.platform.wakeup import Wakeup

log = logging.getLogger(__name__)

PENDING = Gauge(
    "opi_referral_pending_placements", "Cases waiting for a shelter place (at the last sweep)"
)
PLACED = Counter("opi_referral_pending_placed_total", "Pending cases placed when a place freed")


class PendingPlacementSweeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        country: str,
        interval: float,
        clock: Callable[[], datetime],
        on_placed: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._country = country
        self._clock = clock
        self._on_placed = on_placed
        self._wakeup = Wakeup(interval)

    def wake(self) -> None:
        self._wakeup.ring()

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("pending-placement sweep failed")
            await self._wakeup.wait()

    async def sweep(self) -> int:
        """Try every pending case, oldest first; returns how many were placed."""
        async with self._sessions() as session:
            case_ids = await placement_queries.pending_case_ids(session)
        placed = 0
        for case_id in case_ids:
            async with self._sessions() as session, session.begin():
                placed += await placements.place_pending_case(
                    session, case_id, country=self._country, now=self._clock()
                )
        async with self._sessions() as session:
            PENDING.set(await placement_queries.pending_count(session))
        PLACED.inc(placed)
        if placed:
            log.info("placed %d pending case(s)", placed)
            self._on_placed()
        return placed
