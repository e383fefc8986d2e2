"""Writes each service's AsyncAPI document next to its code (``make asyncapi``); a test
checks that the checked-in documents match what the code generates."""

from __future__ import annotations

import json
from importlib import import_module
from importlib.metadata import version
from pathlib import Path
from typing import Any

from opi.registry import SERVICES
from shared.platform.config import Settings
from shared.platform.http import asyncapi_document


def generate(service: str) -> dict[str, Any]:
    """The document for default settings, so that it does not depend on the machine."""
    entry = SERVICES[service]
    module = import_module(entry.factory.split(":")[0])
    settings = Settings(country="MX", kafka_bootstrap_servers="127.0.0.1:9092")
    runtime = module.create_runtime(settings)
    return asyncapi_document(runtime.broker, service=service, version=version("opi-platform"))


def document_path(service: str) -> Path:
    module = import_module(SERVICES[service].factory.split(":")[0])
    return Path(module.__file__ or "").parent / "asyncapi.json"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    for service in SERVICES:
        path = document_path(service)
        path.write_text(render(generate(service)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
