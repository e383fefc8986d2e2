"""Issue 11 in intake: clearing a flag is a supervisor's decision, not a re-screening, and no
handover is sealed while a need is open (defect 4).

An officer's clean re-screening is recorded but leaves the flag raised; a supervisor may clear
it only once the referral it led to is declined or concluded, with a reason, audited, and the
decision is published as ``protection-need-cleared`` (without the reason). A return scheduled
for a case whose need is open in intake is refused with the reason in a dead letter."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

from sqlalchemy import select

from services.intake.main import create_app
from services.intake.models import AuditEntry
from tests.conftest import RunningService
from tests.handover_fixtures import key_ring, return_scheduled
from tests.intake_fixtures import REGISTRATION, screening
from tests.integration.test_firewall_pending_referral import referral_made, referral_updated
from tests.integration.test_handover_flow import eventually, running
from tests.kafka_helpers import TopicReader, headers_of, produce_events

CLEAR = {"cleared": ["international_protection"], "reason": "COMAR declined: no asylum claim"}


async def _case(http, case_id: str) -> dict:
    response = await http.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_only_a_supervisor_clears_a_flag_once_its_referral_answered(
    kafka, database_url, make_settings, token_for
) -> None:
    settings = make_settings(
        database_url=database_url, kafka_bootstrap_servers=kafka.bootstrap_servers
    )
    officer = token_for(settings, "opi-officer")
    supervisor = token_for(settings, "supervisor", subject="supervisor-1")
    async with (
        RunningService(create_app(settings)) as service,
        service.client(officer) as http,
        service.client(supervisor) as boss,
    ):
        case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
        await http.post(f"/cases/{case_id}/screening", json=screening(asylum_intent=True))
        clean = await http.post(f"/cases/{case_id}/screening", json=screening())
        assert clean.status_code == 201, clean.text
        case = await _case(http, case_id)
        # the clean re-screening is recorded, and clears nothing
        assert [s["international_protection_need"] for s in case["screenings"]] == [True, False]
        assert case["international_protection_need"] is True
        assert case["protection_need"] == {
            "open": True,
            "reasons": ["possible international protection need"],
        }
        listed = (await http.get("/cases")).json()["items"]
        assert [c["international_protection_need"] for c in listed if c["case_id"] == case_id] == [
            True
        ]

        by_officer = await http.post(f"/cases/{case_id}/protection-need/clearances", json=CLEAR)
        assert by_officer.status_code == 403
        no_referral = await boss.post(f"/cases/{case_id}/protection-need/clearances", json=CLEAR)
        assert no_referral.status_code == 409
        assert "has not been made yet" in no_referral.json()["detail"]
        no_reason = await boss.post(
            f"/cases/{case_id}/protection-need/clearances", json={"cleared": ["trafficking"]}
        )
        assert no_reason.status_code == 422 and "reason" in no_reason.text

        referral_id = uuid4()
        await produce_events(kafka.bootstrap_servers, [referral_made(UUID(case_id), referral_id)])

        async def referral_pending() -> bool:
            reasons = (await _case(http, case_id))["protection_need"]["reasons"]
            return any("asylum referral to COMAR pending (sent)" in r for r in reasons)

        await eventually(referral_pending)
        pending = await boss.post(f"/cases/{case_id}/protection-need/clearances", json=CLEAR)
        assert pending.status_code == 409 and "still pending (sent)" in pending.json()["detail"]
        trafficking = await boss.post(
            f"/cases/{case_id}/protection-need/clearances",
            json={"cleared": ["trafficking"], "reason": "never raised on this case"},
        )
        assert trafficking.status_code == 409
        assert "no trafficking flag is open" in trafficking.json()["detail"]

        await produce_events(
            kafka.bootstrap_servers,
            [referral_updated(UUID(case_id), referral_id, "declined")],
        )

        async def referral_declined() -> bool:
            reasons = (await _case(http, case_id))["protection_need"]["reasons"]
            return reasons == ["possible international protection need"]

        await eventually(referral_declined)
        cleared = await boss.post(f"/cases/{case_id}/protection-need/clearances", json=CLEAR)
        assert cleared.status_code == 201, cleared.text
        decision = cleared.json()
        assert decision["through_sequence"] == 2 and decision["decided_by"] == "supervisor-1"
        assert decision["protection_need"] == {"open": False, "reasons": []}
        case = await _case(http, case_id)
        assert case["international_protection_need"] is False
        assert case["protection_need"]["open"] is False

        # a later screening raising the flag again opens the need again
        await http.post(f"/cases/{case_id}/screening", json=screening(fear_of_return=True))
        assert (await _case(http, case_id))["protection_need"]["open"] is True
        async with service.app.state.sessions() as session:
            actions = (
                await session.scalars(
                    select(AuditEntry.action).where(AuditEntry.case_id == UUID(case_id))
                )
            ).all()
        assert actions.count("case.protection_need.clear") == 1

    async with TopicReader(kafka.bootstrap_servers, "protection-need-cleared") as reader:
        records = await reader.read_until(lambda rs: any(r.key == case_id.encode() for r in rs))
    [record] = [r for r in records if r.key == case_id.encode()]
    assert headers_of(record)["ce_type"] == "org.rcm.opi.protection-need-cleared.v1"
    payload = json.loads(record.value)
    assert payload["cleared"] == ["international_protection"]
    assert payload["through_sequence"] == 2
    assert "reason" not in payload and CLEAR["reason"] not in record.value.decode()


async def test_no_handover_is_sealed_while_a_need_is_open(
    kafka, own_kafka, database_url, make_settings, token_for, tmp_path
) -> None:
    ring = key_ring(tmp_path)
    settings = make_settings(
        database_url=database_url,
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        regional_kafka_bootstrap_servers=kafka.bootstrap_servers,
        handover_peers_file=ring.peers_file,
        handover_keys_dir=ring.dirs["MX"],
    )
    async with running(settings, token_for) as mx:
        async with mx.client() as http:
            case_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
            await http.post(f"/cases/{case_id}/screening", json=screening(asylum_intent=True))
            await http.post(f"/cases/{case_id}/screening", json=screening())
        scheduled = return_scheduled(case_id)
        await produce_events(own_kafka.bootstrap_servers, [scheduled])
        async with TopicReader(own_kafka.bootstrap_servers, "return-scheduled.dlq") as reader:
            dead = await reader.read_until(
                lambda rs: any(headers_of(r)["ce_id"] == scheduled.id for r in rs)
            )
        [letter] = [r for r in dead if headers_of(r)["ce_id"] == scheduled.id]
        reason = headers_of(letter)["dlq_reason"]
        assert "open protection need" in reason
        assert "possible international protection need" in reason
        async with mx.client() as http:
            assert (await _case(http, case_id))["handovers"] == []
