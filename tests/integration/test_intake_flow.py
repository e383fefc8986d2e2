"""Intake end to end on the real embedded broker, on SQLite and on PostgreSQL: what an OPI
does over HTTP, and what a separate plain Kafka consumer sees."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text

from services.intake.main import create_app
from services.intake.models import AuditEntry
from shared.platform.config import Settings
from tests.conftest import RunningService
from tests.intake_fixtures import REGISTRATION, registration, screening
from tests.kafka_helpers import TopicReader, headers_of


@dataclass
class Intake:
    service: RunningService
    settings: Settings
    officer: str
    supervisor: str


@pytest.fixture
async def intake(kafka, database_url, make_settings, token_for) -> AsyncIterator[Intake]:
    settings = make_settings(
        database_url=database_url, kafka_bootstrap_servers=kafka.bootstrap_servers
    )
    async with RunningService(create_app(settings)) as service:
        yield Intake(
            service,
            settings,
            officer=token_for(settings, "opi-officer"),
            supervisor=token_for(settings, "supervisor", subject="supervisor-1"),
        )


def _for_case(case_id: str):
    return lambda records: any(r.key == case_id.encode() for r in records)


async def test_registration_emits_child_registered_cloudevent(intake: Intake, kafka) -> None:
    async with intake.service.client(intake.officer) as http:
        response = await http.post("/cases", json=REGISTRATION)
    assert response.status_code == 201, response.text
    case = response.json()
    case_id = case["case_id"]
    assert case["child"]["age_years"] == 15 and case["child"]["age_group"] == "12-17"
    assert case["status"] == "registered" and case["returned_national"] is False

    async with TopicReader(kafka.bootstrap_servers, "child-registered") as reader:
        records = await reader.read_until(_for_case(case_id))
    record = next(r for r in records if r.key == case_id.encode())
    headers = headers_of(record)
    assert headers["ce_type"] == "org.rcm.opi.child-registered.v1"
    assert headers["ce_source"] == "/opi/mx/intake"
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_subject"] == case_id
    assert headers["ce_id"] and headers["ce_time"]
    assert headers["content-type"] == "application/json"
    assert "traceparent" in headers
    payload = json.loads(record.value)
    assert payload["case_id"] == case_id
    assert payload["child"]["nationalities"] == ["GT"]
    assert payload["detection_place"]["admin1"] == "MX-CHP"
    assert payload["family_contacts"][0]["phone"] == "+50255551234"


async def test_screening_emits_flags_and_rescreening_keeps_history(intake: Intake, kafka) -> None:
    async with intake.service.client(intake.officer) as http:
        case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        first = await http.post(f"/cases/{case_id}/screening", json=screening())
        second = await http.post(
            f"/cases/{case_id}/screening",
            json=screening(
                fear_of_return=True,
                trafficking_indicators=["debt_bondage"],
                risk_level="high",
                interview_notes="Disclosed a debt to a smuggler.",
            ),
        )
        case = (await http.get(f"/cases/{case_id}")).json()
    assert first.status_code == 201 and second.status_code == 201, second.text
    assert second.json()["sequence"] == 2 and second.json()["rescreening"] is True
    assert [s["interview_notes"] for s in case["screenings"]] == [
        "Travelling to join her mother.",
        "Disclosed a debt to a smuggler.",
    ]
    assert case["status"] == "screened" and case["trafficking_suspected"] is True

    async with TopicReader(kafka.bootstrap_servers, "screening-completed") as reader:
        records = await reader.read_until(
            lambda rs: sum(r.key == case_id.encode() for r in rs) == 2
        )
    events = [json.loads(r.value) for r in records if r.key == case_id.encode()]
    assert [e["sequence"] for e in events] == [1, 2]
    assert events[0]["international_protection_need"] is False
    assert events[0]["trafficking_suspected"] is False
    assert events[1]["international_protection_need"] is True
    assert events[1]["trafficking_suspected"] is True
    assert events[1]["rescreening"] is True and events[1]["risk_level"] == "high"
    assert events[1]["child"]["age_group"] == "12-17"
    assert "smuggler" not in records[-1].value.decode()  # interview notes never leave intake


async def test_idempotency_key_returns_same_case_and_emits_once(intake: Intake, kafka) -> None:
    key = {"Idempotency-Key": "retry-at-the-border-0001"}
    async with intake.service.client(intake.officer) as http:
        first = await http.post("/cases", json=REGISTRATION, headers=key)
        again = await http.post("/cases", json=REGISTRATION, headers=key)
        other_body = await http.post("/cases", json=registration(given_names="Otra"), headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["case_id"] == again.json()["case_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other_body.status_code == 422
    assert other_body.json()["detail"][0]["field"] == "Idempotency-Key"

    case_id = first.json()["case_id"]
    async with TopicReader(kafka.bootstrap_servers, "child-registered") as reader:
        await reader.read_until(_for_case(case_id))
        records = await reader.read_for(1.0)
    assert sum(r.key == case_id.encode() for r in records) == 1


async def test_list_filters_and_pagination(intake: Intake) -> None:
    async with intake.service.client(intake.officer) as http:
        honduran = registration(nationalities=["HN"])
        ids = [(await http.post("/cases", json=honduran)).json()["case_id"] for _ in range(3)]
        accompanied = {**registration(nationalities=["SV"]), "accompaniment": "accompanied"}
        await http.post("/cases", json=accompanied)
        await http.post(f"/cases/{ids[0]}/screening", json=screening())
    async with intake.service.client(intake.supervisor) as http:
        by_nationality = (await http.get("/cases", params={"nationality": "HN"})).json()
        page = (await http.get("/cases", params={"nationality": "HN", "limit": 2})).json()
        rest = await http.get("/cases", params={"nationality": "hn", "limit": 2, "offset": 2})
        screened = (await http.get("/cases", params={"status": "screened"})).json()
        accompanied_page = await http.get("/cases", params={"accompaniment": "accompanied"})
        future = (await http.get("/cases", params={"registered_from": "2100-01-01"})).json()
        today = (await http.get("/cases", params={"registered_to": "2100-01-01"})).json()
    assert by_nationality["total"] == 3 and len(page["items"]) == 2 and page["total"] == 3
    assert len(rest.json()["items"]) == 1
    assert {c["case_id"] for c in page["items"] + rest.json()["items"]} == set(ids)
    assert [c["case_id"] for c in screened["items"]] == [ids[0]]
    assert accompanied_page.json()["total"] == 1
    assert future["total"] == 0 and today["total"] == 4


async def test_every_read_and_change_is_audited(intake: Intake) -> None:
    async with intake.service.client(intake.officer) as http:
        case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        await http.post(f"/cases/{case_id}/screening", json=screening())
    async with intake.service.client(intake.supervisor) as http:
        await http.get(f"/cases/{case_id}")
        await http.get("/cases")
    async with intake.service.app.state.sessions() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
        assert [(e.actor, e.action) for e in entries if str(e.case_id) == case_id] == [
            ("officer-1", "case.register"),
            ("officer-1", "case.screen"),
            ("supervisor-1", "case.read"),
            ("supervisor-1", "case.list"),
        ]
        assert entries[0].roles == ["opi-officer"]
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("DELETE FROM audit_log"))


async def test_errors_name_the_field_and_unknown_case_is_404(intake: Intake) -> None:
    bad = registration(nationalities=["XX"], date_of_birth="2030-01-01")
    bad["family_contacts"][0]["phone"] = "5555-1234"
    bad["detection_place"]["admin1"] = "MX-ZZZ"
    async with intake.service.client(intake.officer) as http:
        invalid = await http.post("/cases", json=bad)
        wrong_country = await http.post(
            "/cases", json={**REGISTRATION, "detection_place": {"admin1": "GT-QC", "point": "x"}}
        )
        adult = await http.post("/cases", json=registration(date_of_birth="2008-11-20"))
        missing = await http.get("/cases/00000000-0000-4000-8000-000000000000")
        screen_missing = await http.post(
            "/cases/00000000-0000-4000-8000-000000000000/screening", json=screening()
        )
    assert invalid.status_code == 422
    fields = {error["field"] for error in invalid.json()["detail"]}
    assert {
        "child.nationalities.0",
        "child.date_of_birth",
        "family_contacts.0.phone",
        "detection_place.admin1",
    } <= fields
    assert wrong_country.status_code == 422
    assert wrong_country.json()["detail"][0]["field"] == "detection_place.admin1"
    assert adult.status_code == 422
    assert adult.json()["detail"][0]["field"] == "child.date_of_birth"
    assert "18 or older" in adult.json()["detail"][0]["msg"]
    assert missing.status_code == 404 and screen_missing.status_code == 404


async def test_roles_and_tokens(intake: Intake, token_for) -> None:
    coordinator = token_for(intake.settings, "shelter-coordinator")
    async with intake.service.client() as anonymous:
        assert (await anonymous.post("/cases", json=REGISTRATION)).status_code == 401
        assert (await anonymous.get("/cases")).status_code == 401
    async with intake.service.client("not-a-jwt") as garbage:
        assert (await garbage.get("/cases")).status_code == 401
    async with intake.service.client(intake.supervisor) as supervisor:
        assert (await supervisor.post("/cases", json=REGISTRATION)).status_code == 403
        assert (await supervisor.get("/cases")).status_code == 200
    async with intake.service.client(coordinator) as other_role:
        assert (await other_role.get("/cases")).status_code == 403


async def test_concurrent_retries_with_one_key_create_one_case(intake: Intake, kafka) -> None:
    key = {"Idempotency-Key": "flaky-uplink-retry-0042"}
    async with intake.service.client(intake.officer) as http:
        responses = await asyncio.gather(
            *(http.post("/cases", json=REGISTRATION, headers=key) for _ in range(6))
        )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    case_ids = {r.json()["case_id"] for r in responses}
    assert len(case_ids) == 1
    (case_id,) = case_ids
    async with TopicReader(kafka.bootstrap_servers, "child-registered") as reader:
        await reader.read_until(_for_case(case_id))
        records = await reader.read_for(1.0)
    assert sum(r.key == case_id.encode() for r in records) == 1
