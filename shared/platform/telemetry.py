"""OpenTelemetry tracing: W3C ``traceparent`` travels in HTTP and Kafka headers (FastStream's
telemetry middleware) and through the outbox (see ``outbox.enqueue``)."""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.platform.config import Settings


def configure_tracing(settings: Settings, service: str) -> None:
    """Install the process's tracer provider once; exporters are a deployment choice."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    resource = Resource.create(
        {"service.name": f"opi-{service}", "deployment.environment": settings.country.lower()}
    )
    provider = TracerProvider(resource=resource)
    exporter = _exporter(settings)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)


def _exporter(settings: Settings) -> SpanExporter | None:
    if settings.telemetry_exporter == "console":
        return ConsoleSpanExporter()
    if settings.telemetry_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    return None


def instrument(app: FastAPI, engine: AsyncEngine) -> None:
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,metrics")
    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)
