"""What a handover looks like on the regional Kafka, what goes inside it, and how a
redelivered record differs from a replayed one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pycountry
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake import handover as handovers
from services.intake import handover_reception as reception
from services.intake.main import handover_keys
from services.intake.models import (
    Base,
    Case,
    CaseNationality,
    NeedClearance,
    OutboxMessage,
    Screening,
)
from shared.contracts.assisted_return import ReturnScheduledV1
from shared.contracts.handover import HandoverAcknowledgedV1, HandoverV1
from shared.platform.config import Settings
from shared.platform.db import create_engine, session_factory
from shared.platform.handover_crypto import open_sealed
from tests.handover_fixtures import handover, key_ring

NOW = datetime(2026, 11, 22, 15, 45, tzinfo=UTC)


def test_every_reception_point_is_a_subdivision_of_its_country() -> None:
    for country, point in handovers.RECEPTION_POINTS.items():
        subdivision = pycountry.subdivisions.get(code=point.admin1)
        assert subdivision is not None and subdivision.country_code == country


def test_a_sealed_record_names_only_type_sender_day_and_destination() -> None:
    handover_id = uuid4()
    event = handovers.render_sealed(
        handovers.HANDOVER_V1,
        b'{"ciphertext": "..."}',
        country="MX",
        destination="gt",
        handover_id=handover_id,
        at=NOW,
    )
    assert event.key == str(handover_id) and event.topic == "crm.handovers.v1"
    assert event.headers["ce_destination"] == "GT"
    assert event.headers["ce_time"] == "2026-11-22T00:00:00Z"
    assert event.headers["ce_source"] == "/opi/mx/intake"
    assert event.headers["ce_type"] == "org.rcm.opi.handover.v1"
    assert "ce_subject" not in event.headers


def _case(*, cleared: bool = True) -> Case:
    case_id = uuid4()
    return Case(
        id=case_id,
        country="MX",
        status="screened",
        registered_at=NOW,
        registered_by="officer-1",
        detected_at=NOW,
        given_names="Ana",
        family_names="Pérez",
        name_since_separation=None,
        sex="female",
        date_of_birth=date(2011, 3, 14),
        date_of_birth_estimated=False,
        age_years=15,
        age_group="12-17",
        languages=["es"],
        documents=[{"type": "passport", "number": "G123", "issuing_country": "GT"}],
        accompaniment="unaccompanied",
        detection_admin1="MX-CHP",
        detection_point="Ciudad Hidalgo",
        family_contacts=[{"name": "María", "relationship": "mother", "phone": "+50255551234"}],
        sibling_case_ids=[],
        returned_national=False,
        nationalities=[CaseNationality(country="GT", position=0)],
        screenings=[
            Screening(
                id=uuid4(),
                case_id=case_id,
                sequence=1,
                screened_at=NOW,
                screened_by="officer-1",
                asylum_intent=False,
                fear_of_return=False,
                trafficking_indicators=["debt_bondage"],
                violence_indicators=[],
                health_needs=["chronic_condition"],
                risk_level="medium",
                recommendations="Vigilar",
                interview_notes="Secreto",
                international_protection_need=False,
                trafficking_suspected=True,
                protection_flags=["trafficking_suspected"],
            )
        ],
        handovers=[],
        # the prosecutor declined and a supervisor cleared the flag: the return may go ahead
        clearances=[
            NeedClearance(
                id=uuid4(),
                case_id=case_id,
                cleared=["trafficking"],
                through_sequence=1,
                reason="the prosecutor found no trafficking",
                decided_by="supervisor-1",
                decided_by_name=None,
                decided_at=NOW,
            )
        ]
        if cleared
        else [],
    )


def _scheduled(case: Case) -> ReturnScheduledV1:
    return ReturnScheduledV1(
        case_id=case.id,
        return_id=uuid4(),
        country="MX",
        destination_country="GT",
        scheduled_for=NOW,
        handover_place="Puente Rodolfo Robles",
        escorting_officer="Oficial Ramírez",
        scheduled_at=NOW,
    )


def test_a_handover_carries_the_health_needs_but_no_screening_detail() -> None:
    case = _case()
    payload = handovers.handover_of(
        case,
        _scheduled(case),
        handover_id=uuid4(),
        authority=handovers.Authority("DIF", "+525555555555"),
        now=NOW,
    )
    assert payload.health_needs == ["chronic_condition"]
    assert payload.sender_case_reference == case.id and payload.destination_country == "GT"
    assert payload.child.documents[0].number == "G123"
    text = payload.model_dump_json()
    for detail in ("Secreto", "Vigilar", "debt_bondage", "trafficking", "medium"):
        assert detail not in text


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield session_factory(engine)
    await engine.dispose()


async def test_a_redelivered_record_is_skipped_and_a_replayed_one_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    payload = handover()
    first = handovers.RecordPosition(partition=1, offset=7)
    async with sessions() as session, session.begin():
        case = await reception.receive_handover(
            session, payload, country="GT", position=first, now=NOW
        )
    assert case is not None and case.detection_admin1 == "GT-01"
    async with sessions() as session, session.begin():
        again = await reception.receive_handover(
            session, payload, country="GT", position=first, now=NOW
        )
    assert again is None
    with pytest.raises(handovers.HandoverProblem, match="replayed handover"):
        async with sessions() as session, session.begin():
            await reception.receive_handover(
                session,
                payload,
                country="GT",
                position=handovers.RecordPosition(partition=1, offset=9),
                now=NOW,
            )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 1
        topics = (await session.scalars(select(OutboxMessage.topic))).all()
    assert topics == ["child-registered"]


async def test_sending_seals_to_the_destination_and_stages_for_the_region(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    ring = key_ring(tmp_path)
    case = _case()
    async with sessions() as session, session.begin():
        session.add(case)
    async with sessions() as session, session.begin():
        sent = await handovers.send_handover(
            session,
            _scheduled(case),
            keys=ring.keys("MX"),
            authority=handovers.Authority("DIF", "+525555555555"),
            now=NOW,
        )
    async with sessions() as session:
        [message] = (await session.scalars(select(OutboxMessage))).all()
    assert message.topic == "crm.handovers.v1" and message.key == str(sent.handover_id)
    assert json.loads(message.body)["destination"] == "GT"
    opened = open_sealed(message.body, keys=ring.keys("GT"), model=HandoverV1)
    assert opened.handover_id == sent.handover_id and opened.child.given_names == "Ana"


async def test_no_handover_is_sealed_while_a_flag_is_open(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    case = _case(cleared=False)
    async with sessions() as session, session.begin():
        session.add(case)
    async with sessions() as session:
        with pytest.raises(handovers.HandoverProblem, match="presumed trafficking victim"):
            await handovers.send_handover(
                session,
                _scheduled(case),
                keys=key_ring(tmp_path).keys("MX"),
                authority=handovers.Authority("DIF", "+525555555555"),
                now=NOW,
            )
        assert (await session.scalars(select(OutboxMessage))).all() == []


async def test_an_acknowledgement_closes_once_and_only_the_case_it_names(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    ring = key_ring(tmp_path)
    case = _case()
    async with sessions() as session, session.begin():
        session.add(case)
    async with sessions() as session, session.begin():
        sent = await handovers.send_handover(
            session,
            _scheduled(case),
            keys=ring.keys("MX"),
            authority=handovers.Authority("DIF", "+525555555555"),
            now=NOW,
        )

    def ack(**changes: object) -> HandoverAcknowledgedV1:
        fields = {
            "handover_id": sent.handover_id,
            "sender_country": "GT",
            "destination_country": "MX",
            "sender_case_reference": case.id,
            "received_at": NOW,
            "received_by": "Lic. Morales",
        }
        return HandoverAcknowledgedV1(**{**fields, **changes})

    position = handovers.RecordPosition(partition=0, offset=3)
    for wrong in (
        ack(handover_id=uuid4()),
        ack(sender_case_reference=uuid4()),
        ack(sender_country="HN"),
    ):
        with pytest.raises(handovers.HandoverProblem, match="unknown handover"):
            async with sessions() as session, session.begin():
                await reception.apply_acknowledgement(session, wrong, position=position, now=NOW)
    async with sessions() as session, session.begin():
        closed = await reception.apply_acknowledgement(session, ack(), position=position, now=NOW)
    assert closed is not None and closed.status == "closed"
    async with sessions() as session, session.begin():
        assert (
            await reception.apply_acknowledgement(session, ack(), position=position, now=NOW)
            is None
        )
    with pytest.raises(handovers.HandoverProblem, match="replayed acknowledgement"):
        async with sessions() as session, session.begin():
            await reception.apply_acknowledgement(
                session,
                ack(),
                position=handovers.RecordPosition(partition=0, offset=4),
                now=NOW,
            )
    async with sessions() as session:
        topics = (await session.scalars(select(OutboxMessage.topic))).all()
    assert sorted(topics) == ["case-closed", "crm.handovers.v1"]


def test_handovers_are_off_without_a_peers_file_or_a_regional_kafka(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ring = key_ring(tmp_path)
    base = {"country": "GT", "data_dir": tmp_path, "kafka_bootstrap_servers": "127.0.0.1:1"}
    assert handover_keys(Settings(**base, regional_kafka_bootstrap_servers="x:1")) is None
    assert handover_keys(Settings(**base, handover_peers_file=ring.peers_file)) is None
    assert "handovers" in caplog.text
    keys = handover_keys(
        Settings(
            **base, handover_peers_file=ring.peers_file, regional_kafka_bootstrap_servers="x:1"
        )
    )
    assert keys is not None and keys.country == "GT" and set(keys.peers) == {"MX", "GT", "HN"}
    assert (tmp_path / "gt" / "handover-keys" / "signing.key").exists()
