"""The synthetic national event stream: deterministic, valid against the contracts, faithful
to the services' rules (the firewall above all) and to its own ground truth."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone

import pytest

from opi.simulation.case_events import SERVICE_OF
from opi.simulation.stream import GeneratedStream, generate_stream, shuffled_with_duplicates
from shared.contracts.catalogue import BY_TYPE
from shared.contracts.envelope import attributes_of, decode_body, source_of

START = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def mexico() -> GeneratedStream:
    return generate_stream(seed=42, cases=800, country="MX", start=START)


def _decoded(stream: GeneratedStream) -> dict[str, list[tuple[datetime, str, dict]]]:
    """Per case: (time, event name, payload), in stream order."""
    cases = defaultdict(list)
    for event in stream.events:
        attributes = attributes_of(event.headers)
        name = attributes.type.removeprefix("org.rcm.opi.").removesuffix(".v1")
        cases[attributes.subject].append((attributes.time, name, decode_body(event.body)))
    return cases


def test_the_same_seed_gives_the_same_stream_and_another_seed_another() -> None:
    first = generate_stream(seed=5, cases=40, country="GT", start=START)
    again = generate_stream(seed=5, cases=40, country="GT", start=START)
    other = generate_stream(seed=6, cases=40, country="GT", start=START)
    assert first == again
    assert [e.body for e in first.events] != [e.body for e in other.events]


@pytest.mark.parametrize("country", ["MX", "GT", "HN", "SV", "DO", "HT"])
def test_every_event_validates_and_carries_its_contract_type_and_source(country) -> None:
    stream = generate_stream(seed=1, cases=120, country=country, start=START)
    assert len(stream.truth) == 120
    assert len({event.id for event in stream.events}) == len(stream.events)
    for event in stream.events:
        attributes = attributes_of(event.headers)
        contract = BY_TYPE[attributes.type]
        assert event.topic == contract.topic and event.id == attributes.id
        assert attributes.source == source_of(country, SERVICE_OF[contract.type])
        assert attributes.subject == event.key
        contract.payload.model_validate(decode_body(event.body))
        assert attributes.time is not None and attributes.time.utcoffset() == timedelta(0)


def test_events_are_in_causal_order_and_spread_over_the_weeks(mexico) -> None:
    cases = _decoded(mexico)
    times = [attributes_of(e.headers).time for e in mexico.events]
    assert times == sorted(times)
    for events in cases.values():
        assert events[0][1] == "child-registered"
        assert events[0][0] < next(t for t, name, _ in events if name == "screening-completed")
    registered = sorted(truth.registered_at for truth in mexico.truth)
    assert registered[0] >= START and registered[-1] < START + timedelta(days=60)
    assert registered[-1] - registered[0] > timedelta(days=50)


def test_the_firewall_holds_no_consulate_while_a_protection_flag_is_open(mexico) -> None:
    notified = 0
    for events in _decoded(mexico).values():
        flagged = None
        for _, name, payload in events:
            if name == "screening-completed":
                flagged = (
                    payload["international_protection_need"] or payload["trafficking_suspected"]
                )
                assert payload["returned_national"] == ("MX" in payload["child"]["nationalities"])
            if name == "consular-notified":
                notified += 1
                assert flagged is False
    assert notified > 100
    for truth in mexico.truth:
        if truth.consular:
            assert not truth.returned_national and truth.nationality != "MX"
        delivered = [c.sent_at for c in truth.consular if c.outcome == "delivered"]
        flagged_later = [
            s
            for s in truth.screenings
            if (s.international_protection_need or s.trafficking_suspected)
            and delivered
            and s.screened_at > delivered[0]
        ]
        if flagged_later:  # a re-screening raised a flag once the consulate knew: alert
            assert any(alert.kind == "flag_after_consular_notice" for alert in truth.alerts)


def test_the_truth_matches_the_events(mexico) -> None:
    cases = _decoded(mexico)
    for truth in mexico.truth:
        events = cases[str(truth.case_id)]
        names = Counter(name for _, name, _ in events)
        assert names["screening-completed"] == len(truth.screenings)
        assert names["shelter-assigned"] == len(truth.placements)
        assert names["placement-released"] == sum(
            p.released_at is not None for p in truth.placements
        )
        assert names["protection-referral-made"] == len(truth.referrals)
        assert names["consular-notified"] == len(truth.consular)
        assert names["alert-raised"] == len(truth.alerts)
        assert names["alert-closed"] == sum(a.closed_at is not None for a in truth.alerts)
        registered = events[0][2]
        assert registered["child"]["given_names"] == truth.given_names
        assert registered["detection_place"]["admin1"] == truth.admin1
        phones = [contact["phone"] for contact in registered["family_contacts"]]
        assert phones == [contact.phone for contact in truth.family_contacts]


def test_the_stream_has_every_path_of_a_case(mexico) -> None:
    cases = _decoded(mexico)
    truths = mexico.truth
    assert any(len(t.screenings) == 2 for t in truths)
    assert any(not t.screened_within_24h for t in truths)
    assert any(t.pending_since for t in truths)
    assert {r.kind for t in truths for r in t.referrals} == {"refugee_commission", "prosecutor"}
    assert {r.status for t in truths for r in t.referrals} == {"sent", "acknowledged", "declined"}
    reasons = {p.release_reason for t in truths for p in t.placements if p.release_reason}
    assert reasons == {
        "returned",
        "reunified",
        "refugee_status",
        "absconded",
        "other",
        "transferred",
    }
    assert any(
        a.kind == "delivery_failed" and a.closed_at is None for t in truths for a in t.alerts
    )
    overdue = [a for t in truths for a in t.alerts if a.kind == "screening_overdue"]
    assert overdue and all(a.closed_at for a in overdue)
    assert any([c.outcome for c in t.consular] == ["failed", "delivered"] for t in truths)
    for events in cases.values():
        for index, (_, name, payload) in enumerate(events):
            if name == "shelter-assigned" and payload["previous_shelter_id"]:
                released = [p for _, n, p in events[:index] if n == "placement-released"]
                assert released[-1]["reason"] == "transferred"
                assert released[-1]["shelter_id"] == payload["previous_shelter_id"]
    authorities = {r.authority for t in truths for r in t.referrals}
    assert "COMAR" in authorities


def test_names_dates_of_birth_and_phones_are_varied(mexico) -> None:
    truths = mexico.truth
    assert len({(t.given_names, t.family_names) for t in truths}) > 0.8 * len(truths)
    assert len({t.date_of_birth for t in truths}) > 0.7 * len(truths)
    phones = [c.phone for t in truths for c in t.family_contacts]
    assert len(set(phones)) == len(phones) and len(phones) > 500
    haitian = [t for t in truths if t.nationality == "HT"]
    assert haitian and all(" " not in t.family_names or "-" in t.family_names for t in haitian)


def test_start_must_be_aware_and_is_converted_to_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_stream(seed=1, cases=1, start=datetime(2026, 3, 1))
    local = datetime(2026, 3, 1, tzinfo=timezone(timedelta(hours=-6)))
    stream = generate_stream(seed=1, cases=3, start=local)
    assert all(t.registered_at.tzinfo is UTC for t in stream.truth)


def test_shuffled_with_duplicates_keeps_every_event(mexico) -> None:
    events = mexico.events
    shuffled = shuffled_with_duplicates(events, seed=3)
    assert len(shuffled) == len(events) + round(len(events) * 0.1)
    assert {e.id for e in shuffled} == {e.id for e in events}
    assert shuffled[: len(events)] != events
    copies = Counter(e.id for e in shuffled)
    assert max(copies.values()) == 2
    assert shuffled_with_duplicates(events, seed=3) == shuffled
    assert len(shuffled_with_duplicates(events, seed=3, duplicate_share=0)) == len(events)
