"""Long-polling of the projection version: the dashboard asks "has anything changed since
version N?" and is answered as soon as it has, or when the wait is over."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.regional.projection import current_version


class VersionWatch:
    """Woken by this instance's consumer; it also re-reads the database every
    ``poll_interval`` seconds, since another instance may have applied the event."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, poll_interval: float = 1.0
    ) -> None:
        self._sessions = sessions
        self._poll_interval = poll_interval
        self._changed = asyncio.Event()

    def notify(self) -> None:
        # one event per generation: every waiter of this generation wakes up
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(self, since: int, wait_seconds: float) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            changed = self._changed
            # a short session per look: on SQLite one pooled connection serves everyone
            async with self._sessions() as session:
                version = await current_version(session)
            remaining = deadline - loop.time()
            if version != since or remaining <= 0:
                return version
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, self._poll_interval))
