"""The recipients directory under production rules, over real HTTP (issue 11, recipients):
every change audited with who, when, before and after (never a secret); a consulate's or an
authority's entry takes effect only when a second supervisor approves it; a webhook must be
https to a public host when saved, when approved and at every send; a development instance
may use this machine's receivers. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from services.notification.main import create_app as create_notification
from services.notification.models import AuditEntry, Recipient, RecipientChange
from shared.platform.config import Settings
from shared.platform.embedded_broker import free_port
from tests.conftest import RunningService
from tests.integration.test_notification_delivery import _consular
from tests.kafka_helpers import produce_events
from tests.notification_fixtures import recipient, seed_recipients
from tests.referral_fixtures import child_registered, screening_completed

PUBLIC = "93.184.215.14"
SECRET = "consulate-shared-secret-0001"
NEW_SECRET = "consulate-shared-secret-0002"


class FakeDns:
    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        if host not in self.table:
            raise OSError(-2, "Name or service not known")
        return self.table[host]


def webhook(host: str, name: str = "Consulado General de Guatemala", **changes: Any) -> dict:
    return {
        "name": name,
        "channel": "webhook",
        "address": f"https://{host}/opi/notices",
        "secret": SECRET,
        "contact": "+52 55 5555 0000",
        **changes,
    }


@dataclass
class Directory:
    service: RunningService
    settings: Settings
    dns: FakeDns
    ana: httpx.AsyncClient  # a supervisor
    beto: httpx.AsyncClient  # another supervisor
    officer: httpx.AsyncClient

    async def rows(self, model: Any) -> list[Any]:
        async with self.service.app.state.sessions() as session:
            return list(await session.scalars(select(model)))


@pytest.fixture
async def directory(database_url, make_settings, token_for) -> AsyncIterator[Directory]:
    """Production rules (not a development instance), a fake DNS, and no Kafka at all: the
    directory needs none."""
    dns = FakeDns(
        {
            "consulado-gt.example.org": [PUBLIC],
            "procuraduria.example.mx": [PUBLIC, "2606:4700:4700::1111"],
            "intranet.example.org": [PUBLIC, "10.0.0.7"],
        }
    )
    settings = make_settings(
        database_url=database_url,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
        kafka_connect_max_backoff_seconds=0.5,
    )
    app = create_notification(settings, development=False, resolver=dns)
    async with (
        RunningService(app) as service,
        service.client(token_for(settings, "supervisor", subject="supervisor-ana")) as ana,
        service.client(token_for(settings, "supervisor", subject="supervisor-beto")) as beto,
        service.client(token_for(settings, "opi-officer", subject="officer-carla")) as officer,
    ):
        yield Directory(service, settings, dns, ana, beto, officer)


async def test_a_consulate_takes_effect_only_once_another_supervisor_approves(
    directory: Directory,
) -> None:
    ana, beto = directory.ana, directory.beto
    proposed = await ana.put("/recipients/consulates/GT", json=webhook("consulado-gt.example.org"))
    assert proposed.status_code == 202, proposed.text
    change = proposed.json()
    assert change["status"] == "pending" and change["proposed_by"] == "supervisor-ana"
    assert change["proposed"]["has_secret"] and change["changes_secret"] is True
    assert change["current"] is None
    assert SECRET not in proposed.text
    # nothing in effect yet: the delivery worker reads only the directory
    assert (await ana.get("/recipients/consulates/GT")).status_code == 404
    assert await directory.rows(Recipient) == []
    pending = (await beto.get("/recipient-changes", params={"status": "pending"})).json()
    assert [c["id"] for c in pending] == [change["id"]]

    own = await ana.post(f"/recipient-changes/{change['id']}/approval")
    assert own.status_code == 403 and "another supervisor" in own.json()["detail"]
    assert (await ana.get("/recipients/consulates/GT")).status_code == 404

    approved = await beto.post(f"/recipient-changes/{change['id']}/approval", json={})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved" and body["decided_by"] == "supervisor-beto"
    assert body["current"]["address"] == "https://consulado-gt.example.org/opi/notices"
    (entry,) = await directory.rows(Recipient)
    assert (entry.kind, entry.key, entry.secret) == ("consulates", "GT", SECRET)
    (stored,) = await directory.rows(RecipientChange)
    assert stored.secret is None, "the proposed secret is not kept after the decision"

    again = await beto.post(f"/recipient-changes/{change['id']}/approval")
    assert again.status_code == 409 and "already approved" in again.json()["detail"]
    assert (await beto.get("/recipient-changes", params={"status": "pending"})).json() == []
    assert [c["id"] for c in (await ana.get("/recipient-changes?status=approved")).json()] == [
        change["id"]
    ]


async def test_a_rejected_or_superseded_change_never_takes_effect(directory: Directory) -> None:
    ana, beto = directory.ana, directory.beto
    await seed_recipients(
        directory.service.app,
        [("authorities/default", webhook("procuraduria.example.mx", "Procuraduría"))],
    )
    first = (
        await ana.put(
            "/recipients/authorities/default",
            json=webhook("consulado-gt.example.org", "Procuraduría (nueva)"),
        )
    ).json()
    second = await ana.put(
        "/recipients/authorities/default",
        json=webhook("procuraduria.example.mx", "Procuraduría", secret=NEW_SECRET),
    )
    assert second.status_code == 202
    second = second.json()
    assert second["changes_secret"] is True
    assert second["current"]["name"] == "Procuraduría"
    superseded = (await beto.get(f"/recipient-changes/{first['id']}")).json()
    assert superseded["status"] == "superseded" and second["id"] in superseded["reason"]
    late = await beto.post(f"/recipient-changes/{first['id']}/approval")
    assert late.status_code == 409 and "superseded" in late.json()["detail"]

    unexplained = await beto.post(f"/recipient-changes/{second['id']}/rejection", json={})
    assert unexplained.status_code == 422
    own = await ana.post(
        f"/recipient-changes/{second['id']}/rejection", json={"reason": "changed my mind"}
    )
    assert own.status_code == 403
    rejected = await beto.post(
        f"/recipient-changes/{second['id']}/rejection",
        json={"reason": "the Procuraduría did not confirm the new key"},
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reason"] == "the Procuraduría did not confirm the new key"
    (entry,) = await directory.rows(Recipient)
    assert entry.secret == SECRET and entry.address == "https://procuraduria.example.mx/opi/notices"
    missing = await beto.post(f"/recipient-changes/{uuid4()}/approval")
    assert missing.status_code == 404


async def test_every_change_is_audited_with_before_and_after_and_no_secret(
    directory: Directory,
) -> None:
    ana, beto = directory.ana, directory.beto
    shelter = webhook("consulado-gt.example.org", "Albergue", secret=SECRET)
    assert (await ana.put("/recipients/shelters/default", json=shelter)).status_code == 200
    moved = {**shelter, "address": "https://procuraduria.example.mx/albergue"}
    assert (await beto.put("/recipients/shelters/default", json=moved)).status_code == 200
    rekeyed = {**moved, "secret": NEW_SECRET}
    assert (await beto.put("/recipients/shelters/default", json=rekeyed)).status_code == 200
    change = (
        await ana.put("/recipients/consulates/GT", json=webhook("consulado-gt.example.org"))
    ).json()
    await beto.post(f"/recipient-changes/{change['id']}/approval", json={"reason": "called"})

    history = (await ana.get("/recipients/shelters/default/history")).json()
    assert [(h["action"], h["actor"], h["secret_changed"]) for h in history] == [
        ("recipient.set", "supervisor-ana", True),
        ("recipient.set", "supervisor-beto", False),
        ("recipient.set", "supervisor-beto", True),
    ]
    assert history[0]["before"] is None
    assert history[0]["after"]["address"] == "https://consulado-gt.example.org/opi/notices"
    assert history[1]["before"]["address"] == "https://consulado-gt.example.org/opi/notices"
    assert history[1]["after"]["address"] == "https://procuraduria.example.mx/albergue"
    assert history[2]["after"]["has_secret"] and history[1]["username"] == "supervisor-beto"

    consulate = (await beto.get("/recipients/consulates/GT/history")).json()
    assert [(h["action"], h["actor"]) for h in consulate] == [
        ("recipient.change-proposed", "supervisor-ana"),
        ("recipient.change-approved", "supervisor-beto"),
    ]
    assert consulate[0]["before"] is None and consulate[0]["after"] is None
    assert consulate[0]["proposed"]["address"].startswith("https://consulado-gt.example.org")
    assert consulate[1]["after"]["name"] == "Consulado General de Guatemala"
    assert consulate[1]["proposed_by"] == "supervisor-ana" and consulate[1]["reason"] == "called"
    assert {h["change_id"] for h in consulate} == {change["id"]}

    entries = await directory.rows(AuditEntry)
    assert len([e for e in entries if e.action.startswith("recipient.")]) == 5
    stored = json.dumps([e.detail for e in entries])
    assert SECRET not in stored and NEW_SECRET not in stored
    assert (await ana.get("/recipients/consulates/HN/history")).json() == []


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("http://127.0.0.1:8099/hooks/consulate-gt", "https://"),
        ("https://127.0.0.1/hooks", "loopback"),
        ("https://10.0.0.7/hooks", "private"),
        ("https://[fd00:ec2::254]/hooks", "metadata"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("https://intranet.example.org/hooks", "10.0.0.7"),  # one of its addresses is private
        ("https://unknown.example.org/hooks", "could not be resolved"),
    ],
)
async def test_a_webhook_must_be_https_to_a_public_host(
    directory: Directory, address: str, why: str
) -> None:
    for path in ("consulates/GT", "authorities/COMAR", "shelters/default", "supervisors/default"):
        answer = await directory.ana.put(
            f"/recipients/{path}", json=webhook("x.example.org", address=address)
        )
        assert answer.status_code == 422, answer.text
        (error,) = answer.json()["detail"]
        assert error["field"] == "address" and error["loc"] == ["body", "address"]
        assert why in error["msg"], error
    assert await directory.rows(Recipient) == [] and await directory.rows(RecipientChange) == []


async def test_the_address_is_checked_again_on_approval(directory: Directory) -> None:
    change = (
        await directory.ana.put(
            "/recipients/consulates/GT", json=webhook("consulado-gt.example.org")
        )
    ).json()
    directory.dns.table["consulado-gt.example.org"] = ["192.168.7.7"]
    refused = await directory.beto.post(f"/recipient-changes/{change['id']}/approval")
    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["field"] == "address" and "192.168.7.7, a private address" in error["msg"]
    assert await directory.rows(Recipient) == []
    assert (await directory.beto.get(f"/recipient-changes/{change['id']}")).json()[
        "status"
    ] == "pending"


async def test_only_supervisors_manage_the_directory(directory: Directory) -> None:
    change = (
        await directory.ana.put(
            "/recipients/consulates/GT", json=webhook("consulado-gt.example.org")
        )
    ).json()
    officer = directory.officer
    body = webhook("consulado-gt.example.org")
    for method, path, payload in (
        ("PUT", "/recipients/consulates/HN", body),
        ("PUT", "/recipients/shelters/default", body),
        ("GET", "/recipients/consulates/GT/history", None),
        ("GET", "/recipient-changes", None),
        ("GET", f"/recipient-changes/{change['id']}", None),
        ("POST", f"/recipient-changes/{change['id']}/approval", None),
        ("POST", f"/recipient-changes/{change['id']}/rejection", {"reason": "no"}),
    ):
        answer = await officer.request(method, path, json=payload)
        assert answer.status_code == 403, (method, path, answer.text)
        async with httpx.AsyncClient(base_url=directory.service.url) as anonymous:
            assert (await anonymous.request(method, path, json=payload)).status_code == 401
    assert (await directory.ana.get(f"/recipient-changes/{change['id']}")).json()[
        "status"
    ] == "pending"


async def test_a_development_instance_may_use_this_machines_receivers(
    database_url, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=database_url,
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",
        kafka_connect_max_backoff_seconds=0.5,
    )
    local = recipient("http://127.0.0.1:8099/hooks/consulate-gt", "GT")
    async with (
        RunningService(create_notification(settings)) as service,  # the tests' dev identity
        service.client(token_for(settings, "supervisor", subject="ana")) as ana,
        service.client(token_for(settings, "supervisor", subject="beto")) as beto,
    ):
        assert (await ana.put("/recipients/supervisors/default", json=local)).status_code == 200
        proposed = await ana.put("/recipients/consulates/GT", json=local)
        assert proposed.status_code == 202, proposed.text
        approval = await beto.post(f"/recipient-changes/{proposed.json()['id']}/approval")
        assert approval.status_code == 200, approval.text
        assert (await ana.get("/recipients/consulates/GT")).json()["address"] == local["address"]


async def test_a_name_resolving_to_a_private_address_is_never_sent_to(
    own_kafka, tmp_path, make_settings, token_for
) -> None:
    """Saved while its name pointed at a public address; by the time of sending it points
    into the private network: every try is refused before any request, and the notice fails
    with that reason (the delivery-failed alert follows, as for any failure)."""
    dns = FakeDns({"consulado-gt.example.org": ["10.20.30.40"]})
    settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'n.db'}",
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        notification_max_attempts=2,
        notification_retry_base_seconds=0.05,
        notification_poll_interval_seconds=0.05,
    )
    async with (
        RunningService(create_notification(settings, development=False, resolver=dns)) as service,
        service.client(token_for(settings, "supervisor")) as http,
    ):
        await seed_recipients(
            service.app,
            [
                ("consulates/GT", webhook("consulado-gt.example.org")),
                ("authorities/default", {"name": "P", "channel": "email", "address": "p@x.mx"}),
                ("supervisors/default", {"name": "S", "channel": "email", "address": "s@x.mx"}),
            ],
        )
        case_id = uuid4()
        await produce_events(
            own_kafka.bootstrap_servers, [child_registered(case_id), screening_completed(case_id)]
        )
        failed = await _consular(http, case_id, "failed")
        reason = (
            "webhook address refused, nothing sent: "
            "consulado-gt.example.org resolves to 10.20.30.40, a private address"
        )
        assert [(a["outcome"], a["detail"]) for a in failed["attempts"]] == [("error", reason)] * 2
        assert failed["last_error"] == reason and failed["delivered_at"] is None
