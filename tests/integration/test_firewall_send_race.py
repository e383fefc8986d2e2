"""Issue 11, defect 2: a send racing a block. The consulate is holding the notice's request
when a re-screening opens a protection need; the consulate then accepts it. The notice must
be recorded as delivered (the consulate has it), announced, and followed at once by the
flag-after-notice alert, never recorded as `blocked` as if it had not gone."""

from __future__ import annotations

import asyncio
import json
from uuid import UUID, uuid4

from fastapi import FastAPI, Request, Response

from services.notification.main import create_app as create_notification
from tests.conftest import RunningService
from tests.integration.test_notification_delivery import _configure
from tests.kafka_helpers import TopicReader, produce_events
from tests.referral_fixtures import child_registered, screening_completed


class HoldingConsulate:
    """Answers the consulate's webhook only when the test lets it."""

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self.answer = asyncio.Event()
        self.accepted: list[str] = []

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hooks/{name}")
        async def hook(name: str, request: Request) -> Response:
            if name == "GT":
                self.arrived.set()
                await self.answer.wait()
                self.accepted.append(request.headers["X-OPI-Notice-Id"])
            return Response(status_code=202)

        return app


async def _consular(http, case_id: UUID) -> dict:
    notices = (await http.get("/notices", params={"case_id": str(case_id)})).json()
    return next(n for n in notices if n["purpose"] == "consular")


async def test_a_notice_delivered_while_a_need_opened_is_recorded_and_alerted(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    consulate = HoldingConsulate()
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_poll_interval_seconds=0.05,
        notification_timeout_seconds=30,
    )
    async with (
        RunningService(consulate.app()) as hooks,
        RunningService(create_notification(settings)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await _configure(service, hooks.url)
        case_id = uuid4()
        await produce_events(
            own_kafka.bootstrap_servers, [child_registered(case_id), screening_completed(case_id)]
        )
        await asyncio.wait_for(consulate.arrived.wait(), 30)
        await produce_events(
            own_kafka.bootstrap_servers, [screening_completed(case_id, sequence=2, asylum=True)]
        )
        await asyncio.sleep(2.0)  # the re-screening is applied while the send is held
        consulate.answer.set()
        for _ in range(200):
            notice = await _consular(http, case_id)
            if notice["status"] != "sending":
                break
            await asyncio.sleep(0.1)
        assert consulate.accepted == [notice["id"]]
        assert notice["status"] == "delivered", notice
        alerts = (await http.get("/alerts", params={"case_id": str(case_id)})).json()
        assert [a["kind"] for a in alerts] == ["flag_after_consular_notice"]
        async with TopicReader(own_kafka.bootstrap_servers, "consular-notified", 20) as reader:
            records = await reader.read_until(lambda rs: len(rs) >= 1)
        assert json.loads(records[0].value)["outcome"] == "delivered"
