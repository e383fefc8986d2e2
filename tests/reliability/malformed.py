"""Messages the workload breaks on purpose: a registration whose body is not JSON, published
now and then as a faulty producer would. Each must end in the dead-letter topic, and be the
only thing there."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import uuid4

from opi.dead_letters import read_dead_letters
from shared.contracts import catalogue
from tests.kafka_helpers import produce
from tests.reliability.invariants import Check

TOPIC = catalogue.CHILD_REGISTERED_V1.topic


@dataclass
class Malformed:
    bootstrap: str
    keys: set[str] = field(default_factory=set)

    async def run(self, seconds: float, count: int) -> None:
        """``count`` of them, spread evenly over ``seconds``."""
        for _ in range(count):
            await asyncio.sleep(seconds / (count + 1))
            await self._send_one()

    async def _send_one(self) -> None:
        key = str(uuid4())
        headers = {
            "ce_id": str(uuid4()),
            "ce_source": "/opi/mx/harness",
            "ce_type": catalogue.CHILD_REGISTERED_V1.type,
            "ce_specversion": "1.0",
            "ce_time": datetime.now(UTC).isoformat(),
            "ce_subject": key,
        }
        for _ in range(30):  # the broker may be down at that moment: the producer waits
            try:
                await produce(
                    self.bootstrap, TOPIC, b"{not json", key=key.encode(), headers=headers
                )
            except Exception:
                await asyncio.sleep(2)
            else:
                self.keys.add(key)
                return


async def only_malformed_dead_lettered(bootstrap: str, malformed: Malformed) -> Check:
    letters = await read_dead_letters(bootstrap, TOPIC)
    keys = {(letter.key or b"").decode() for letter in letters}
    broken = [
        f"{TOPIC}.dlq holds {key}, which the workload did not break"
        for key in keys - malformed.keys
    ]
    broken += [f"malformed {key} was not dead-lettered" for key in malformed.keys - keys]
    return Check(
        "only the deliberately malformed messages dead-lettered", len(malformed.keys), broken
    )
