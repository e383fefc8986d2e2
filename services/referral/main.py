"""The composition root of referral: the only place where the service is wired together."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from fastapi import APIRouter, FastAPI

from services.referral import handlers, shelters
from services.referral.placement_routes import router as placement_router
from services.referral.referrals import load_targets
from services.referral.return_routes import router as return_router
from services.referral.shelter_routes import router as shelter_router
from services.referral.sweeper import PendingPlacementSweeper
from shared.platform.config import Settings
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import declare_publishers, subscriber_options
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "referral"
DEFAULT_PORT = 8002
DESCRIPTION = "Shelter placement and protection referrals of unaccompanied children."


def _now() -> datetime:
    return datetime.now(UTC)


def create_runtime(settings: Settings) -> ServiceRuntime:
    runtime = ServiceRuntime.build(
        SERVICE,
        settings,
        migrations_dir=Path(__file__).parent / "migrations",
        topics=[c.topic for c in (*handlers.PUBLISHED, *handlers.CONSUMED)],
        description=DESCRIPTION,
        need_opening_topics={c.topic for c in handlers.NEED_OPENING},
    )
    relay = runtime.attach_relay(declare_publishers(runtime.broker, handlers.PUBLISHED))
    deps = handlers.Dependencies(
        sessions=runtime.sessions,
        country=settings.country,
        targets=load_targets(settings.referral_targets_file, settings.country),
        clock=_now,
        on_change=relay.wake,
    )
    handlers.register_subscribers(runtime.broker, deps, subscriber_options(settings, SERVICE))
    return runtime


def _sweeper(runtime: ServiceRuntime) -> PendingPlacementSweeper:
    assert runtime.relay is not None
    return PendingPlacementSweeper(
        runtime.sessions,
        country=runtime.settings.country,
        interval=runtime.settings.placement_sweep_interval_seconds,
        clock=_now,
        on_placed=runtime.relay.wake,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_tracing(settings, SERVICE)
    runtime = create_runtime(settings)
    sweeper = _sweeper(runtime)
    seed = settings.referral_seed_file
    seed_entries = shelters.load_seed(seed) if seed else []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan()(app):
            if seed_entries:
                async with runtime.sessions() as session, session.begin():
                    await shelters.seed(session, seed_entries, country=settings.country, now=_now())
            task = asyncio.create_task(sweeper.run(), name="pending-placement-sweeper")
            try:
                yield
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI referral service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install(app, runtime)
    app.state.sweeper = sweeper
    api = APIRouter()
    api.include_router(shelter_router)
    api.include_router(placement_router)
    api.include_router(return_router)
    app.include_router(api)
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    return app
