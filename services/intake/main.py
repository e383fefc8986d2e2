"""The composition root of intake: the only place where the service is wired together."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI

from services.intake import api, handlers
from shared.platform.config import Settings
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import declare_publishers, subscriber_options
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "intake"
DEFAULT_PORT = 8001
DESCRIPTION = "Registration and screening of unaccompanied migrant and returnee children."


def create_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime.build(
        SERVICE,
        settings,
        migrations_dir=Path(__file__).parent / "migrations",
        topics=[c.topic for c in (*handlers.PUBLISHED, *handlers.CONSUMED)],
        description=DESCRIPTION,
    )
    handlers.register_subscribers(
        runtime.broker, runtime.sessions, subscriber_options(settings, SERVICE)
    )
    runtime.attach_relay(declare_publishers(runtime.broker, handlers.PUBLISHED))
    return runtime


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_tracing(settings, SERVICE)
    runtime = create_runtime(settings)
    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI intake service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=runtime.lifespan(),
    )
    install(app, runtime)
    app.include_router(api.router)
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    return app
