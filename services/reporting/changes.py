"""Tells waiting dashboards that the statistics changed (long polling)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable


class ChangeSignal:
    def __init__(self, *, poll_interval: float = 1.0) -> None:
        self._changed = asyncio.Event()
        self._poll_interval = poll_interval

    def notify(self) -> None:
        # every waiter holds the event of its own generation: set it, start a new one
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_for_change(
        self, since: int, current: Callable[[], Awaitable[int]], *, seconds: float
    ) -> int:
        """The version as soon as it differs from ``since``, or after ``seconds``. It is
        also re-read every ``poll_interval``, for changes applied by another instance."""
        deadline = time.monotonic() + seconds
        while True:
            changed = self._changed
            version = await current()
            remaining = deadline - time.monotonic()
            if version != since or remaining <= 0:
                return version
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(self._poll_interval, remaining))
