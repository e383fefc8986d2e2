"""CloudEvents 1.0 in Kafka binary content mode: what render() writes and attributes_of() reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest

from shared.contracts.catalogue import (
    CHILD_REGISTERED_V1,
    SCREENING_COMPLETED_V1,
    SHELTER_ASSIGNED_V1,
)
from shared.contracts.envelope import (
    JSON_CONTENT_TYPE,
    REQUIRED_HEADERS,
    EventAttributes,
    OutgoingEvent,
    attributes_of,
    decode_body,
    render,
    source_of,
)
from shared.contracts.shelter_assigned import ShelterAssignedV1

CASE_ID = UUID("6f1c2a4e-8b1d-4c3e-9a7f-0d2e5b6c7a81")
TIME = datetime(2026, 11, 20, 14, 30, 5, 123456, tzinfo=timezone(timedelta(hours=-6)))
SOURCE = "/opi/mx/referral"


def shelter_assigned(case_id: UUID = CASE_ID) -> ShelterAssignedV1:
    return ShelterAssignedV1(
        case_id=case_id,
        placement_id=UUID("0b6d9a3c-2f41-4e58-8c7a-1d3e5f6a7b8c"),
        country="MX",
        shelter_id=UUID("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
        shelter_name="Albergue Temporal DIF Tapachula",
        authority="DIF",
        admin1="MX-CHP",
        reason="nearest shelter with a place for an adolescent girl",
        assigned_at=datetime(2026, 11, 20, 21, 0, tzinfo=UTC),
    )


def rendered(**overrides: Any) -> OutgoingEvent:
    arguments: dict[str, Any] = {
        "source": SOURCE,
        "subject": str(CASE_ID),
        "time": TIME,
    }
    arguments.update(overrides)
    return render(SHELTER_ASSIGNED_V1, shelter_assigned(), **arguments)


# --- render ---------------------------------------------------------------------------------


def test_render_writes_the_binary_mode_headers() -> None:
    event = rendered()
    assert set(event.headers) == {
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_specversion",
        "ce_time",
        "ce_subject",
        "content-type",
    }
    assert all(isinstance(value, str) for value in event.headers.values())
    assert event.headers["ce_id"] == event.id
    assert event.headers["ce_source"] == SOURCE
    assert event.headers["ce_type"] == "org.rcm.opi.shelter-assigned.v1"
    assert event.headers["ce_specversion"] == "1.0"
    assert event.headers["ce_subject"] == str(CASE_ID)
    assert event.headers["content-type"] == JSON_CONTENT_TYPE == "application/json"


def test_render_time_header_is_the_event_time() -> None:
    event = rendered()
    assert datetime.fromisoformat(event.headers["ce_time"]) == TIME


def test_render_id_is_a_uuid() -> None:
    assert UUID(rendered().id)


def test_key_is_the_subject_which_is_the_case_id() -> None:
    event = rendered()
    assert event.key == event.headers["ce_subject"] == str(CASE_ID)
    assert UUID(event.key) == shelter_assigned().case_id


def test_topic_is_the_contract_topic() -> None:
    assert rendered().topic == SHELTER_ASSIGNED_V1.topic == "shelter-assigned"


def test_body_is_the_json_payload() -> None:
    payload = shelter_assigned()
    event = rendered()
    assert isinstance(event.body, bytes)
    assert json.loads(event.body) == payload.model_dump(mode="json")
    assert decode_body(event.body) == payload.model_dump(mode="json")
    assert ShelterAssignedV1.model_validate_json(event.body) == payload


def test_body_is_not_a_structured_mode_envelope() -> None:
    body = json.loads(rendered().body)
    assert "specversion" not in body
    assert "data" not in body


@pytest.mark.parametrize("contract", [CHILD_REGISTERED_V1, SCREENING_COMPLETED_V1])
def test_render_refuses_a_payload_of_another_contract(contract: Any) -> None:
    with pytest.raises(TypeError, match=contract.type):
        render(contract, shelter_assigned(), source=SOURCE, subject=str(CASE_ID), time=TIME)


def test_render_refuses_a_plain_dict() -> None:
    with pytest.raises(TypeError):
        render(
            SHELTER_ASSIGNED_V1,
            shelter_assigned().model_dump(mode="json"),  # type: ignore[arg-type]
            source=SOURCE,
            subject=str(CASE_ID),
            time=TIME,
        )


def test_ids_are_unique_per_render() -> None:
    events = [rendered() for _ in range(200)]
    assert len({event.id for event in events}) == len(events)
    assert len({event.headers["ce_id"] for event in events}) == len(events)


def test_rendering_the_same_payload_twice_differs_only_by_id() -> None:
    first, second = rendered(), rendered()
    assert first.id != second.id
    assert first.body == second.body
    assert first.key == second.key
    assert {k: v for k, v in first.headers.items() if k != "ce_id"} == {
        k: v for k, v in second.headers.items() if k != "ce_id"
    }


def test_source_of_is_lowercase_country_and_service() -> None:
    assert source_of("MX", "intake") == "/opi/mx/intake"
    assert source_of("gt", "referral") == "/opi/gt/referral"


# --- attributes_of --------------------------------------------------------------------------


def expected_attributes(event: OutgoingEvent) -> EventAttributes:
    return EventAttributes(
        id=event.id, source=SOURCE, type=SHELTER_ASSIGNED_V1.type, subject=str(CASE_ID), time=TIME
    )


def test_attributes_round_trip_from_str_headers() -> None:
    event = rendered()
    assert attributes_of(event.headers) == expected_attributes(event)


def test_attributes_round_trip_from_bytes_headers() -> None:
    event = rendered()
    headers = {name: value.encode() for name, value in event.headers.items()}
    assert attributes_of(headers) == expected_attributes(event)


@pytest.mark.parametrize("case", [str.upper, str.title, lambda name: name.replace("ce_", "Ce_")])
def test_attribute_header_names_are_case_insensitive(case: Any) -> None:
    event = rendered()
    headers = {case(name): value.encode() for name, value in event.headers.items()}
    assert attributes_of(headers) == expected_attributes(event)


def test_attributes_time_is_timezone_aware() -> None:
    attributes = attributes_of(rendered().headers)
    assert attributes.time is not None
    assert attributes.time.utcoffset() == timedelta(hours=-6)


def test_attributes_accept_a_utc_z_time() -> None:
    headers = {**rendered().headers, "ce_time": "2026-11-20T20:30:05Z"}
    assert attributes_of(headers).time == datetime(2026, 11, 20, 20, 30, 5, tzinfo=UTC)


def test_subject_is_optional() -> None:
    headers = dict(rendered().headers)
    del headers["ce_subject"]
    assert attributes_of(headers).subject is None


def test_render_with_a_utc_time_round_trips() -> None:
    time = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert attributes_of(rendered(time=time).headers).time == time


def test_required_headers_are_the_ce_attributes() -> None:
    assert set(REQUIRED_HEADERS) == {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time"}


@pytest.mark.parametrize("missing", REQUIRED_HEADERS)
def test_missing_required_header_is_named(missing: str) -> None:
    headers = {name: value for name, value in rendered().headers.items() if name != missing}
    with pytest.raises(ValueError, match=missing):
        attributes_of(headers)


@pytest.mark.parametrize("missing", REQUIRED_HEADERS)
def test_empty_required_header_counts_as_missing(missing: str) -> None:
    headers = {**rendered().headers, missing: b""}
    with pytest.raises(ValueError, match=missing):
        attributes_of(headers)


def test_every_missing_header_is_named() -> None:
    with pytest.raises(ValueError) as caught:
        attributes_of({"content-type": b"application/json"})
    message = str(caught.value)
    for name in REQUIRED_HEADERS:
        assert name in message


def test_no_headers_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="missing header"):
        attributes_of({})


@pytest.mark.parametrize("version", ["0.3", "1", "2.0", "1.0 "])
def test_other_specversions_are_refused(version: str) -> None:
    headers = {**rendered().headers, "ce_specversion": version.encode()}
    with pytest.raises(ValueError, match="specversion"):
        attributes_of(headers)


# --- decode_body ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
def test_decode_body_refuses_non_objects(body: bytes) -> None:
    with pytest.raises(ValueError, match="JSON object"):
        decode_body(body)


def test_decode_body_refuses_invalid_json() -> None:
    with pytest.raises(ValueError):
        decode_body(b"{not json")


def test_case_id_key_groups_events_of_one_case() -> None:
    other = uuid4()
    event = render(
        SHELTER_ASSIGNED_V1,
        shelter_assigned(other),
        source=SOURCE,
        subject=str(other),
        time=TIME,
    )
    assert event.key == str(other) != rendered().key
