"""The issue's end to end, three national stacks (MX, GT, HN) and the region on real
embedded brokers (`opi dev --countries mx,gt,hn`): a Guatemalan child registered and screened
in Mexico → consular notice to Guatemala's consulate → return scheduled → handover →
Guatemala's intake has the returnee case with the right data → reception confirmed →
Mexico's case closed as returned and received; the regional statistics count it. Every
record on the regional broker is scanned: no plaintext name, birth date, phone or note of the
child; Honduras cannot decrypt a handover addressed to Guatemala (Guatemala can)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts.assisted_return import CaseOutcome
from shared.contracts.catalogue import CASE_CLOSED_V1
from shared.contracts.handover import HandoverV1
from shared.contracts.regional import CASE_EVENTS_TOPIC, HANDOVERS_TOPIC
from shared.contracts.regional_catalogue import HANDOVER_V1
from shared.platform.handover_crypto import HandoverRejected, open_sealed
from shared.platform.handover_keys import load_keys
from tests.e2e.test_opi_dev import _wait_for_manifest
from tests.e2e.three_country_helpers import bearer, read_everything, texts_of, token, wait_for

GIVEN, FAMILY = "Ixchel Marisol", "Cux Tzoc"
BIRTH_DATE = "2012-07-09"
PHONE = "+50241237788"
CONTACT = "Juana Tzoc Ajanel"
NOTE = "Dice que viajaba para reunirse con su tía en Quetzaltenango; llegó con un coyote."
ESCORT = "Oficial Rigoberto Anzueto"
RECEIVED_BY = "Licda. Floridalma Chumil"


def _registration() -> dict[str, Any]:
    detected = datetime.now(UTC) - timedelta(hours=3)
    return {
        "child": {
            "given_names": GIVEN,
            "family_names": FAMILY,
            "sex": "female",
            "date_of_birth": BIRTH_DATE,
            "date_of_birth_estimated": False,
            "nationalities": ["GT"],
            "languages": ["es", "quc"],
        },
        "accompaniment": "unaccompanied",
        "detected_at": detected.isoformat(),
        "detection_place": {"admin1": "MX-CHP", "point": "Ciudad Hidalgo"},
        "family_contacts": [
            {"name": CONTACT, "relationship": "aunt", "phone": PHONE, "country": "GT"}
        ],
    }


SCREENING = {
    "asylum_intent": False,
    "fear_of_return": False,
    "trafficking_indicators": [],
    "violence_indicators": [],
    "health_needs": [],
    "risk_level": "low",
    "interview_notes": NOTE,
}


def _json(response: httpx.Response, expected: int) -> Any:
    assert response.status_code == expected, f"{response.request.url}: {response.text}"
    return response.json()


def _regional_version(regional: str, analyst: dict[str, str]) -> int:
    answer = httpx.get(
        f"{regional}/regional/stats/changes",
        params={"since": -1, "wait": 0},
        headers=analyst,
        timeout=30,
    )
    return _json(answer, 200)["version"]


@pytest.mark.timeout(600)
def test_a_guatemalan_child_returned_from_mexico(tmp_path: Path) -> None:
    data_dir = tmp_path / ".opi"
    env = {**os.environ, "OPI_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "opi", "dev", "--countries", "mx,gt,hn"]
    process = subprocess.Popen(
        [*command, "--free-ports", "--kafka-port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # 16 processes and 4 brokers on two cores: start-up alone may take minutes under load
        manifest = _wait_for_manifest(data_dir / "dev.json", process, timeout=300)
        mx, gt, regional = manifest["mx"], manifest["gt"], manifest["regional"]
        mx_intake, mx_referral = mx["services"]["intake"], mx["services"]["referral"]
        gt_intake = gt["services"]["intake"]
        mx_officer = bearer(token(env, "--country", "mx", "--role", "opi-officer"))
        mx_supervisor = bearer(token(env, "--country", "mx", "--role", "supervisor"))
        gt_officer = bearer(token(env, "--country", "gt", "--role", "opi-officer"))
        analyst = bearer(token(env, "--regional", "--role", "regional-analyst"))
        version_before = _regional_version(regional["reporting"], analyst)

        # 1. Mexico registers and screens the Guatemalan child: no protection need
        mx_case = _json(
            httpx.post(f"{mx_intake}/cases", json=_registration(), headers=mx_officer, timeout=30),
            201,
        )
        case_id = mx_case["case_id"]
        case_url = f"{mx_intake}/cases/{case_id}"
        # referral places her first (the handover later releases that place as `returned`)
        wait_for(
            lambda: httpx.get(case_url, headers=mx_officer, timeout=10).json()["placement"],
            "the child was not placed in Mexico",
        )
        screened = httpx.post(
            f"{case_url}/screening", json=SCREENING, headers=mx_officer, timeout=30
        )
        _json(screened, 201)

        # 2. the consular notice reaches Guatemala's consulate (signed webhook, dev mailbox)
        def _consular_notice() -> dict | None:
            received = httpx.get(f"{mx['mailbox']}/messages.json", timeout=10).json()
            return next((m for m in received if m["to"] == "consulate-gt"), None)

        notice = wait_for(_consular_notice, "no consular notice to consulate-gt", timeout=60)
        assert notice["channel"] == "webhook" and notice["signature_valid"] is True
        assert GIVEN in notice["body"] and NOTE not in notice["body"]

        # 3. a Mexican supervisor schedules the return (once referral has seen the screening)
        plan = {
            "scheduled_for": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            "handover_place": "Puente Rodolfo Robles, Ciudad Hidalgo – Tecún Umán",
            "escorting_officer": ESCORT,
        }

        def _schedule() -> dict | None:
            answer = httpx.post(
                f"{mx_referral}/cases/{case_id}/return",
                json=plan,
                headers=mx_supervisor,
                timeout=30,
            )
            if answer.status_code in (404, 409) and "already" not in answer.text:
                return None  # referral has not consumed the screening yet
            return _json(answer, 201)

        scheduled = wait_for(_schedule, "the return could not be scheduled", timeout=60)
        assert scheduled["destination_country"] == "GT"

        # 4. Guatemala's intake opens the returnee case from the sealed handover
        def _returnee() -> dict | None:
            page = httpx.get(
                f"{gt_intake}/cases", params={"limit": 100}, headers=gt_officer, timeout=10
            ).json()
            return next(
                (
                    c
                    for c in page["items"]
                    if (c["child"]["given_names"], c["child"]["family_names"]) == (GIVEN, FAMILY)
                ),
                None,
            )

        summary = wait_for(_returnee, "Guatemala's intake did not receive the child", 90)
        gt_case_url = f"{gt_intake}/cases/{summary['case_id']}"
        gt_case = _json(httpx.get(gt_case_url, headers=gt_officer, timeout=10), 200)
        child = gt_case["child"]
        assert gt_case["country"] == "GT" and gt_case["case_id"] != case_id
        assert child["date_of_birth"] == BIRTH_DATE and child["sex"] == "female"
        assert child["nationalities"] == ["GT"] and child["languages"] == ["es", "quc"]
        assert gt_case["returned_from"] == "MX" and gt_case["returned_national"] is True
        assert [(c["name"], c["phone"]) for c in gt_case["family_contacts"]] == [(CONTACT, PHONE)]
        assert gt_case["screenings"] == []  # the interview stays in Mexico
        assert [(h["direction"], h["country"]) for h in gt_case["handovers"]] == [
            ("received", "MX")
        ]
        assert gt_case["handovers"][0]["sender_case_reference"] == case_id
        handover_id = gt_case["handovers"][0]["handover_id"]

        # 5. the handover at the border, recorded in Mexico
        handed = httpx.post(
            f"{mx_referral}/cases/{case_id}/handover",
            json={"handed_over_at": datetime.now(UTC).isoformat(), "received_by": RECEIVED_BY},
            headers=mx_officer,
            timeout=30,
        )
        assert _json(handed, 200)["status"] == "handed_over"

        # 6. Guatemala confirms the reception; Mexico's case closes as returned and received
        confirmed = httpx.post(
            f"{gt_case_url}/reception",
            json={"received_by": RECEIVED_BY},
            headers=gt_officer,
            timeout=30,
        )
        assert _json(confirmed, 200)["handovers"][0]["reception_confirmed_at"]

        def _closed() -> dict | None:
            case = httpx.get(case_url, headers=mx_officer, timeout=10).json()
            return case if case["status"] == "closed" else None

        closed = wait_for(_closed, "Mexico's case was not closed", timeout=90)
        sent = [h for h in closed["handovers"] if h["direction"] == "sent"]
        assert [(h["country"], h["handover_id"]) for h in sent] == [("GT", handover_id)]
        assert sent[0]["acknowledged_at"] and sent[0]["received_by"] == RECEIVED_BY
        national = read_everything(mx["broker"], {CASE_CLOSED_V1.topic})
        outcomes = [
            json.loads(r.value)
            for r in national
            if r.key and r.key.decode() == case_id and r.topic == CASE_CLOSED_V1.topic
        ]
        outcomes = [o.get("data", o) for o in outcomes]
        assert [o["outcome"] for o in outcomes] == [CaseOutcome.RETURNED_AND_RECEIVED.value]

        # 7. the regional statistics count it: the release (returned) from MX of a GT child
        def _released_record() -> list | None:
            records = read_everything(regional["broker"], {CASE_EVENTS_TOPIC})
            bodies = [json.loads(r.value) for r in records]
            return [
                b
                for b in bodies
                if (b["country"], b["event_type"], b.get("outcome"))
                == ("MX", "released", "returned")
            ] or None

        released = wait_for(_released_record, "no regional released record from MX", 60)
        assert released[0]["nationality"] == "GT"
        version = wait_for(
            lambda: (v := _regional_version(regional["reporting"], analyst)) > version_before and v,
            "the regional projection did not change",
        )
        assert version > version_before

        def _counted() -> dict | None:
            answer = httpx.get(
                f"{regional['reporting']}/regional/stats/indicators", headers=analyst, timeout=30
            )
            table = _json(answer, 200)["outcomes"]
            # one child: below k the figure is suppressed (null), but the cell is there
            cells = [
                c for c in table["cells"] if (c["country"], c["outcome"]) == ("MX", "returned")
            ]
            return table if cells else None

        wait_for(_counted, "the regional outcomes do not show MX returned", timeout=60)
        released_table = _json(
            httpx.get(
                f"{regional['reporting']}/regional/stats/registrations",
                params={"group_by": "country,nationality", "event_type": "released"},
                headers=analyst,
                timeout=30,
            ),
            200,
        )
        assert ("MX", "GT") in {(c["country"], c["nationality"]) for c in released_table["cells"]}
        handovers_url = f"{regional['reporting']}/regional/stats/handovers"
        if httpx.get(handovers_url, headers=analyst, timeout=30).status_code != 404:
            # the MX→GT pair, sent and received (one handover: suppressed, yet listed)
            def _pair() -> dict | None:
                table = _json(httpx.get(handovers_url, headers=analyst, timeout=30), 200)
                pairs = {
                    kind: {(c["sender"], c["destination"]) for c in table[kind]["cells"]}
                    for kind in ("sent", "received")
                }
                return table if all(("MX", "GT") in p for p in pairs.values()) else None

            wait_for(_pair, "the regional handovers do not show MX→GT", timeout=60)

        # 8. every record on the regional broker: nothing in plain text of the child
        everything = read_everything(regional["broker"])
        topics = {record.topic for record in everything}
        assert {CASE_EVENTS_TOPIC, HANDOVERS_TOPIC} <= topics, topics
        words = [w for w in (*GIVEN.split(), *FAMILY.split()) if len(w) >= 6]  # no chance hits
        private = {GIVEN, FAMILY, *words, BIRTH_DATE, PHONE}
        private |= {CONTACT, NOTE, ESCORT, RECEIVED_BY, case_id, gt_case["case_id"]}
        private |= {PHONE.removeprefix("+"), "09/07/2012", "20120709"}
        leaks = [
            (record.topic, record.offset, value)
            for record in everything
            for text in texts_of(record)
            for value in private
            if value in text
        ]
        assert not leaks, leaks

        # 9. Honduras cannot open the handover addressed to Guatemala; Guatemala can
        peers = data_dir / "handover-peers.toml"
        hn_keys = load_keys("HN", data_dir / "hn" / "handover-keys", peers)
        gt_keys = load_keys("GT", data_dir / "gt" / "handover-keys", peers)
        to_guatemala = [
            r
            for r in everything
            if r.topic == HANDOVERS_TOPIC and json.loads(r.value)["destination"] == "GT"
        ]
        assert to_guatemala, "no handover addressed to GT on the regional broker"
        for record in to_guatemala:
            with pytest.raises(HandoverRejected):
                open_sealed(record.value, keys=hn_keys, model=HandoverV1)
            # even pretending to be Guatemala, Honduras's private key does not open it
            impostor = dataclasses.replace(hn_keys, country="GT")
            with pytest.raises(HandoverRejected, match="undecryptable"):
                open_sealed(record.value, keys=impostor, model=HandoverV1)
        handovers = [
            r
            for r in to_guatemala
            if dict(r.headers).get("ce_type", b"").decode() == HANDOVER_V1.type
        ]
        opened = [open_sealed(r.value, keys=gt_keys, model=HandoverV1) for r in handovers]
        assert [(p.child.given_names, str(p.handover_id)) for p in opened] == [(GIVEN, handover_id)]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
