"""One country of ``opi dev``: its broker, services, mailbox, keys and simulation."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from opi.dev_process import Child, PortPicker, service_environment, spawn
from opi.registry import SERVICES, DevContext
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key
from shared.platform.embedded_broker import EmbeddedBroker
from shared.platform.handover_keys import public_entry

MAILBOX_PORT = 8025
MAILBOX_SMTP_PORT = 2525


class CountryStack:
    """The national instance of one country; the i-th country's ports are shifted by 100 × i."""

    def __init__(
        self,
        settings: Settings,
        *,
        index: int,
        ports: PortPicker,
        kafka_port: int,
        peers_file: Path,
    ) -> None:
        self.settings = settings
        self.country = settings.country.lower()
        self.logs = settings.data_dir / "logs" / self.country
        self.peers_file = peers_file
        self.handover_keys_dir = settings.data_dir / self.country / "handover-keys"
        free_kafka = ports.free or kafka_port == 0
        national_kafka = ports.any() if free_kafka else ports.pick(kafka_port, index)
        self.broker = EmbeddedBroker(national_kafka, log_file=self.logs / "kafka.log")
        self.ports = {
            name: ports.pick(entry.default_port, index) for name, entry in SERVICES.items()
        }
        self.mailbox_port = ports.pick(MAILBOX_PORT, index)
        self.mailbox_smtp_port = ports.pick(MAILBOX_SMTP_PORT, index)
        self.webhook_secret = secrets.token_hex(16)
        self.children: dict[str, Child] = {}
        self.jwks: Path | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def mailbox_url(self) -> str:
        return f"http://127.0.0.1:{self.mailbox_port}"

    def prepare(self) -> dict[str, str]:
        """Make the country's signing and handover keys; returns its public handover keys."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.jwks = ensure_signing_key(self.settings.data_dir, self.settings.realm)
        return public_entry(self.handover_keys_dir)

    def spawn(self, regional_kafka: str) -> list[Child]:
        """Start the mailbox and every service (the broker must be running)."""
        assert self.jwks is not None, "prepare() first"
        self.children["mailbox"] = Child(
            f"{self.country} mailbox",
            spawn(
                [
                    "opi.dev_mailbox",
                    "--directory",
                    str(self.settings.data_dir / "mailbox" / self.country),
                    "--smtp-port",
                    str(self.mailbox_smtp_port),
                    "--http-port",
                    str(self.mailbox_port),
                ],
                {**os.environ, "OPI_DEV_WEBHOOK_SECRET": self.webhook_secret},
                self.logs / "mailbox.log",
            ),
            self.logs / "mailbox.log",
        )
        context = self._context(regional_kafka)
        for name, entry in SERVICES.items():
            env = {
                **service_environment(
                    self.settings, self.ports[name], self.broker.bootstrap_servers, self.jwks
                ),
                **entry.dev_environment(context),
            }
            log = self.logs / f"{name}.log"
            process = spawn(["opi", "serve", name], env, log)
            self.children[name] = Child(f"{self.country} {name}", process, log, self.url(name))
        return list(self.children.values())

    def spawn_simulation(self, arguments: list[str]) -> Child:
        env = {**os.environ, "OPI_DATA_DIR": str(self.settings.data_dir)}
        log = self.logs / "simulation.log"
        command = ["opi", "simulate", "--country", self.country, *arguments]
        child = Child(f"{self.country} simulation", spawn(command, env, log), log)
        self.children["simulation"] = child
        return child

    def _context(self, regional_kafka: str) -> DevContext:
        return DevContext(
            country=self.country,
            data_dir=self.settings.data_dir,
            mailbox_smtp_port=self.mailbox_smtp_port,
            mailbox_url=self.mailbox_url,
            webhook_secret=self.webhook_secret,
            regional_kafka=regional_kafka,
            handover_keys_dir=self.handover_keys_dir,
            handover_peers_file=self.peers_file,
        )

    def manifest_entry(self) -> dict[str, object]:
        return {
            "broker": self.broker.bootstrap_servers,
            "services": {name: self.url(name) for name in SERVICES},
            "dashboard": self.url("reporting"),
            "jwks": str(self.jwks),
            "mailbox": self.mailbox_url,
            "logs": str(self.logs),
        }

    def announcement(self) -> list[str]:
        lines = [f"opi dev: country {self.country}, Kafka at {self.broker.bootstrap_servers}"]
        lines += [
            f"  {name:<13} {self.url(name)}  (docs: {self.url(name)}/docs)" for name in SERVICES
        ]
        lines.append(
            f"  mailbox       {self.mailbox_url}  (what consulates, authorities, shelters "
            "and supervisors received)"
        )
        return lines
