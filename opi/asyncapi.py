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

REGIONAL_REPORTING = "regional-reporting"
DOCUMENTS: dict[str, str] = {
    **{name: entry.factory.split(":")[0] for name, entry in SERVICES.items()},
    REGIONAL_REPORTING: "services.reporting.regional.main",
}
"""Every service (and the regional mode of reporting) and the module of its composition."""


def generate(service: str) -> dict[str, Any]:
    """The document for default settings, so that it does not depend on the machine."""
    module = import_module(DOCUMENTS[service])
    settings = Settings(
        country="MX",
        kafka_bootstrap_servers="127.0.0.1:9092",
        reporting_regional=service == REGIONAL_REPORTING,
    )
    runtime = module.create_runtime(settings)
    return asyncapi_document(runtime.broker, service=service, version=version("opi-platform"))


def document_path(service: str) -> Path:
    module = import_module(DOCUMENTS[service])
    return Path(module.__file__ or "").parent / "asyncapi.json"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    for service in DOCUMENTS:
        path = document_path(service)
        path.write_text(render(generate(service)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
