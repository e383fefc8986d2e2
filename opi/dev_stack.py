"""``opi dev``: one national instance on this machine, every service as its own process."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from opi.registry import REGIONAL_PORT, SERVICES, DevContext
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token
from shared.platform.embedded_broker import EmbeddedBroker, free_port

REGIONAL = "regional-reporting"


@dataclass(frozen=True)
class SimulationPlan:
    """What `opi dev --simulate` asks of `opi simulate`."""

    rate_per_minute: float
    duration_seconds: float
    seed: int

    def arguments(self) -> list[str]:
        return [
            "--rate",
            str(self.rate_per_minute),
            "--duration",
            str(self.duration_seconds),
            "--seed",
            str(self.seed),
        ]

    def describe(self) -> str:
        return f"{self.rate_per_minute:g} arrivals a minute for {self.duration_seconds:g} s"


DASHBOARD_TOKEN_SECONDS = 12 * 3600


class DevStack:
    def __init__(
        self,
        settings: Settings,
        *,
        kafka_port: int,
        free_ports: bool,
        simulate: SimulationPlan | None = None,
    ) -> None:
        self.settings = settings
        self.regional_settings = settings.model_copy(update={"reporting_regional": True})
        self.country = settings.country.lower()
        self.logs = settings.data_dir / "logs" / self.country
        self.broker = EmbeddedBroker(kafka_port or None, log_file=self.logs / "kafka.log")
        self.regional_broker = EmbeddedBroker(
            None if free_ports or kafka_port == 0 else kafka_port + 1,
            log_file=settings.data_dir / "logs" / "regional-kafka.log",
        )
        self.simulate = simulate
        self.ports = {
            name: free_port() if free_ports else entry.default_port
            for name, entry in SERVICES.items()
        }
        self.ports[REGIONAL] = free_port() if free_ports else REGIONAL_PORT
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.mailbox_smtp_port = free_port() if free_ports else 2525
        self.mailbox_port = free_port() if free_ports else 8025
        self.webhook_secret = secrets.token_hex(16)

    def run(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        stopping = False

        def _stop(_signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            self.start()
            while not stopping:
                self._watch()
                time.sleep(0.5)
        finally:
            self.stop()

    def start(self) -> None:
        jwks = ensure_signing_key(self.settings.data_dir, self.settings.realm)
        regional_jwks = ensure_signing_key(self.settings.data_dir, self.regional_settings.realm)
        self.broker.start()
        self.regional_broker.start()
        self.processes["mailbox"] = self._spawn_mailbox()
        for name in SERVICES:
            self.processes[name] = self._spawn(name, jwks)
        self.processes[REGIONAL] = self._spawn_regional(regional_jwks)
        for name in self.ports:
            self._wait_healthy(name)
        if self.simulate is not None:
            self.processes["simulation"] = self._spawn_simulation(self.simulate)
        self._write_manifest(jwks)
        self._announce()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.broker.stop()
        self.regional_broker.stop()
        print("opi dev: stopped", flush=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def mailbox_url(self) -> str:
        return f"http://127.0.0.1:{self.mailbox_port}"

    def _context(self) -> DevContext:
        return DevContext(
            country=self.country,
            data_dir=self.settings.data_dir,
            mailbox_smtp_port=self.mailbox_smtp_port,
            mailbox_url=self.mailbox_url,
            webhook_secret=self.webhook_secret,
            regional_kafka=self.regional_broker.bootstrap_servers,
        )

    def _spawn_mailbox(self) -> subprocess.Popen[bytes]:
        log = open(self.logs / "mailbox.log", "ab")  # noqa: SIM115 - owned by the child process
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "opi.dev_mailbox",
                "--directory",
                str(self.settings.data_dir / "mailbox" / self.country),
                "--smtp-port",
                str(self.mailbox_smtp_port),
                "--http-port",
                str(self.mailbox_port),
            ],
            env={**os.environ, "OPI_DEV_WEBHOOK_SECRET": self.webhook_secret},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _environment(self, name: str, kafka: str, jwks: Path) -> dict[str, str]:
        return {
            **os.environ,
            "OPI_COUNTRY": self.settings.country,
            "OPI_DATA_DIR": str(self.settings.data_dir),
            "OPI_HTTP_PORT": str(self.ports[name]),
            "OPI_KAFKA_BOOTSTRAP_SERVERS": kafka,
            "OPI_AUTH_JWKS_FILE": str(jwks),
            # Tansu holds every fetch for the full wait, even when data is there
            "OPI_KAFKA_FETCH_MAX_WAIT_MS": "10",
            "OPI_KAFKA_SESSION_TIMEOUT_MS": "2000",
            "OPI_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            "OPI_KAFKA_REBALANCE_TIMEOUT_MS": "5000",
        }

    def _run(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child process
        return subprocess.Popen(
            [sys.executable, "-m", "opi", *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _spawn(self, name: str, jwks: Path) -> subprocess.Popen[bytes]:
        env = {
            **self._environment(name, self.broker.bootstrap_servers, jwks),
            **SERVICES[name].dev_environment(self._context()),
        }
        return self._run(name, ["serve", name], env)

    def _spawn_regional(self, jwks: Path) -> subprocess.Popen[bytes]:
        """The regional (RCM) statistics: on a machine of its own in production."""
        env = self._environment(REGIONAL, self.regional_broker.bootstrap_servers, jwks)
        env["OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS"] = self.regional_broker.bootstrap_servers
        return self._run(REGIONAL, ["serve", "reporting", "--regional"], env)

    def _spawn_simulation(self, plan: SimulationPlan) -> subprocess.Popen[bytes]:
        env = {**os.environ, "OPI_DATA_DIR": str(self.settings.data_dir)}
        return self._run(
            "simulation", ["simulate", "--country", self.country, *plan.arguments()], env
        )

    def _wait_healthy(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
            try:
                if httpx.get(f"{self.url(name)}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{name} not healthy after {timeout}s")

    def _watch(self) -> None:
        for name, process in self.processes.items():
            # a simulation of limited duration ends on its own; the platform keeps running
            if process.poll() is not None and name != "simulation":
                raise RuntimeError(f"{name} stopped; see {self.logs / (name + '.log')}")

    def _write_manifest(self, jwks: Path) -> None:
        manifest_path = self.settings.data_dir / "dev.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        manifest[self.country] = {
            "broker": self.broker.bootstrap_servers,
            "services": {name: self.url(name) for name in SERVICES},
            "dashboard": self.url("reporting"),
            "jwks": str(jwks),
            "mailbox": self.mailbox_url,
            "logs": str(self.logs),
        }
        manifest["regional"] = {
            "broker": self.regional_broker.bootstrap_servers,
            "reporting": self.url(REGIONAL),
            "dashboard": self.url(REGIONAL),
        }
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    def _token(self, settings: Settings, role: str) -> str:
        return mint_token(
            settings.data_dir,
            settings.realm,
            issuer=settings.issuer,
            subject=f"dev-{role}",
            roles=[role],
            username=f"dev-{role}",
            lifetime_seconds=DASHBOARD_TOKEN_SECONDS,
        )

    def _announce(self) -> None:
        print(f"opi dev: country {self.country}, Kafka at {self.broker.bootstrap_servers}")
        for name in SERVICES:
            print(f"  {name:<13} {self.url(name)}  (docs: {self.url(name)}/docs)")
        print(
            f"  mailbox       {self.mailbox_url}  (what consulates, authorities, shelters "
            "and supervisors received)"
        )
        print(
            f"  {'regional':<13} {self.url(REGIONAL)}  (RCM statistics; regional Kafka at "
            f"{self.regional_broker.bootstrap_servers})"
        )
        print("Dashboards (the link carries a development token):")
        print(
            f"  national  {self.url('reporting')}/#token={self._token(self.settings, 'supervisor')}"
        )
        print(
            f"  regional  {self.url(REGIONAL)}/#token="
            f"{self._token(self.regional_settings, 'regional-analyst')}"
        )
        if self.simulate is not None:
            print(
                f"  simulation: {self.simulate.describe()}; log in {self.logs / 'simulation.log'}"
            )
        print(f"  token:        opi token --country {self.country} --role opi-officer")
        print(f"  manifest:     {self.settings.data_dir / 'dev.json'}; logs in {self.logs}")
        print("Press Ctrl-C to stop.", flush=True)
