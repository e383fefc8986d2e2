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
    app.middleware("http")(_request_metrics(service))


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    details = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body",)]
        details.append({**item, "field": ".".join(location)})
    return JSONResponse({"detail": jsonable_encoder(details)}, status_code=422)


def _request_metrics(
    service: str,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        HTTP_DURATION.labels(
            service, request.method, _route_template(request), str(response.status_code)
        ).observe(time.perf_counter() - started)
        return response

    return middleware


def _route_template(request: Request) -> str:
    # the template, never the raw path: case ids would explode the label's cardinality;
    # routing records the matched route in the (shared) scope
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")
