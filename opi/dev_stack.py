"""``opi dev``: national instances (one or several countries) and the region on this machine,
every service as its own process. Country modules: ``opi/dev_country.py``; the region:
``opi/dev_region.py``; child processes: ``opi/dev_process.py``."""

from __future__ import annotations

import json
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from opi.dev_country import CountryStack
from opi.dev_process import Child, ChildFailed, Interrupted, PortPicker, terminate, wait_healthy
from opi.dev_region import RegionStack
from shared.platform.config import Settings
from shared.platform.dev_identity import mint_token
from shared.platform.embedded_broker import EmbeddedBroker, broker_binary
from shared.platform.handover_keys import write_peers_file

PEERS_FILE = "handover-peers.toml"
DASHBOARD_TOKEN_SECONDS = 12 * 3600


@dataclass(frozen=True)
class SimulationPlan:
    """What `opi dev --simulate` asks of `opi simulate` (for each country)."""

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


class DevStack:
    def __init__(
        self,
        countries: list[Settings],
        *,
        kafka_port: int,
        free_ports: bool,
        simulate: SimulationPlan | None = None,
    ) -> None:
        if not countries:
            raise ValueError("opi dev needs at least one country")
        self.data_dir = countries[0].data_dir
        self.peers_file = self.data_dir / PEERS_FILE
        ports = PortPicker(free_ports)
        self.countries = [
            CountryStack(
                settings, index=i, ports=ports, kafka_port=kafka_port, peers_file=self.peers_file
            )
            for i, settings in enumerate(countries)
        ]
        self.region = RegionStack(countries[0], ports=ports, kafka_port=kafka_port)
        self.simulate = simulate
        self.children: list[Child] = []
        self.stopping = False

    @property
    def brokers(self) -> list[EmbeddedBroker]:
        return [self.region.broker, *(country.broker for country in self.countries)]

    def run(self) -> int:
        """Start everything, watch it until Ctrl-C; 1 if a child process failed."""

        def _stop(_signum: int, _frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            self.start()
            while not self.stopping:
                self._watch()
                time.sleep(0.5)
            return 0
        except Interrupted:
            return 0
        except ChildFailed as failure:
            print(f"opi dev: {failure}", file=sys.stderr, flush=True)
            return 1
        finally:
            self.stop()

    def start(self) -> None:
        self.region.prepare()
        entries = {country.country.upper(): country.prepare() for country in self.countries}
        write_peers_file(self.peers_file, entries)
        broker_binary()  # unpacked once, before the brokers start together
        with ThreadPoolExecutor(max_workers=len(self.brokers)) as pool:
            try:
                list(pool.map(lambda broker: broker.start(), self.brokers))
            except TimeoutError as error:
                raise ChildFailed(f"an embedded broker did not start: {error}") from error
        # every service of every country starts at once; then all are awaited together
        self.children.append(self.region.spawn())
        for country in self.countries:
            self.children += country.spawn(self.region.broker.bootstrap_servers)
        wait_healthy(self.children, lambda: self.stopping)
        # `opi simulate` reads the manifest: it must name this run's services before it starts
        self._write_manifest()
        if self.simulate is not None:
            for country in self.countries:
                self.children.append(country.spawn_simulation(self.simulate.arguments()))
        self._announce()

    def stop(self) -> None:
        terminate(self.children)
        for broker in self.brokers:
            broker.stop()
        print("opi dev: stopped", flush=True)

    def _watch(self) -> None:
        for child in self.children:
            # a simulation of limited duration ends on its own; the platform keeps running
            if child.process.poll() is not None and not child.label.endswith("simulation"):
                raise ChildFailed(child.failure())

    def _write_manifest(self) -> None:
        path = self.data_dir / "dev.json"
        manifest = json.loads(path.read_text()) if path.exists() else {}
        for country in self.countries:
            manifest[country.country] = country.manifest_entry()
        manifest["regional"] = self.region.manifest_entry()
        partial = path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(manifest, indent=2) + "\n")
        partial.replace(path)  # readers never see half a manifest

    def _announce(self) -> None:
        lines: list[str] = []
        for country in self.countries:
            lines += country.announcement()
        lines += self.region.announcement()
        lines.append("Dashboards (the link carries a development token):")
        for country in self.countries:
            token = _token(country.settings, "supervisor")
            lines.append(f"  national {country.country}  {country.url('reporting')}/#token={token}")
        regional = _token(self.region.settings, "regional-analyst")
        lines.append(f"  regional     {self.region.url}/#token={regional}")
        for country in self.countries:
            if self.simulate is not None:
                lines.append(
                    f"  simulation {country.country}: {self.simulate.describe()}; "
                    f"log in {country.logs / 'simulation.log'}"
                )
            lines.append(
                f"  token:        opi token --country {country.country} --role opi-officer"
            )
        lines.append(f"  handover peers: {self.peers_file}")
        lines.append(
            f"  manifest:     {self.data_dir / 'dev.json'}; logs in {self.data_dir / 'logs'}"
        )
        lines.append("Press Ctrl-C to stop.")
        print("\n".join(lines), flush=True)


def _token(settings: Settings, role: str) -> str:
    return mint_token(
        settings.data_dir,
        settings.realm,
        issuer=settings.issuer,
        subject=f"dev-{role}",
        roles=[role],
        username=f"dev-{role}",
        lifetime_seconds=DASHBOARD_TOKEN_SECONDS,
    )
