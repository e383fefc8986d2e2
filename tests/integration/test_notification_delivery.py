"""Delivery you can trust: retries with backoff, a final failure that alerts, a restart in the
middle of sending that loses nothing and sends nothing twice, and deadlines driven by a
controllable clock."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from fastapi import Request, Response

from services.notification.main import create_app as create_notification
from tests.conftest import RunningService
from tests.kafka_helpers import TopicReader, produce_events
from tests.notification_fixtures import Receiver, recipient, seed_recipients
from tests.referral_fixtures import child_registered, screening_completed


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def _configure(service: RunningService, url: str) -> None:
    await seed_recipients(
        service.app,
        (
            (kind_key, recipient(f"{url}/hooks/{name}", name))
            for kind_key, name in (
                ("consulates/GT", "GT"),
                ("authorities/default", "authority"),
                ("supervisors/default", "supervisors"),
            )
        ),
    )


async def _consular(http, case_id: UUID, status: str, within: float = 20) -> dict:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = [
            n
            for n in (await http.get("/notices", params={"case_id": str(case_id)})).json()
            if n["purpose"] == "consular"
        ]
        if found and found[0]["status"] == status:
            return found[0]
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"consular notice not {status}: {found}")
        await asyncio.sleep(0.1)


async def test_retries_then_success_and_final_failure(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    receiver = Receiver(failures_left={"GT": 2})
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_max_attempts=3,
        notification_retry_base_seconds=0.05,
        notification_poll_interval_seconds=0.05,
    )
    async with (
        RunningService(receiver.app()) as hooks,
        RunningService(create_notification(settings)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        lucky, unlucky = uuid4(), uuid4()
        await produce_events(
            own_kafka.bootstrap_servers, [child_registered(lucky), screening_completed(lucky)]
        )
        delivered = await _consular(http, lucky, "delivered")
        assert [a["outcome"] for a in delivered["attempts"]] == ["error", "error", "delivered"]
        assert len(receiver.accepted_by("GT")) == 1

        receiver.always_fail.add("GT")
        await produce_events(
            own_kafka.bootstrap_servers, [child_registered(unlucky), screening_completed(unlucky)]
        )
        failed = await _consular(http, unlucky, "failed")
        assert [a["outcome"] for a in failed["attempts"]] == ["error"] * 3
        assert "HTTP 503" in failed["last_error"]
        async with TopicReader(own_kafka.bootstrap_servers, "alert-raised", 20) as reader:
            records = await reader.read_until(lambda rs: len(rs) >= 1)
        alert = json.loads(records[0].value)
        assert alert["kind"] == "delivery_failed" and alert["case_id"] == str(unlucky)

        receiver.always_fail.clear()
        resent = await http.post(f"/notices/{failed['id']}/resend")
        assert resent.status_code == 200
        again = await _consular(http, unlucky, "delivered")
        assert len(again["attempts"]) == 4 and len(receiver.accepted_by("GT")) == 2
        closed = (await http.get("/alerts", params={"case_id": str(unlucky)})).json()
        assert closed[0]["closed_at"] is not None  # delivered after all


async def test_restart_mid_delivery_loses_nothing_and_sends_nothing_twice(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    receiver = Receiver()
    gate = asyncio.Event()
    held: list[str] = []
    all_held = asyncio.Event()
    cases = [uuid4() for _ in range(3)]
    app = receiver.app()

    @app.middleware("http")
    async def hold_consulate(request: Request, call_next) -> Response:
        if request.url.path.endswith("/GT"):
            held.append(request.headers["X-OPI-Notice-Id"])
            if len(set(held)) == len(cases):
                all_held.set()
            await gate.wait()  # the consulate is slow: the sender is stopped meanwhile
        return await call_next(request)

    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_timeout_seconds=1.0,
        notification_retry_base_seconds=0.05,
        notification_poll_interval_seconds=0.05,
    )
    supervisor = token_for(settings, "supervisor")
    events = [e for c in cases for e in (child_registered(c), screening_completed(c))]
    async with RunningService(app) as hooks:
        async with (
            RunningService(create_notification(settings)) as first,
            first.client(supervisor) as http,
        ):
            await _configure(first, hooks.url)
            await produce_events(own_kafka.bootstrap_servers, events)
            await asyncio.wait_for(all_held.wait(), 20)  # every consular notice is on its way
        gate.set()  # the first instance is gone; what it was sending may or may not land
        async with (
            RunningService(create_notification(settings)) as second,
            second.client(supervisor) as http,
        ):
            notices = [await _consular(http, c, "delivered", within=30) for c in cases]
    # the second instance sent the interrupted notices again, with the same notice ids: the
    # consulate accepted each notice exactly once, and each was recorded delivered once
    assert len(held) > len(cases)
    assert sorted(m["reference"] for m in receiver.accepted_by("GT")) == sorted(
        n["id"] for n in notices
    )
    assert all([a["outcome"] for a in n["attempts"]].count("delivered") == 1 for n in notices)


async def test_deadlines_fire_and_close_on_a_controlled_clock(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    clock = Clock()
    receiver = Receiver(always_fail={"GT"})
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_max_attempts=1,
        notification_poll_interval_seconds=0.05,
        screening_deadline_hours=24,
        consular_deadline_hours=6,
    )
    case_id = uuid4()
    async with (
        RunningService(receiver.app()) as hooks,
        RunningService(create_notification(settings, clock=clock)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        await produce_events(own_kafka.bootstrap_servers, [child_registered(case_id)])
        await asyncio.sleep(0.5)
        assert (await http.get("/alerts", params={"case_id": str(case_id)})).json() == []
        clock.offset = timedelta(hours=25)
        screening = await _alert(http, case_id, "screening_overdue", is_open=True)

        await produce_events(own_kafka.bootstrap_servers, [screening_completed(case_id)])
        await _alert(http, case_id, "screening_overdue", is_open=False)
        failed = await _consular(http, case_id, "failed")
        clock.offset = timedelta(hours=25 + 7)
        await _alert(http, case_id, "consular_notice_overdue", is_open=True)
        receiver.always_fail.clear()
        assert (await http.post(f"/notices/{failed['id']}/resend")).status_code == 200
        await _alert(http, case_id, "consular_notice_overdue", is_open=False)
        # read while the service runs: its relay sends what it staged last
        async with TopicReader(own_kafka.bootstrap_servers, "alert-closed", 20) as reader:
            closed = await reader.read_until(lambda rs: len(rs) >= 2)
    assert screening["detail"].startswith("registered")
    assert {json.loads(r.value)["kind"] for r in closed} >= {
        "screening_overdue",
        "consular_notice_overdue",
    }


async def _alert(http, case_id: UUID, kind: str, *, is_open: bool) -> dict:
    for _ in range(200):
        alerts = [
            a
            for a in (await http.get("/alerts", params={"case_id": str(case_id)})).json()
            if a["kind"] == kind
        ]
        if alerts and (alerts[-1]["closed_at"] is None) == is_open:
            return alerts[-1]
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{kind} never {'open' if is_open else 'closed'}")
