"""The composition root of reporting: the national statistics and the regional feed, or, with
``reporting_regional``, the regional (RCM) service."""

from __future__ import annotations

import logging
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI

from services.reporting import handlers
from services.reporting.api import router
from services.reporting.changes import ChangeSignal
from services.reporting.projection import Projector
from services.reporting.pseudonym import load_secret
from shared.platform.config import Settings
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import create_broker, declare_publishers, subscriber_options
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "reporting"
DEFAULT_PORT = 8004
DESCRIPTION = "National statistics and dashboard; the anonymised feed to the region."
log = logging.getLogger(__name__)


def create_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime.build(
        SERVICE,
        settings,
        migrations_dir=Path(__file__).parent / "migrations",
        topics=[contract.topic for contract in handlers.CONSUMED],
        description=DESCRIPTION,
    )
    if settings.regional_kafka_bootstrap_servers:
        regional = settings.model_copy(
            update={"kafka_bootstrap_servers": settings.regional_kafka_bootstrap_servers}
        )
        broker = create_broker(regional, service=SERVICE, description="the regional (RCM) Kafka")
        publishers = declare_publishers(broker, handlers.PUBLISHED_REGIONALLY)
        runtime.attach_relay(publishers, broker=broker, broker_settings=regional)
    else:
        log.warning("OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS unset: the regional feed waits")
    return runtime


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.reporting_regional:
        from services.reporting.regional.main import create_regional_app

        return create_regional_app(settings)
    configure_tracing(settings, SERVICE)
    runtime = create_runtime(settings)
    signal = ChangeSignal()
    relay = runtime.relay

    def on_change() -> None:
        signal.notify()
        if relay is not None:
            relay.wake()

    projector = Projector(country=settings.country, secret=load_secret(settings))
    deps = handlers.Dependencies(
        sessions=runtime.sessions, projector=projector, on_change=on_change
    )
    handlers.register_subscribers(runtime.broker, deps, subscriber_options(settings, SERVICE))

    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI reporting service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=runtime.lifespan(),
    )
    install(app, runtime)
    app.state.changes = signal
    app.include_router(router)
    _add_dashboard(app, {"mode": "national", "country": settings.country})
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    return app


def _add_dashboard(app: FastAPI, config: dict[str, object]) -> None:
    from services.reporting.dashboard import add_dashboard

    add_dashboard(app, config=lambda: config)
