"""The composition root of notification: the only place where the service is wired together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.notification import deadlines, handlers, recipients
from services.notification.channels import Channels
from services.notification.delivery import DeliveryWorker, Policy
from services.notification.routes import router
from services.notification.webhook_addresses import (
    Resolver,
    WebhookAddresses,
    development_instance,
    system_resolver,
)
from shared.platform.config import Settings
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import declare_publishers, subscriber_options
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "notification"
DEFAULT_PORT = 8003
DESCRIPTION = "Consular notification under the firewall rule, authority notices, deadlines."
Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def system_clock() -> datetime:
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
    runtime.attach_relay(declare_publishers(runtime.broker, handlers.PUBLISHED))
    return runtime


def _worker(
    runtime: ServiceRuntime, http: httpx.AsyncClient, clock: Clock, addresses: WebhookAddresses
) -> DeliveryWorker:
    settings = runtime.settings
    channels = Channels(
        http=http,
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        sender=settings.smtp_sender,
        smtp_timeout=settings.notification_timeout_seconds,
        addresses=addresses,
    )
    policy = Policy(
        max_attempts=settings.notification_max_attempts,
        base_delay=settings.notification_retry_base_seconds,
        max_delay=settings.notification_retry_max_seconds,
        lease=settings.notification_timeout_seconds * 3,
    )
    assert runtime.relay is not None
    return DeliveryWorker(
        runtime.sessions,
        channels,
        policy=policy,
        country=settings.country,
        clock=clock,
        poll_interval=settings.notification_poll_interval_seconds,
        on_change=runtime.relay.wake,
    )


async def _watch_deadlines(
    runtime: ServiceRuntime, clock: Clock, on_change: Callable[[], None]
) -> None:
    settings = runtime.settings
    while True:
        try:
            async with runtime.sessions() as session, session.begin():
                changed = await deadlines.check(
                    session,
                    now=clock(),
                    screening_hours=settings.screening_deadline_hours,
                    consular_hours=settings.consular_deadline_hours,
                    country=settings.country,
                )
            if changed:
                on_change()
        except Exception:
            log.exception("deadline check failed")
        await asyncio.sleep(settings.notification_poll_interval_seconds)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    development: bool | None = None,
    resolver: Resolver = system_resolver,
) -> FastAPI:
    """``development``: whether webhooks may reach this machine and private networks;
    default: a development instance's (``webhook_addresses.development_instance``)."""
    settings = settings or Settings()
    configure_tracing(settings, SERVICE)
    runtime = create_runtime(settings)
    addresses = WebhookAddresses(
        development=development_instance(settings) if development is None else development,
        resolver=resolver,
    )
    http = httpx.AsyncClient(timeout=settings.notification_timeout_seconds)
    worker = _worker(runtime, http, clock, addresses)
    assert runtime.relay is not None
    relay = runtime.relay

    def on_change() -> None:
        relay.wake()
        worker.wake()

    deps = handlers.Dependencies(
        sessions=runtime.sessions, country=settings.country, clock=clock, on_change=on_change
    )
    handlers.register_subscribers(runtime.broker, deps, subscriber_options(settings, SERVICE))
    seed = settings.notification_recipients_file
    seed_entries = recipients.load_seed(seed) if seed else []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime.lifespan()(app):
            if seed_entries:
                async with runtime.sessions() as session, session.begin():
                    await recipients.seed(session, seed_entries, clock())
            tasks = [
                asyncio.create_task(worker.run(), name="notice-delivery"),
                asyncio.create_task(_watch_deadlines(runtime, clock, on_change), name="deadlines"),
            ]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await http.aclose()

    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI notification service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install(app, runtime)
    app.state.delivery = worker
    app.state.webhook_addresses = addresses
    app.include_router(router)
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    return app
