"""Apache Kafka in KRaft mode (one combined broker and controller) for the integration,
end-to-end and fault suites: the broker production runs, on free ports, with its log
directory on disk so that a stop, or a SIGKILL, keeps what it had acknowledged.

The jars come from Maven Central through ``scripts/fetch-kafka.sh`` (``make kafka``) into
``OPI_KAFKA_HOME``; the fixtures fetch them themselves if they are missing.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

from shared.platform.embedded_broker import free_port, wait_for_port

REPO_ROOT = Path(__file__).resolve().parent.parent
FETCH_SCRIPT = REPO_ROOT / "scripts" / "fetch-kafka.sh"
READY_LINE = "Kafka Server started"

# Tuned for tests on a small machine: groups form at once, short sessions are allowed and
# the internal topics are small; nothing here weakens what the clients are promised.
BROKER_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={log_dir}
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
message.max.bytes=1048588
"""

LOG4J2 = """\
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
"""


def kafka_home() -> Path:
    """Where the jars are, fetched first if they are not there yet."""
    configured = os.environ.get("OPI_KAFKA_HOME")
    if configured and (Path(configured) / ".complete").exists():
        return Path(configured)
    output = subprocess.run(
        ["bash", str(FETCH_SCRIPT), "--print-home"], check=True, capture_output=True, text=True
    )
    return Path(output.stdout.strip().splitlines()[-1])


def _cluster_id() -> str:
    # Kafka's own format: 16 random bytes, URL-safe base64 without padding
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


class ApacheKafka:
    """One Apache Kafka process. ``stop()`` then ``start()`` is a broker restart that keeps
    its data; ``kill()`` is a crash; ``pause()``/``resume()`` freeze it."""

    def __init__(self, port: int | None = None, data_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self.controller_port = free_port()
        self._owns_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="opi-kafka-"))
        self.log_file = self.data_dir / "server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 90.0) -> ApacheKafka:
        home = kafka_home()
        config = self._write_config()
        if not (self.data_dir / "logs" / "meta.properties").exists():
            self._java(
                home,
                "kafka.tools.StorageTool",
                "format",
                f"--cluster-id={_cluster_id()}",
                "-c",
                config,
            )
        started_at = self.log_file.stat().st_size if self.log_file.exists() else 0
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(
                self._command(home, "kafka.Kafka", str(config)),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(started_at, timeout)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """A clean shutdown (SIGTERM): the broker closes its logs; data stays on disk."""
        if self._process is None:
            return
        self.resume()
        self._process.terminate()
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def kill(self) -> None:
        """A crash (SIGKILL): what the broker acknowledged is in the files it wrote."""
        if self._process is None:
            return
        self._process.kill()
        self._process.wait()
        self._process = None

    def pause(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        self.stop()
        if self._owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _write_config(self) -> Path:
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "log4j2.yaml").write_text(LOG4J2)
        config = self.data_dir / "server.properties"
        config.write_text(
            BROKER_PROPERTIES.format(
                port=self.port,
                controller_port=self.controller_port,
                log_dir=self.data_dir / "logs",
            )
        )
        return config

    def _command(self, home: Path, main: str, *arguments: str) -> list[str]:
        return [
            os.environ.get("OPI_KAFKA_JAVA", "java"),
            "-Xms128m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",  # starts in half the time; a test broker is never hot
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.yaml'}",
            "-cp",
            f"{home / 'libs'}/*",
            main,
            *arguments,
        ]

    def _java(self, home: Path, main: str, *arguments: object) -> None:
        subprocess.run(
            self._command(home, main, *map(str, arguments)),
            check=True,
            capture_output=True,
        )

    def _wait_ready(self, offset: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"Apache Kafka exited; see {self.log_file}")
            with open(self.log_file, "rb") as log:
                log.seek(offset)
                if READY_LINE.encode() in log.read():
                    wait_for_port("127.0.0.1", self.port)
                    return
            time.sleep(0.1)
        raise TimeoutError(f"Apache Kafka not ready after {timeout}s; see {self.log_file}")

    def __enter__(self) -> ApacheKafka:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
