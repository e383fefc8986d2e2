"""The services this platform has, where their composition roots live and their dev ports."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Final

from fastapi import FastAPI

from shared.platform.config import Settings


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    factory: str
    default_port: int

    def create_app(self, settings: Settings) -> FastAPI:
        module_name, function = self.factory.split(":")
        return getattr(import_module(module_name), function)(settings)


SERVICES: Final = {
    entry.name: entry
    for entry in (ServiceEntry("intake", "services.intake.main:create_app", 8001),)
}
