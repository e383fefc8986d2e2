"""A malformed message on a topic intake consumes goes to ``<topic>.dlq`` with its reason and
origin, and the next good message is processed."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

from services.intake.main import create_app
from tests.conftest import RunningService
from tests.intake_fixtures import REGISTRATION, shelter_assigned
from tests.kafka_helpers import TopicReader, headers_of, produce


def _assignment(case_id: str) -> tuple[bytes, dict[str, str]]:
    event = shelter_assigned(case_id)
    return event.body, event.headers


async def test_poison_message_is_dead_lettered_and_the_next_one_processed(
    kafka, tmp_path, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=kafka.bootstrap_servers,
    )
    officer = token_for(settings, "opi-officer")
    async with RunningService(create_app(settings)) as service, service.client(officer) as http:
        case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        good_body, good_headers = _assignment(case_id)
        broken_headers = {**good_headers, "ce_id": str(uuid4())}
        key = case_id.encode()
        await produce(
            kafka.bootstrap_servers,
            "shelter-assigned",
            b"{not json",
            key=key,
            headers=broken_headers,
        )
        not_a_cloudevent = good_body  # a valid payload, but no ce_* headers
        await produce(
            kafka.bootstrap_servers, "shelter-assigned", not_a_cloudevent, key=key, headers={}
        )
        half_a_payload = json.dumps({"case_id": case_id}).encode()
        await produce(
            kafka.bootstrap_servers,
            "shelter-assigned",
            half_a_payload,
            key=key,
            headers={**good_headers, "ce_id": str(uuid4())},
        )
        await produce(
            kafka.bootstrap_servers,
            "shelter-assigned",
            good_body,
            key=key,
            headers=good_headers,
        )

        async with TopicReader(kafka.bootstrap_servers, "shelter-assigned.dlq") as reader:
            records = await reader.read_until(
                lambda rs: sum(r.key == key for r in rs) >= 3, within=30
            )
        placement = None
        for _ in range(100):
            placement = (await http.get(f"/cases/{case_id}")).json()["placement"]
            if placement:
                break
            await asyncio.sleep(0.1)

    dead = [r for r in records if r.key == key]
    assert [r.value for r in dead] == [b"{not json", not_a_cloudevent, half_a_payload]
    first, second, third = (headers_of(r) for r in dead)
    assert first["dlq_origin_topic"] == "shelter-assigned"
    assert first["dlq_origin_offset"].isdigit() and first["dlq_origin_partition"].isdigit()
    assert "JSON" in first["dlq_reason"] or "json" in first["dlq_reason"]
    assert first["ce_id"] == broken_headers["ce_id"]  # origin headers kept for replay
    assert "missing header" in second["dlq_reason"]
    assert "placement_id" in third["dlq_reason"] and third["dlq_attempts"] == "1"
    assert placement is not None and placement["shelter_name"] == "Albergue Tapachula"
