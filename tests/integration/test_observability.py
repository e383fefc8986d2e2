"""What operations teams rely on: /metrics in valid Prometheus text, /health, the AsyncAPI
document matching the checked-in one, and traces that cross HTTP, the outbox and Kafka."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess

import pytest

from opi.asyncapi import DOCUMENTS, document_path, generate, render
from services.intake.main import create_app
from tests.conftest import RunningService
from tests.intake_fixtures import REGISTRATION
from tests.kafka_helpers import TopicReader, headers_of

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
async def intake(kafka, tmp_path, make_settings, token_for):
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
    )
    async with RunningService(create_app(settings)) as service:
        yield service, token_for(settings, "opi-officer")


async def test_metrics_are_valid_prometheus_text(intake) -> None:
    service, officer = intake
    async with service.client(officer) as http:
        assert (await http.post("/cases", json=REGISTRATION)).status_code == 201
        metrics = await http.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'opi_http_request_duration_seconds_count{method="POST",route="/cases"' in text
    assert "opi_outbox_pending_messages" in text
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: `make test` installs it (Debian package prometheus)"
    checked = await asyncio.to_thread(
        subprocess.run,
        [promtool, "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    # promtool exits 1 for lint warnings too; only real parse errors matter here
    assert "error while linting" not in checked.stderr, checked.stderr
    assert "parse" not in checked.stderr.lower(), checked.stderr


async def test_health_reports_database_and_broker(intake) -> None:
    service, _ = intake
    async with service.client() as http:
        health = (await http.get("/health")).json()
    assert health == {
        "service": "intake",
        "country": "MX",
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "consumers": "ok"},
    }


async def test_asyncapi_served_matches_the_generated_document(intake) -> None:
    service, _ = intake
    async with service.client() as http:
        served = (await http.get("/asyncapi")).json()
    assert (
        set(served["channels"])
        == set(generate("intake")["channels"])
        == {
            "child-registered:publish",
            "screening-completed:publish",
            "case-closed:publish",
            "protection-need-cleared:publish",
            "shelter-assigned:intake",
            "placement-released:intake",
            "protection-referral-made:intake",
            "protection-referral-updated:intake",
        }
    )


@pytest.mark.parametrize("service", sorted(DOCUMENTS))
def test_checked_in_asyncapi_documents_are_current(service: str) -> None:
    checked_in = document_path(service).read_text()
    assert render(generate(service)) == checked_in, "run `make asyncapi` and commit the result"


def test_asyncapi_documents_carry_the_payload_schemas() -> None:
    intake = json.loads(document_path("intake").read_text())["components"]["schemas"]
    assert "international_protection_need" in intake["ScreeningCompletedV1"]["properties"]
    referral = json.loads(document_path("referral").read_text())
    assert {
        "shelter-assigned:publish",
        "placement-pending:publish",
        "protection-referral-made:publish",
        "child-registered:referral",
        "screening-completed:referral",
    } <= set(referral["channels"])


async def test_trace_crosses_http_outbox_and_kafka(intake, kafka) -> None:
    service, officer = intake
    incoming = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
    async with service.client(officer) as http:
        case_id = (await http.post("/cases", json=REGISTRATION, headers=incoming)).json()["case_id"]
    async with TopicReader(kafka.bootstrap_servers, "child-registered") as reader:
        records = await reader.read_until(lambda rs: any(r.key == case_id.encode() for r in rs))
    record = next(r for r in records if r.key == case_id.encode())
    assert headers_of(record)["traceparent"].split("-")[1] == TRACE_ID
