"""The services this platform has, where their composition roots live and their dev ports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Final

from fastapi import FastAPI

from shared.platform.config import Settings


@dataclass(frozen=True)
class DevContext:
    """What `opi dev` tells a service about the development machine it runs on."""

    country: str
    data_dir: Path
    mailbox_smtp_port: int
    mailbox_url: str
    webhook_secret: str
    regional_kafka: str | None = None
    handover_keys_dir: Path | None = None
    handover_peers_file: Path | None = None


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    factory: str
    default_port: int
    dev_environment: Callable[[DevContext], dict[str, str]] = field(default=lambda _: {})

    def create_app(self, settings: Settings) -> FastAPI:
        module_name, function = self.factory.split(":")
        return getattr(import_module(module_name), function)(settings)


def _intake_dev_environment(context: DevContext) -> dict[str, str]:
    """Handovers between the countries of `opi dev`: this country's keys, every country's
    public keys, and the regional Kafka they travel on."""
    env = {}
    if context.handover_keys_dir is not None:
        env["OPI_HANDOVER_KEYS_DIR"] = str(context.handover_keys_dir)
    if context.handover_peers_file is not None:
        env["OPI_HANDOVER_PEERS_FILE"] = str(context.handover_peers_file)
    if context.regional_kafka is not None:
        env["OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS"] = context.regional_kafka
    return env


def _referral_dev_environment(context: DevContext) -> dict[str, str]:
    """`opi dev` seeds the country's shelters, so that placements happen from the start."""
    from services.referral.shelters import seed_file_for

    seed = seed_file_for(context.country)
    return {"OPI_REFERRAL_SEED_FILE": str(seed)} if seed else {}


def _notification_dev_environment(context: DevContext) -> dict[str, str]:
    """Every recipient of the demo is the development mailbox (webhooks and e-mail)."""
    from services.notification.dev_recipients import write_dev_recipients

    path = write_dev_recipients(
        context.data_dir / context.country / "recipients.toml",
        mailbox_url=context.mailbox_url,
        secret=context.webhook_secret,
    )
    return {
        "OPI_NOTIFICATION_RECIPIENTS_FILE": str(path),
        "OPI_SMTP_HOST": "127.0.0.1",
        "OPI_SMTP_PORT": str(context.mailbox_smtp_port),
    }


def _reporting_dev_environment(context: DevContext) -> dict[str, str]:
    """National reporting publishes its anonymised feed to the development regional Kafka."""
    if context.regional_kafka is None:
        return {}
    return {"OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS": context.regional_kafka}


SERVICES: Final = {
    entry.name: entry
    for entry in (
        ServiceEntry("intake", "services.intake.main:create_app", 8001, _intake_dev_environment),
        ServiceEntry(
            "referral", "services.referral.main:create_app", 8002, _referral_dev_environment
        ),
        ServiceEntry(
            "notification",
            "services.notification.main:create_app",
            8003,
            _notification_dev_environment,
        ),
        ServiceEntry(
            "reporting", "services.reporting.main:create_app", 8004, _reporting_dev_environment
        ),
    )
}
REGIONAL_PORT: Final = 8010
"""The regional reporting service (`opi serve reporting --regional`) in development."""
