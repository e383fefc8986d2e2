"""A consular notice to a consulate that is not configured (a Peruvian child where only
Guatemala's consulate is set up) fails at once, since retrying cannot help, with a delivery
alert naming what to configure, instead of staying `pending` for ever (found by the fault
harness; issue 11, defect 5)."""

from __future__ import annotations

import json
from uuid import uuid4

from services.notification.main import create_app as create_notification
from tests.conftest import RunningService
from tests.integration.test_notification_delivery import _configure, _consular
from tests.kafka_helpers import TopicReader, produce_events
from tests.notification_fixtures import Receiver
from tests.referral_fixtures import child_registered, screening_completed


async def test_a_notice_to_an_unconfigured_consulate_fails_with_an_alert(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_max_attempts=3,
        notification_retry_base_seconds=0.05,
        notification_poll_interval_seconds=0.05,
    )
    async with (
        RunningService(Receiver().app()) as hooks,
        RunningService(create_notification(settings)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        case_id = uuid4()
        await produce_events(
            own_kafka.bootstrap_servers,
            [
                child_registered(case_id, nationalities=("PE",)),
                screening_completed(case_id, nationalities=("PE",)),
            ],
        )
        failed = await _consular(http, case_id, "failed")
        assert [a["outcome"] for a in failed["attempts"]] == ["unconfigured"]
        assert "PUT /recipients/consulates/PE" in failed["last_error"]
        async with TopicReader(own_kafka.bootstrap_servers, "alert-raised", 20) as reader:
            records = await reader.read_until(lambda rs: len(rs) >= 1)
        alert = json.loads(records[0].value)
        assert alert["kind"] == "delivery_failed" and alert["case_id"] == str(case_id)
        assert "PUT /recipients/consulates/PE" in alert["detail"]
