"""Operators inspect dead letters and replay them with `opi dead-letters show|replay`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from uuid import uuid4

from services.intake.main import create_app
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, headers_of, produce


def _opi(bootstrap: str, *args: str) -> str:
    env = {**os.environ, "OPI_KAFKA_BOOTSTRAP_SERVERS": bootstrap}
    command = [sys.executable, "-m", "opi", "dead-letters", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


async def test_show_and_replay_dead_letters(own_kafka, tmp_path, make_settings) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
    )
    bootstrap = own_kafka.bootstrap_servers
    ce_id = str(uuid4())
    headers = {
        "ce_id": ce_id,
        "ce_source": "/opi/mx/referral",
        "ce_specversion": "1.0",
        "ce_type": "org.rcm.opi.shelter-assigned.v1",
        "ce_time": "2026-11-21T10:00:00Z",
    }
    async with RunningService(create_app(settings)):
        await produce(bootstrap, "shelter-assigned", b"[]", key=b"case-1", headers=headers)
        async with TopicReader(bootstrap, "shelter-assigned.dlq") as reader:
            await reader.read_until(lambda rs: len(rs) == 1)

        shown = await asyncio.to_thread(_opi, bootstrap, "show", "shelter-assigned")
        (letter,) = [json.loads(line) for line in shown.splitlines()]
        assert letter["ce_id"] == ce_id and letter["key"] == "case-1"
        assert (
            letter["origin"].startswith("shelter-assigned[")
            and "ValidationError" in letter["reason"]
        )

        replayed = await asyncio.to_thread(
            _opi, bootstrap, "replay", "shelter-assigned", "--offset", str(letter["offset"])
        )
        assert "replayed 1 dead letter(s)" in replayed
        async with TopicReader(bootstrap, "shelter-assigned") as origin:
            records = await origin.read_until(lambda rs: len(rs) == 2)
        again = headers_of(records[1])
        assert again["ce_id"] == ce_id and not any(k.startswith("dlq_") for k in again)
        assert records[1].value == b"[]" and records[1].key == b"case-1"
        # still poison, so it is dead-lettered again rather than lost
        async with TopicReader(bootstrap, "shelter-assigned.dlq") as reader:
            await reader.read_until(lambda rs: len(rs) == 2)
