"""Consular notification under the firewall rule, on the real broker and real HTTP: a clean
screening of a Guatemalan child reaches the Guatemalan consulate once, signed; a flag on the
first screening or a re-screening keeps every consulate uninformed; a national child has no
consulate at all."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from services.notification.firewall import FORBIDDEN_KEYS
from services.notification.main import create_app as create_notification
from shared.contracts.catalogue import PROTECTION_REFERRAL_MADE_V1
from shared.contracts.envelope import render
from shared.contracts.protection_referral import ProtectionReferralMadeV1
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, produce_events
from tests.notification_fixtures import Receiver, recipient, seed_recipients
from tests.referral_fixtures import child_registered, screening_completed


@dataclass
class Notification:
    service: RunningService
    receiver: Receiver
    supervisor: str
    bootstrap: str


@pytest.fixture
async def notification(
    own_kafka, database_url, make_settings, token_for
) -> AsyncIterator[Notification]:
    receiver = Receiver()
    settings = make_settings(
        database_url=database_url,
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_retry_base_seconds=0.05,
        notification_poll_interval_seconds=0.1,
        notification_max_attempts=3,
    )
    supervisor = token_for(settings, "supervisor")
    async with (
        RunningService(receiver.app()) as hooks,
        RunningService(create_notification(settings)) as service,
    ):
        await seed_recipients(
            service.app,
            (
                (kind_key, recipient(f"{hooks.url}/hooks/{name}", name))
                for kind_key, name in (
                    ("consulates/GT", "GT"),
                    ("consulates/HN", "HN"),
                    ("authorities/default", "authority"),
                    ("supervisors/default", "supervisors"),
                    ("shelters/default", "shelters"),
                )
            ),
        )
        yield Notification(service, receiver, supervisor, own_kafka.bootstrap_servers)


async def _settled(notification: Notification, case_id: UUID, count: int) -> list[dict]:
    async with notification.service.client(notification.supervisor) as http:
        for _ in range(150):
            found = (await http.get("/notices", params={"case_id": str(case_id)})).json()
            if len(found) >= count and all(
                n["status"] not in ("pending", "sending") for n in found
            ):
                return found
            await asyncio.sleep(0.1)
    raise TimeoutError(f"notices of {case_id} did not settle: {found}")


async def test_clean_screening_notifies_the_consulate_once_signed(notification) -> None:
    case_id = uuid4()
    await produce_events(
        notification.bootstrap, [child_registered(case_id), screening_completed(case_id)]
    )
    notices = await _settled(notification, case_id, 2)
    assert {(n["purpose"], n["status"]) for n in notices} == {
        ("child-registered", "delivered"),
        ("consular", "delivered"),
    }
    (message,) = notification.receiver.accepted_by("GT")
    assert notification.receiver.bad_signatures == 0
    assert message["child"] == {
        "given_names": "Niña",
        "family_names": "Prueba",
        "sex": "female",
        "nationality": "GT",
        "age_years": 15,
    }
    assert message["responsible_authority"]["name"] == "authority"
    async with TopicReader(notification.bootstrap, "consular-notified", 20) as reader:
        (record,) = await reader.read_until(lambda rs: len(rs) >= 1)
    event = json.loads(record.value)
    assert event["consulate_country"] == "GT" and event["outcome"] == "delivered"
    assert record.key == str(case_id).encode() and event["channel"] == "webhook"
    (authority,) = notification.receiver.accepted_by("authority")
    assert authority["type"] == "child-registered"
    async with TopicReader(notification.bootstrap, "authority-notified", 20) as reader:
        (told,) = await reader.read_until(lambda rs: len(rs) >= 1)
    told = json.loads(told.value)
    assert told["purpose"] == "child-registered" and told["outcome"] == "delivered"
    assert told["recipient"] == "authority" and told["case_id"] == str(case_id)


async def test_a_national_child_has_no_consulate(notification) -> None:
    case_id = uuid4()
    await produce_events(
        notification.bootstrap,
        [
            child_registered(case_id, nationalities=("MX",)),
            screening_completed(case_id, nationalities=("MX",)),
        ],
    )
    notices = await _settled(notification, case_id, 1)
    assert [n["purpose"] for n in notices] == ["child-registered"]
    await asyncio.sleep(0.5)
    assert notification.receiver.accepted_by("GT") == []


FLAGS = [combo for combo in itertools.product([False, True], repeat=3) if any(combo)]


async def test_firewall_for_every_flag_combination(notification) -> None:
    cases = []
    for asylum, fear, trafficking in FLAGS:
        flags = {"asylum": asylum, "fear_of_return": fear, "trafficking": trafficking}
        first, rescreened = uuid4(), uuid4()
        cases += [first, rescreened]
        await produce_events(
            notification.bootstrap,
            [
                # flagged on the first screening
                child_registered(first, nationalities=("HN",)),
                screening_completed(first, nationalities=("HN",), **flags),
                # flagged on a re-screening, after a clean first one was about to be sent
                child_registered(rescreened, nationalities=("HN",)),
                screening_completed(rescreened, nationalities=("HN",), **flags),
                screening_completed(rescreened, sequence=2, nationalities=("HN",), **flags),
            ],
        )
    for case_id in cases:
        await _settled(notification, case_id, 1)
    await asyncio.sleep(1.0)
    assert notification.receiver.accepted_by("HN") == []
    async with notification.service.client(notification.supervisor) as http:
        for case_id in cases:
            notices = (await http.get("/notices", params={"case_id": str(case_id)})).json()
            assert [
                n for n in notices if n["purpose"] == "consular" and n["status"] == "delivered"
            ] == []
    # no message that left the platform, to anyone, carries protection data
    for request in notification.receiver.requests:
        body = json.loads(request["body"])
        assert not _forbidden_keys(body) - {"case_id"}, body
        assert "debt_bondage" not in request["body"].decode()


def _forbidden_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return (set(value) & FORBIDDEN_KEYS) | set().union(*map(_forbidden_keys, value.values()))
    if isinstance(value, list):
        return set().union(*map(_forbidden_keys, value)) if value else set()
    return set()


async def test_flag_after_notification_raises_an_alert(notification) -> None:
    case_id = uuid4()
    await produce_events(
        notification.bootstrap, [child_registered(case_id), screening_completed(case_id)]
    )
    await _settled(notification, case_id, 2)
    await produce_events(
        notification.bootstrap, [screening_completed(case_id, sequence=2, trafficking=True)]
    )
    async with TopicReader(notification.bootstrap, "alert-raised", 20) as reader:
        (record,) = await reader.read_until(lambda rs: len(rs) >= 1)
    assert json.loads(record.value)["kind"] == "flag_after_consular_notice"
    async with notification.service.client(notification.supervisor) as http:
        (alert,) = (await http.get("/alerts", params={"case_id": str(case_id)})).json()
        consular = [
            n
            for n in (await http.get("/notices", params={"case_id": str(case_id)})).json()
            if n["purpose"] == "consular"
        ]
        resend = await http.post(f"/notices/{consular[0]['id']}/resend")
    assert alert["kind"] == "flag_after_consular_notice" and alert["closed_at"] is None
    assert resend.status_code == 409  # delivered notices are not resent
    for _ in range(50):
        if notification.receiver.accepted_by("supervisors"):
            break
        await asyncio.sleep(0.1)
    assert notification.receiver.accepted_by("supervisors")[0]["alert"] == (
        "flag_after_consular_notice"
    )


async def test_a_flag_blocks_an_undelivered_notice_and_resend_obeys_the_firewall(
    notification,
) -> None:
    case_id = uuid4()
    notification.receiver.always_fail.add("GT")
    await produce_events(
        notification.bootstrap, [child_registered(case_id), screening_completed(case_id)]
    )
    notices = await _settled(notification, case_id, 2)
    (consular,) = [n for n in notices if n["purpose"] == "consular"]
    assert consular["status"] == "failed"  # the consulate was unreachable
    await produce_events(
        notification.bootstrap, [screening_completed(case_id, sequence=2, fear_of_return=True)]
    )
    async with notification.service.client(notification.supervisor) as http:
        for _ in range(100):
            found = (await http.get("/notices", params={"case_id": str(case_id)})).json()
            consular = next(n for n in found if n["purpose"] == "consular")
            if consular["status"] == "blocked":
                break
            await asyncio.sleep(0.1)
        assert consular["status"] == "blocked"
        notification.receiver.always_fail.clear()
        resend = await http.post(f"/notices/{consular['id']}/resend")
    assert resend.status_code == 409 and "firewall" in resend.json()["detail"]
    await asyncio.sleep(0.5)
    assert notification.receiver.accepted_by("GT") == []


async def test_protection_referrals_reach_the_authority_not_the_consulate(notification) -> None:
    case_id = uuid4()
    async with notification.service.client(notification.supervisor) as http:
        hooks = notification.receiver
        url = (await http.get("/recipients/authorities/default")).json()["address"]
        comar = recipient(url.replace("/authority", "/comar"), "COMAR")
        await seed_recipients(notification.service.app, [("authorities/COMAR", comar)])
    now = datetime.now(UTC)
    referral = ProtectionReferralMadeV1(
        referral_id=uuid4(),
        case_id=case_id,
        country="MX",
        kind="refugee_commission",
        authority="COMAR",
        authority_name="Comisión Mexicana de Ayuda a Refugiados",
        status="sent",
        screening_id=uuid4(),
        made_at=now,
    )
    event = render(
        PROTECTION_REFERRAL_MADE_V1,
        referral,
        source="/opi/mx/referral",
        subject=str(case_id),
        time=now,
    )
    await produce_events(
        notification.bootstrap,
        [child_registered(case_id), screening_completed(case_id, asylum=True)],
    )
    await _settled(notification, case_id, 1)  # the child is known before the referral
    await produce_events(notification.bootstrap, [event])
    notices = await _settled(notification, case_id, 2)
    assert {n["purpose"] for n in notices} == {
        "child-registered",
        "protection-referral:refugee_commission",
    }
    (told,) = hooks.accepted_by("comar")
    assert told["kind"] == "refugee_commission" and told["child"]["given_names"] == "Niña"
    assert hooks.accepted_by("GT") == []
