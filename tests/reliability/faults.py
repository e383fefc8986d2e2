"""The seeded fault schedule: processes killed, the broker stopped or crashed, the databases
refusing connections, a consulate slow and then failing. After each fault it measures how
long the stack took to be healthy again."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field

import asyncpg
import httpx

from shared.platform.dev_postgres import LOCAL_ADMIN_DSN
from tests.reliability.receivers import Consulates
from tests.reliability.stack import Instance, Stack

KINDS = ("kill", "kill", "kafka", "postgres", "consulate")  # a kill twice as often
RECOVERY_LIMIT = 180.0


@dataclass
class Fault:
    kind: str
    target: str
    started: float
    lasted: float = 0.0
    recovered_in: float | None = None  # None: not healthy again within the limit


@dataclass
class FaultLog:
    faults: list[Fault] = field(default_factory=list)
    notification_kills: list[float] = field(default_factory=list)  # monotonic times
    database_outages: list[tuple[float, float]] = field(default_factory=list)


class FaultSchedule:
    def __init__(self, stack: Stack, consulates: Consulates, seed: int) -> None:
        self.stack, self.consulates = stack, consulates
        self.rng = random.Random(seed)
        self.log = FaultLog()
        self._victims: list[Instance] = []

    async def run(
        self, until: float, rounds: int | None = None, gap: tuple[float, float] = (4.0, 12.0)
    ) -> None:
        """Faults one after another until ``until`` (monotonic), or for ``rounds`` rounds of
        the shuffled cycle of kinds however long they take, so that a short run meets every
        kind of fault."""
        kinds: list[str] = []
        done = 0
        while rounds is not None or time.monotonic() < until:
            if not kinds:
                if rounds is not None and done == rounds:
                    break
                kinds = list(KINDS)
                self.rng.shuffle(kinds)
                done += 1
            await asyncio.sleep(self.rng.uniform(*gap))
            if rounds is None and time.monotonic() >= until:
                break
            await self._inject(kinds.pop())

    async def _inject(self, kind: str) -> None:
        fault = Fault(kind, "", time.monotonic())
        self.log.faults.append(fault)
        if kind == "kill":
            await self._kill(fault)
        elif kind == "kafka":
            await self._broker(fault)
        elif kind == "postgres":
            await self._postgres(fault)
        else:
            await self._consulate(fault)
        fault.lasted = time.monotonic() - fault.started
        fault.recovered_in = await self._recovery()

    async def _kill(self, fault: Fault) -> None:
        if not self._victims:  # every instance dies once before any dies twice
            self._victims = list(self.stack.instances)
            self.rng.shuffle(self._victims)
        instance = self._victims.pop()
        fault.target = instance.label
        if instance.service == "notification":
            self.log.notification_kills.append(time.monotonic())
        instance.crash()
        await asyncio.sleep(self.rng.uniform(1, 6))
        await instance.start()

    async def _broker(self, fault: Fault) -> None:
        crash = self.rng.random() < 0.5
        fault.target = "kafka (SIGKILL)" if crash else "kafka (stopped)"
        kafka = self.stack.kafka
        await asyncio.to_thread(kafka.kill if crash else kafka.stop)
        await asyncio.sleep(self.rng.uniform(5, 15))
        await asyncio.to_thread(kafka.start)

    async def _postgres(self, fault: Fault) -> None:
        """Every database of the stack refuses new connections and loses its open ones."""
        names = [_database_name(url) for url in self.stack.databases.values()]
        fault.target = "postgresql (all databases)"
        admin = await asyncpg.connect(LOCAL_ADMIN_DSN)
        try:
            for name in names:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1)",
                names,
            )
            await asyncio.sleep(self.rng.uniform(10, 25))
        finally:
            for name in names:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.close()
            self.log.database_outages.append((fault.started, time.monotonic()))

    async def _consulate(self, fault: Fault) -> None:
        fault.target = "consulate webhook (slow, then failing)"
        self.consulates.mode = "slow"
        await asyncio.sleep(self.rng.uniform(10, 20))
        self.consulates.mode = "failing"
        await asyncio.sleep(self.rng.uniform(10, 20))
        self.consulates.mode = "healthy"

    async def _recovery(self) -> float | None:
        began = time.monotonic()
        while time.monotonic() - began < RECOVERY_LIMIT:
            if await stack_healthy(self.stack):
                return time.monotonic() - began
            await asyncio.sleep(0.5)
        return None


async def stack_healthy(stack: Stack) -> bool:
    async with httpx.AsyncClient(timeout=5) as client:
        for instance in stack.instances:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                health = (await client.get(f"{instance.url}/health")).json()
                if health.get("status") == "ok" and all(
                    value == "ok" for value in health.get("checks", {}).values()
                ):
                    continue
            return False
    return True


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]
