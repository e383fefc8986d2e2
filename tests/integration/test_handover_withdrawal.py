"""Issue 11, defect 4: when a scheduled return is blocked after its handover was sent, the
sending intake withdraws it with a sealed ``handover-withdrawn`` (no reason); the country of
origin closes the returnee case it opened, and a later handover of the same child reopens
that case instead of counting the child a second time. A withdrawal read before the
return-scheduled it withdraws means no handover is ever sealed for that return."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from services.intake.models import AuditEntry, WithdrawnReturn
from tests.handover_fixtures import return_scheduled, return_withdrawn
from tests.intake_fixtures import REGISTRATION, screening
from tests.integration import test_handover_flow as flow
from tests.kafka_helpers import TopicReader, headers_of, produce_events

cases_of, eventually, running_both = flow.cases_of, flow.eventually, flow.running_both
# the fixtures of the handover tests: two intakes on a regional Kafka of their own
intake_settings, regional, ring = flow.intake_settings, flow.regional, flow.ring


async def test_a_withdrawn_handover_closes_the_returnee_case_and_counts_it_once(
    kafka,
    own_kafka,
    new_database,
    intake_settings,
    token_for,
    regional,
) -> None:
    mx_settings = intake_settings("MX", await new_database(), kafka.bootstrap_servers)
    gt_settings = intake_settings("GT", await new_database(), own_kafka.bootstrap_servers)
    async with running_both(mx_settings, gt_settings, token_for) as (mx, gt):
        async with mx.client() as http:
            mx_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
            await http.post(f"/cases/{mx_id}/screening", json=screening())
        first = return_scheduled(mx_id)
        await produce_events(kafka.bootstrap_servers, [first])
        [opened] = await eventually(lambda: cases_of(gt))
        gt_id = opened["case_id"]

        await produce_events(kafka.bootstrap_servers, [return_withdrawn(first)])

        async def closed() -> bool:
            return [c["status"] for c in await cases_of(gt)] == ["closed"]

        await eventually(closed)
        async with mx.client() as http:
            [sent] = (await http.get(f"/cases/{mx_id}")).json()["handovers"]
        assert sent["direction"] == "sent"

        # the return is scheduled again later: the same case opens again, no second one
        await produce_events(kafka.bootstrap_servers, [return_scheduled(mx_id)])

        async def reopened() -> list | None:
            found = await cases_of(gt)
            return found if [c["status"] for c in found] == ["registered"] else None

        [again] = await eventually(reopened)
        assert again["case_id"] == gt_id
        async with gt.client() as http:
            handovers = (await http.get(f"/cases/{gt_id}")).json()["handovers"]
        assert [h["direction"] for h in handovers] == ["received", "received"]
        async with gt.service.app.state.sessions() as session:
            actions = (
                await session.scalars(
                    select(AuditEntry.action).where(AuditEntry.case_id == UUID(gt_id))
                )
            ).all()
        assert "case.close" in actions

        # the withdrawal on the regional Kafka says nothing of why
        async with TopicReader(regional.bootstrap_servers, "crm.handovers.v1") as reader:
            records = await reader.read_until(
                lambda rs: any(
                    headers_of(r)["ce_type"] == "org.rcm.opi.handover-withdrawn.v1" for r in rs
                )
            )
        [withdrawal] = [
            r for r in records if headers_of(r)["ce_type"] == "org.rcm.opi.handover-withdrawn.v1"
        ]
        assert headers_of(withdrawal)["ce_destination"] == "GT"
        assert b"protection" not in withdrawal.value and b"asylum" not in withdrawal.value

        async with TopicReader(own_kafka.bootstrap_servers, "child-registered") as reader:
            registered = await reader.read_for(2.0)
        assert [r.key for r in registered].count(gt_id.encode()) == 1

    async with TopicReader(own_kafka.bootstrap_servers, "case-closed") as reader:
        closings = await reader.read_until(lambda rs: any(r.key == gt_id.encode() for r in rs))
    assert b"handover_withdrawn" in next(r for r in closings if r.key == gt_id.encode()).value


async def test_a_return_withdrawn_before_it_was_sealed_is_never_handed_over(
    kafka,
    own_kafka,
    new_database,
    intake_settings,
    token_for,
) -> None:
    mx_settings = intake_settings("MX", await new_database(), own_kafka.bootstrap_servers)
    gt_settings = intake_settings("GT", await new_database(), kafka.bootstrap_servers)
    async with running_both(mx_settings, gt_settings, token_for) as (mx, gt):
        async with mx.client() as http:
            mx_id = (await http.post("/cases", json=REGISTRATION)).json()["case_id"]
            await http.post(f"/cases/{mx_id}/screening", json=screening())
        scheduled = return_scheduled(mx_id)
        await produce_events(own_kafka.bootstrap_servers, [return_withdrawn(scheduled)])

        async def withdrawal_applied() -> bool:
            async with mx.service.app.state.sessions() as session:
                return (await session.scalars(select(WithdrawnReturn))).first() is not None

        await eventually(withdrawal_applied)
        await produce_events(own_kafka.bootstrap_servers, [scheduled])
        async with TopicReader(own_kafka.bootstrap_servers, "return-scheduled.dlq") as reader:
            dead = await reader.read_until(
                lambda rs: any(headers_of(r)["ce_id"] == scheduled.id for r in rs)
            )
        [letter] = [r for r in dead if headers_of(r)["ce_id"] == scheduled.id]
        assert "withdrawn before it was sealed" in headers_of(letter)["dlq_reason"]
        async with mx.client() as http:
            assert (await http.get(f"/cases/{mx_id}")).json()["handovers"] == []
        assert await cases_of(gt) == []
