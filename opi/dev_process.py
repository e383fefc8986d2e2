"""The child processes of ``opi dev``: ports, environments, spawning, health and failures."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.platform.config import Settings
from shared.platform.embedded_broker import free_port

PORT_STEP = 100
"""The i-th country of `opi dev --countries` listens on the first one's ports plus 100 × i."""


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) arrived while `opi dev` was still starting."""


class ChildFailed(RuntimeError):
    """A child process of `opi dev` exited, or never became healthy."""


class PortPicker:
    """Default ports shifted by the country's index, or free ones (never the same one twice)."""

    def __init__(self, free: bool) -> None:
        self.free = free
        self._taken: set[int] = set()

    def pick(self, default: int, index: int = 0) -> int:
        return self.any() if self.free else default + PORT_STEP * index

    def any(self) -> int:
        port = free_port()
        while port in self._taken:
            port = free_port()
        self._taken.add(port)
        return port


@dataclass
class Child:
    """A running child: what it is called in messages, its log, its health URL (if any)."""

    label: str
    process: subprocess.Popen[bytes]
    log: Path
    health_url: str | None = None

    def failure(self) -> str:
        code = self.process.returncode
        return f"{self.label} exited (code {code}); see {self.log}"


def service_environment(settings: Settings, port: int, kafka: str, jwks: Path) -> dict[str, str]:
    return {
        **os.environ,
        "OPI_COUNTRY": settings.country,
        "OPI_DATA_DIR": str(settings.data_dir),
        "OPI_HTTP_PORT": str(port),
        "OPI_KAFKA_BOOTSTRAP_SERVERS": kafka,
        "OPI_AUTH_JWKS_FILE": str(jwks),
        # Tansu holds every fetch for the full wait, even when data is there
        "OPI_KAFKA_FETCH_MAX_WAIT_MS": "10",
        "OPI_KAFKA_SESSION_TIMEOUT_MS": "2000",
        "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
        "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "5000",
        # the embedded broker has no idempotent producer; Apache Kafka in production does
        "OPI_KAFKA_ENABLE_IDEMPOTENCE": "false",
    }


def spawn(arguments: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`python -m <arguments>` in a session of its own (Ctrl-C is for `opi dev` to handle)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    output = open(log, "ab")  # noqa: SIM115 - owned by the child process
    return subprocess.Popen(
        [sys.executable, "-m", *arguments],
        env={**env, "PYTHONUNBUFFERED": "1"},  # the logs follow as things happen
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_healthy(
    children: list[Child], stopping: Callable[[], bool], timeout: float = 120.0
) -> None:
    """Wait until every child with a health URL answers 200, all of them polled together."""
    pending = [child for child in children if child.health_url is not None]
    deadline = time.monotonic() + timeout
    while pending:
        if stopping():
            raise Interrupted
        for child in list(pending):
            if child.process.poll() is not None:
                raise ChildFailed(child.failure())
            try:
                if httpx.get(f"{child.health_url}/health", timeout=1).status_code == 200:
                    pending.remove(child)
            except httpx.HTTPError:
                pass
        if pending and time.monotonic() > deadline:
            names = ", ".join(child.label for child in pending)
            raise ChildFailed(f"not healthy after {timeout:g} s: {names}")
        time.sleep(0.2)
    # children without a health URL (the mailboxes) must at least still be running
    for child in children:
        if child.process.poll() is not None:
            raise ChildFailed(child.failure())


def terminate(children: list[Child], timeout: float = 15.0) -> None:
    """SIGTERM every child, then wait for each (killing those that do not stop in time)."""
    for child in children:
        if child.process.poll() is None:
            child.process.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
