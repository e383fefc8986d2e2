"""The composition root of regional reporting (``opi serve reporting --regional``): the only
place where the regional service is wired together."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI

from services.reporting.regional import handlers, statistics_feed
from services.reporting.regional.api import router
from services.reporting.regional.changes import VersionWatch
from shared.contracts.envelope import source_of
from shared.platform.config import Settings
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import Publisher, subscriber_options
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "regional-reporting"
DEFAULT_PORT = 8010
DESCRIPTION = (
    "Regional (RCM) statistics over the anonymised case events of every country, "
    "with small-cell protection."
)
DASHBOARD_MODULE = "services.reporting.dashboard"
Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def system_clock() -> datetime:
    return datetime.now(UTC)


def regional_settings(settings: Settings) -> Settings:
    """In regional mode the service's Kafka is the regional one."""
    if settings.regional_kafka_bootstrap_servers:
        return settings.model_copy(
            update={"kafka_bootstrap_servers": settings.regional_kafka_bootstrap_servers}
        )
    return settings


def _publishers(runtime: ServiceRuntime) -> dict[str, Publisher]:
    # declared (not through declare_publishers) to document the right Kafka key: the table
    return {
        contract.topic: runtime.broker.publisher(
            contract.topic,
            title=f"{contract.topic}:publish",
            description=f"CloudEvent {contract.type} (binary mode; Kafka key = table name)",
            schema=contract.payload,
        )
        for contract in handlers.PUBLISHED
    }


def create_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime.build(
        SERVICE,
        settings,
        migrations_dir=Path(__file__).parent / "migrations",
        topics=list(dict.fromkeys(c.topic for c in (*handlers.PUBLISHED, *handlers.CONSUMED))),
        description=DESCRIPTION,
    )
    runtime.attach_relay(_publishers(runtime))
    return runtime


def _add_dashboard(app: FastAPI, k: int) -> None:
    """The dashboard is optional here: it is served when its module is installed."""
    if importlib.util.find_spec(DASHBOARD_MODULE) is None:
        log.info("no dashboard module: serving the API only")
        return
    dashboard = importlib.import_module(DASHBOARD_MODULE)
    dashboard.add_dashboard(app, config=lambda: {"mode": "regional", "k": k})


def create_regional_app(settings: Settings, *, clock: Clock = system_clock) -> FastAPI:
    settings = regional_settings(settings)
    configure_tracing(settings, SERVICE)
    runtime = create_runtime(settings)
    assert runtime.relay is not None
    relay = runtime.relay
    versions = VersionWatch(runtime.sessions)
    deps = handlers.Dependencies(sessions=runtime.sessions, on_change=versions.notify)
    handlers.register_subscribers(runtime.broker, deps, subscriber_options(settings, SERVICE))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan()(app):
            feed = statistics_feed.run(
                runtime.sessions,
                k=settings.reporting_small_cell_k,
                source=source_of(settings.instance, SERVICE),
                interval=settings.reporting_statistics_interval_seconds,
                clock=clock,
                on_published=relay.wake,
            )
            task = asyncio.create_task(feed, name="statistics-feed")
            try:
                yield
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI regional reporting service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install(app, runtime)
    app.state.regional_versions = versions
    app.include_router(router)
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    _add_dashboard(app, settings.reporting_small_cell_k)
    return app
