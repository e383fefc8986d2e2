"""Issue 11, defect 3: a flagged re-screening that cannot be applied (dead-lettered) holds
the case's need open. Before the fix, the case's later events went on and a consular notice
went out on the older, clean screening."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from uuid import uuid4

from services.notification.main import create_app as create_notification
from tests.conftest import RunningService
from tests.integration.test_firewall_pending_referral import _consular, _settled
from tests.integration.test_notification_delivery import _configure
from tests.kafka_helpers import TopicReader, headers_of, produce_events
from tests.notification_fixtures import Receiver
from tests.referral_fixtures import child_registered, screening_completed


async def test_a_dead_lettered_flagged_rescreening_keeps_the_consulate_out(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    receiver = Receiver()
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_poll_interval_seconds=0.05,
    )
    case_id = uuid4()
    flagged = screening_completed(case_id, sequence=2, trafficking=True)
    body = json.loads(flagged.body)
    del body["child"]  # breaks the contract: dead-lettered at once, the flag unread
    broken = dataclasses.replace(flagged, body=json.dumps(body).encode())
    async with (
        RunningService(receiver.app()) as hooks,
        RunningService(create_notification(settings)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        await produce_events(own_kafka.bootstrap_servers, [broken])
        async with TopicReader(own_kafka.bootstrap_servers, "screening-completed.dlq") as reader:
            await reader.read_until(lambda rs: any(headers_of(r)["ce_id"] == broken.id for r in rs))
        # the case's other events go on: registration, and the older clean screening
        await produce_events(
            own_kafka.bootstrap_servers,
            [child_registered(case_id), screening_completed(case_id, sequence=1)],
        )
        await _settled(http, case_id)
        await asyncio.sleep(2.0)  # a notice, if planned, would be delivered by now
        assert receiver.accepted_by("GT") == []
        assert all(n["status"] != "delivered" for n in await _consular(http, case_id))
