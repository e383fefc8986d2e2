"""The doorbell of a background loop (outbox relay, delivery worker, pending-placement
sweeper): rung right after a commit that gave it work, otherwise it polls at an interval."""

from __future__ import annotations

import asyncio
import contextlib


class Wakeup:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    async def wait(self) -> None:
        """Until rung, or the interval passes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout=self.interval)
        self._event.clear()
