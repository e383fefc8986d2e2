"""What every service's HTTP side shares: /health, /metrics, /asyncapi, request metrics and
validation errors that name each bad field."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_DURATION = Histogram(
    "opi_http_request_duration_seconds",
    "HTTP request duration by route template",
    ["service", "method", "route", "status"],
)


def asyncapi_document(broker: KafkaBroker, *, service: str, version: str) -> dict[str, Any]:
    spec = AsyncAPI(broker, title=f"OPI {service} service", version=version)
    return spec.to_specification().to_jsonable()


def add_common_routes(
    app: FastAPI,
    *,
    service: str,
    health: Callable[[], Awaitable[dict[str, Any]]],
    asyncapi: Callable[[], dict[str, Any]],
) -> None:
    @app.get("/health", tags=["operations"], summary="Liveness and dependencies")
    async def _health() -> JSONResponse:
        report = await health()
        status = 200 if report.get("status") == "ok" else 503
        return JSONResponse(report, status_code=status)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics")
    async def _metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/asyncapi", tags=["operations"], summary="AsyncAPI document of the events")
    async def _asyncapi() -> dict[str, Any]:
        return asyncapi()

    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_middleware(RequestMetrics, service=service)


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    details = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body",)]
        details.append({**item, "field": ".".join(location)})
    return JSONResponse({"detail": jsonable_encoder(details)}, status_code=422)


class RequestMetrics:
    """Pure ASGI middleware (cheaper than a BaseHTTPMiddleware on the hot path) timing each
    request by its route template."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = "500"

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = str(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            # the template, never the raw path: case ids would explode the label's cardinality;
            # routing records the matched route in the (shared) scope
            route = getattr(scope.get("route"), "path", "unmatched")
            HTTP_DURATION.labels(self.service, scope["method"], route, status).observe(
                time.perf_counter() - started
            )
