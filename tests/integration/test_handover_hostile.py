"""Hostile records on the regional Kafka: each one addressed to Guatemala but untrustworthy
goes to crm.handovers.v1.dlq with its reason, and nothing is created; a record addressed to
another country is left alone."""

from __future__ import annotations

import pytest

from tests.apache_kafka import ApacheKafka
from tests.handover_fixtures import (
    handover,
    key_ring,
    record,
    rewrite,
    sealed,
    tampered,
)
from tests.integration.test_handover_flow import cases_of, eventually, running
from tests.kafka_helpers import TopicReader, headers_of, produce_events

HANDOVERS = "crm.handovers.v1"


@pytest.fixture
def regional():
    with ApacheKafka() as broker:
        yield broker


async def test_untrustworthy_handovers_are_dead_lettered_with_their_reason(
    own_kafka, database_url, make_settings, token_for, regional, tmp_path
) -> None:
    ring = key_ring(tmp_path)
    mx, hn = ring.keys("MX"), ring.keys("HN")
    settings = make_settings(
        country="GT",
        database_url=database_url,
        kafka_bootstrap_servers=own_kafka.bootstrap_servers,
        regional_kafka_bootstrap_servers=regional.bootstrap_servers,
        handover_peers_file=ring.peers_file,
        handover_keys_dir=ring.dirs["GT"],
    )
    valid = handover()
    valid_envelope = sealed(valid, mx)
    forged = handover(given_names="Forjada")  # HN signs, the envelope says MX
    hostile = {
        "tampered": record(tampered(sealed(handover(), mx))),
        "bad signature": record(rewrite(sealed(forged, hn), sender="MX")),
        "misaddressed": record(sealed(handover(destination="HN"), mx)),
        "undecryptable": record(
            rewrite(sealed(handover(destination="HN"), mx, "HN"), destination="GT")
        ),
        "schema version": record(rewrite(sealed(handover(), mx), schema_version=2)),
    }
    not_ours = record(sealed(handover(destination="HN"), mx, "HN"), destination="HN")

    async with running(settings, token_for) as gt:
        await produce_events(regional.bootstrap_servers, [record(valid_envelope), not_ours])
        [case] = await eventually(lambda: cases_of(gt))
        # the very same envelope again: a replay, whatever its CloudEvent id
        await produce_events(
            regional.bootstrap_servers, [record(valid_envelope), *hostile.values()]
        )
        async with TopicReader(regional.bootstrap_servers, f"{HANDOVERS}.dlq") as reader:
            dead = await reader.read_until(lambda records: len(records) >= 6)
            dead += await reader.read_for(1.0)
        assert len(await cases_of(gt)) == 1
        async with gt.client() as http:
            health = (await http.get("/health")).json()
        assert health["checks"]["regional_broker"] == "ok"
    assert case["child"]["given_names"] == "Ana Lucía"

    reasons = {headers_of(r)["ce_id"]: headers_of(r)["dlq_reason"] for r in dead}
    assert len(reasons) == 6  # not the one addressed to HN
    expected = {
        "tampered": "undecryptable with this country's key",
        "bad signature": "bad signature: not signed by MX",
        "misaddressed": "misaddressed: sealed as MX to HN",
        "undecryptable": "undecryptable with this country's key",
        "schema version": "unknown schema version 2",
    }
    for name, event in hostile.items():
        assert expected[name] in reasons[event.id], (name, reasons[event.id])
    replays = [reason for reason in reasons.values() if "replayed handover" in reason]
    assert replays == [f"PoisonMessage: replayed handover {valid.handover_id}"]
