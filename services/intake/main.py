"""The composition root of intake: the only place where the service is wired together."""

from __future__ import annotations

import logging
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI

from services.intake import api, handlers
from services.intake.handover import Authority
from shared.contracts.regional import HANDOVERS_TOPIC
from shared.platform.config import Settings
from shared.platform.handover_crypto import HandoverKeys
from shared.platform.handover_keys import load_keys
from shared.platform.http import add_common_routes, asyncapi_document
from shared.platform.messaging import (
    Publisher,
    create_broker,
    declare_publishers,
    subscriber_options,
)
from shared.platform.service_app import ServiceRuntime, install
from shared.platform.telemetry import configure_tracing, instrument

SERVICE = "intake"
DEFAULT_PORT = 8001
DESCRIPTION = "Registration and screening of unaccompanied migrant and returnee children."
log = logging.getLogger(__name__)


def handover_keys(settings: Settings) -> HandoverKeys | None:
    """This country's handover keys, or ``None`` (with a warning) when handovers are off."""
    if settings.handover_peers_file is None:
        log.warning("OPI_HANDOVER_PEERS_FILE unset: cross-border handovers are disabled")
        return None
    if not settings.regional_kafka_bootstrap_servers:
        log.warning("OPI_REGIONAL_KAFKA_BOOTSTRAP_SERVERS unset: cross-border handovers disabled")
        return None
    directory = settings.handover_keys_dir or (
        settings.data_dir / settings.country.lower() / "handover-keys"
    )
    return load_keys(settings.country, directory, settings.handover_peers_file)


def create_runtime(settings: Settings) -> ServiceRuntime:
    return _build_runtime(settings)[0]


def _build_runtime(settings: Settings) -> tuple[ServiceRuntime, HandoverKeys | None]:
    keys = handover_keys(settings)
    consumed = (*handlers.CONSUMED, *(handlers.HANDOVER_CONSUMED if keys else ()))
    runtime = ServiceRuntime.build(
        SERVICE,
        settings,
        migrations_dir=Path(__file__).parent / "migrations",
        topics=[c.topic for c in (*handlers.PUBLISHED, *consumed)],
        description=DESCRIPTION,
        need_opening_topics={c.topic for c in handlers.NEED_OPENING},
    )
    options = subscriber_options(settings, SERVICE)
    handlers.register_subscribers(runtime.broker, runtime.sessions, options)
    publishers = declare_publishers(runtime.broker, handlers.PUBLISHED)
    if keys is not None:
        publishers |= _add_regional_broker(runtime, keys)
    runtime.attach_relay(publishers)
    return runtime, keys


def _add_regional_broker(runtime: ServiceRuntime, keys: HandoverKeys) -> dict[str, Publisher]:
    """The regional Kafka of crm.handovers.v1: subscribed to, and published to by the same
    outbox relay through a publisher declared on it."""
    settings = runtime.settings
    regional = settings.model_copy(
        update={"kafka_bootstrap_servers": settings.regional_kafka_bootstrap_servers}
    )
    broker = create_broker(regional, service=SERVICE, description="the regional (RCM) Kafka")
    runtime.add_broker("regional", broker, broker_settings=regional, topics=[HANDOVERS_TOPIC])
    wiring = handlers.HandoverWiring(
        keys=keys,
        authority=Authority(settings.handover_authority_name, settings.handover_authority_contact),
        wake=lambda: runtime.relay.wake() if runtime.relay else None,
    )
    handlers.register_handover_subscribers(
        runtime.broker,
        broker,
        runtime.sessions,
        wiring,
        subscriber_options(settings, SERVICE),
        subscriber_options(regional, SERVICE),
    )
    publisher = broker.publisher(
        HANDOVERS_TOPIC,
        title=f"{HANDOVERS_TOPIC}:publish",
        description="CloudEvents handover.v1 / handover-acknowledged.v1 (binary mode); body: "
        "the sealed envelope; Kafka key: handover id; header ce_destination: country",
    )
    return {HANDOVERS_TOPIC: publisher}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_tracing(settings, SERVICE)
    runtime, keys = _build_runtime(settings)
    app_version = version("opi-platform")
    app = FastAPI(
        title="OPI intake service",
        version=app_version,
        description=DESCRIPTION,
        lifespan=runtime.lifespan(),
    )
    install(app, runtime)
    app.state.handover_keys = keys
    app.include_router(api.router)
    add_common_routes(
        app,
        service=SERVICE,
        health=runtime.health,
        asyncapi=lambda: asyncapi_document(runtime.broker, service=SERVICE, version=app_version),
    )
    instrument(app, runtime.engine)
    return app
