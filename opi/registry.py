"""The services this platform has, where their composition roots live and their dev ports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Final

from fastapi import FastAPI

from shared.platform.config import Settings


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    factory: str
    default_port: int
    dev_environment: Callable[[str], dict[str, str]] = field(default=lambda _country: {})

    def create_app(self, settings: Settings) -> FastAPI:
        module_name, function = self.factory.split(":")
        return getattr(import_module(module_name), function)(settings)


def _referral_dev_environment(country: str) -> dict[str, str]:
    """`opi dev` seeds the country's shelters, so that placements happen from the start."""
    from services.referral.shelters import seed_file_for

    seed = seed_file_for(country)
    return {"OPI_REFERRAL_SEED_FILE": str(seed)} if seed else {}


SERVICES: Final = {
    entry.name: entry
    for entry in (
        ServiceEntry("intake", "services.intake.main:create_app", 8001),
        ServiceEntry(
            "referral", "services.referral.main:create_app", 8002, _referral_dev_environment
        ),
        ServiceEntry("notification", "services.notification.main:create_app", 8003),
    )
}
