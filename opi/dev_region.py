"""The region of ``opi dev``: one regional Kafka and the regional (RCM) reporting service,
shared by every country started (on a machine of their own in production)."""

from __future__ import annotations

from pathlib import Path

from opi.dev_process import Child, PortPicker, service_environment, spawn
from opi.registry import REGIONAL_PORT
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key
from shared.platform.embedded_broker import EmbeddedBroker

REGIONAL = "regional-reporting"


class RegionStack:
    def __init__(self, settings: Settings, *, ports: PortPicker, kafka_port: int) -> None:
        self.settings = settings.model_copy(update={"reporting_regional": True})
        self.logs = settings.data_dir / "logs"
        # the regional Kafka listens next to the first country's (9093 beside 9092)
        free_kafka = ports.free or kafka_port == 0
        self.broker = EmbeddedBroker(
            ports.any() if free_kafka else kafka_port + 1,
            log_file=self.logs / "regional-kafka.log",
        )
        self.port = ports.pick(REGIONAL_PORT)
        self.child: Child | None = None
        self.jwks: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.jwks = ensure_signing_key(self.settings.data_dir, self.settings.realm)

    def spawn(self) -> Child:
        assert self.jwks is not None, "prepare() first"
        kafka = self.broker.bootstrap_servers
        env = service_environment(self.settings, self.port, kafka, self.jwks)
        env["OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS"] = kafka
        log = self.logs / f"{REGIONAL}.log"
        process = spawn(["opi", "serve", "reporting", "--regional"], env, log)
        self.child = Child("regional reporting", process, log, self.url)
        return self.child

    def manifest_entry(self) -> dict[str, str]:
        return {
            "broker": self.broker.bootstrap_servers,
            "reporting": self.url,
            "dashboard": self.url,
        }

    def announcement(self) -> list[str]:
        return [
            f"  {'regional':<13} {self.url}  (RCM statistics; regional Kafka at "
            f"{self.broker.bootstrap_servers})"
        ]
