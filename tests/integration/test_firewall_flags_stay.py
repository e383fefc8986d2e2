"""A re-screening can add a protection flag but never clears one (DOMAIN.md, the firewall
rule): a Guatemalan child screened with a fear of return and re-screened with no flag gets
no consular notice, and neither does one whose flagged screening arrives after the clean
re-screening that followed it."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from services.notification.main import create_app as create_notification
from tests.conftest import RunningService
from tests.integration.test_firewall_pending_referral import _consular, _settled
from tests.integration.test_notification_delivery import _configure
from tests.kafka_helpers import produce_events
from tests.notification_fixtures import Receiver
from tests.referral_fixtures import child_registered, screening_completed


async def test_a_clean_rescreening_never_clears_a_flag(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    receiver = Receiver()
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_poll_interval_seconds=0.05,
    )
    async with (
        RunningService(receiver.app()) as hooks,
        RunningService(create_notification(settings)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        in_order, late_flag = uuid4(), uuid4()
        await produce_events(
            own_kafka.bootstrap_servers,
            [
                child_registered(in_order),
                screening_completed(in_order, fear_of_return=True),
                screening_completed(in_order, sequence=2),
                child_registered(late_flag),
            ],
        )
        await _settled(http, in_order)
        await produce_events(
            own_kafka.bootstrap_servers, [screening_completed(late_flag, sequence=2)]
        )
        # the clean re-screening may be planned at once: the late flag must still stop it
        await produce_events(
            own_kafka.bootstrap_servers,
            [screening_completed(late_flag, sequence=1, trafficking=True)],
        )
        await asyncio.sleep(2.0)
        in_order_notices = await _consular(http, in_order)
        assert all(n["status"] != "delivered" for n in in_order_notices), in_order_notices
        late = await _consular(http, late_flag)
        delivered = [n for n in late if n["status"] == "delivered"]
        alerts = (await http.get("/alerts", params={"case_id": str(late_flag)})).json()
        # either it never went, or it went before the flag arrived and the alert says so
        assert not delivered or any(a["kind"] == "flag_after_consular_notice" for a in alerts)
        assert all(n["status"] in ("blocked", "delivered") for n in late), late
