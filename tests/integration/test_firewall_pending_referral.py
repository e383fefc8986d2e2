"""Issue 11, defect 1: a pending asylum referral keeps the consulate out. A Guatemalan child
screened with an asylum intent is referred to the refugee commission (`sent`), then
re-screened with no flag: no consular notice may go out while the referral is pending; once
it is acknowledged it is still pending; a notice already delivered before the referral was
made raises the flag-after-notice alert."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID, uuid4

from services.notification.main import create_app as create_notification
from shared.contracts.catalogue import PROTECTION_REFERRAL_MADE_V1, PROTECTION_REFERRAL_UPDATED_V1
from shared.contracts.envelope import OutgoingEvent, render
from shared.contracts.protection_referral import (
    ProtectionReferralMadeV1,
    ProtectionReferralUpdatedV1,
)
from tests.conftest import RunningService
from tests.integration.test_notification_delivery import _configure
from tests.kafka_helpers import produce_events
from tests.notification_fixtures import Receiver
from tests.referral_fixtures import child_registered, screening_completed

REFERRAL = "/opi/mx/referral"


def referral_made(case_id: UUID, referral_id: UUID) -> OutgoingEvent:
    now = datetime.now(UTC)
    payload = ProtectionReferralMadeV1(
        referral_id=referral_id,
        case_id=case_id,
        country="MX",
        kind="refugee_commission",
        authority="COMAR",
        authority_name="Comisión Mexicana de Ayuda a Refugiados",
        status="sent",
        screening_id=uuid4(),
        made_at=now,
    )
    return render(
        PROTECTION_REFERRAL_MADE_V1, payload, source=REFERRAL, subject=str(case_id), time=now
    )


def referral_updated(case_id: UUID, referral_id: UUID, status: str) -> OutgoingEvent:
    now = datetime.now(UTC)
    payload = ProtectionReferralUpdatedV1(
        referral_id=referral_id,
        case_id=case_id,
        country="MX",
        kind="refugee_commission",
        authority="COMAR",
        status=status,
        updated_at=now,
    )
    return render(
        PROTECTION_REFERRAL_UPDATED_V1, payload, source=REFERRAL, subject=str(case_id), time=now
    )


async def _consular(http, case_id: UUID) -> list[dict]:
    notices = (await http.get("/notices", params={"case_id": str(case_id)})).json()
    return [n for n in notices if n["purpose"] == "consular"]


async def _settled(http, case_id: UUID, authority_notices: int = 1) -> None:
    """Until notification applied everything: the authority notices are there."""
    for _ in range(200):
        notices = (await http.get("/notices", params={"case_id": str(case_id)})).json()
        if sum(n["purpose"] != "consular" for n in notices) >= authority_notices:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("notification did not apply the events")


async def test_a_pending_asylum_referral_keeps_the_consulate_out(
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
        case_id, referral_id = uuid4(), uuid4()
        await produce_events(
            own_kafka.bootstrap_servers,
            [
                child_registered(case_id),
                screening_completed(case_id, asylum=True),
                referral_made(case_id, referral_id),
            ],
        )
        await _settled(http, case_id, authority_notices=2)  # registration and referral
        await produce_events(
            own_kafka.bootstrap_servers,
            [
                referral_updated(case_id, referral_id, "acknowledged"),
                screening_completed(case_id, sequence=2),  # no flag any more
            ],
        )
        await asyncio.sleep(2.0)  # a notice, if planned, would be delivered by now
        assert receiver.accepted_by("GT") == []
        assert all(n["status"] != "delivered" for n in await _consular(http, case_id))


async def test_a_referral_after_the_consular_notice_raises_the_alert(
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
        case_id = uuid4()
        await produce_events(
            own_kafka.bootstrap_servers, [child_registered(case_id), screening_completed(case_id)]
        )
        for _ in range(200):
            if [n for n in await _consular(http, case_id) if n["status"] == "delivered"]:
                break
            await asyncio.sleep(0.1)
        await produce_events(own_kafka.bootstrap_servers, [referral_made(case_id, uuid4())])
        for _ in range(200):
            alerts = (await http.get("/alerts", params={"case_id": str(case_id)})).json()
            if any(a["kind"] == "flag_after_consular_notice" for a in alerts):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"no flag-after-notice alert: {alerts}")
