"""The transactional outbox holds through a broker outage: registrations are accepted while
Kafka is stopped and their events are delivered, once per ce_id, when it is back."""

from __future__ import annotations

import asyncio
import time

from services.intake.main import create_app
from tests.conftest import RunningService
from tests.intake_fixtures import REGISTRATION
from tests.kafka_helpers import TopicReader, headers_of


async def test_registrations_survive_a_broker_outage(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        outbox_max_backoff_seconds=0.5,
    )
    officer = token_for(settings, "opi-officer")
    async with RunningService(create_app(settings)) as service, service.client(officer) as http:
        before = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        own_kafka.stop()
        during = []
        for _ in range(3):
            response = await asyncio.wait_for(http.post("/cases", json=REGISTRATION), 5)
            assert response.status_code == 201
            during.append(response.json()["case_id"])
        health = await http.get("/health")
        assert health.status_code == 200 and health.json()["checks"]["broker"] != "ok"
        await asyncio.sleep(1.0)  # the relay fails and backs off meanwhile
        own_kafka.start()
        resumed = time.monotonic()

        async with TopicReader(own_kafka.bootstrap_servers, "child-registered") as reader:
            wanted = {case_id.encode() for case_id in [before, *during]}
            await reader.read_until(lambda rs: wanted <= {r.key for r in rs}, within=40)
            print(f"delivered {time.monotonic() - resumed:.1f}s after the broker resumed")
            records = await reader.read_for(1.5)

    # Retries after timeouts may write an event twice; a consumer that deduplicates on ce_id
    # sees each registration exactly once, including the one made just before the outage.
    distinct = {headers_of(r)["ce_id"]: r.key.decode() for r in records}
    delivered = sorted(case_id for case_id in distinct.values() if case_id in [before, *during])
    assert delivered == sorted([before, *during])
