"""Long-polling of the regional projection version: the national service's change signal,
reading the regional version."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.reporting.changes import ChangeSignal
from services.reporting.regional.projection import current_version


class VersionWatch:
    """Woken by this instance's consumer; the version is re-read every ``poll_interval``
    seconds too, since another instance may have applied the event."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, poll_interval: float = 1.0
    ) -> None:
        self._sessions = sessions
        self._signal = ChangeSignal(poll_interval=poll_interval)

    def notify(self) -> None:
        self._signal.notify()

    async def _current(self) -> int:
        # a short session per look: on SQLite one pooled connection serves everyone
        async with self._sessions() as session:
            return await current_version(session)

    async def wait_for_change(self, since: int, wait_seconds: float) -> int:
        return await self._signal.wait_for_change(since, self._current, seconds=wait_seconds)
