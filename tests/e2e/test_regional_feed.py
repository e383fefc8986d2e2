"""End to end as `make run` runs it (`opi dev --simulate`): simulated arrivals go through
intake, referral and notification; national reporting counts them; every record on the
regional Kafka's crm.case-events.v1 holds only the allowed fields and no name, birth date,
phone, note or case id of any registered child; the regional service counts them too; and
each side refuses the other's readers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shared.contracts.regional import ALLOWED_FIELDS, CASE_EVENTS_TOPIC
from tests.e2e.test_opi_dev import _wait_for_manifest
from tests.kafka_helpers import TopicReader

CASES = 12


def _token(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "opi", "token", *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def _screened_cases(intake: str, token: str, timeout: float = 120) -> list[dict]:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # a shared, busy machine: the instance is loaded by the simulation meanwhile
        page = httpx.get(
            f"{intake}/cases", params={"limit": 100}, headers=headers, timeout=30
        ).json()
        screened = [c for c in page["items"] if c["status"] == "screened"]
        if len(screened) >= CASES:
            return [
                httpx.get(f"{intake}/cases/{c['case_id']}", headers=headers, timeout=30).json()
                for c in page["items"]
            ]
        time.sleep(1)
    raise TimeoutError("the simulation did not register and screen enough children")


def _private_values(cases: list[dict]) -> set[str]:
    values: set[str] = set()
    for case in cases:
        child = case["child"]
        values |= {case["case_id"], child["given_names"], child["family_names"]}
        values |= {child["date_of_birth"] or "", child["name_since_separation"] or ""}
        for contact in case["family_contacts"]:
            values |= {contact["name"], contact.get("phone") or ""}
        for screening in case["screenings"]:
            values |= {screening["interview_notes"] or "", screening["recommendations"] or ""}
        values |= {(case["placement"] or {}).get("shelter_name") or ""}
    return {value for value in values if value}


def _leaks(record_values: list[str], private: set[str]) -> list[str]:
    return [value for value in record_values if value in private]


async def _regional_records(bootstrap: str, case_keys_wanted: int) -> list:
    async with TopicReader(bootstrap, CASE_EVENTS_TOPIC) as reader:
        return await reader.read_until(
            lambda got: len({json.loads(r.value)["case_key"] for r in got}) >= case_keys_wanted,
            within=90,
        )


def test_make_run_feeds_the_region_anonymously(tmp_path: Path) -> None:
    env = {**os.environ, "OPI_DATA_DIR": str(tmp_path / ".opi")}
    command = [sys.executable, "-m", "opi", "dev", "--free-ports", "--kafka-port", "0"]
    command += ["--simulate", "--rate", "240", "--duration", "30", "--seed", "5"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        manifest = _wait_for_manifest(tmp_path / ".opi" / "dev.json", process, timeout=180)
        officer = _token(env, "--country", "mx", "--role", "supervisor")
        cases = _screened_cases(manifest["mx"]["services"]["intake"], officer)
        records = asyncio.run(_regional_records(manifest["regional"]["broker"], len(cases)))

        private = _private_values(cases)
        for record in records:
            body = json.loads(record.value)
            assert set(body) <= ALLOWED_FIELDS
            texts = [str(v) for v in body.values()] + [v.decode() for _, v in record.headers]
            assert not _leaks([*texts, record.key.decode()], private), body
        # nor inside any text (a short name could match by chance, so only longer ones)
        longer = [value for value in private if len(value) >= 5]
        assert not any(value in record.value.decode() for record in records for value in longer)

        national = manifest["mx"]["dashboard"]
        regional = manifest["regional"]["reporting"]
        analyst = _token(env, "--regional", "--role", "regional-analyst")
        as_analyst = {"Authorization": f"Bearer {analyst}"}
        stats = httpx.get(
            f"{national}/stats/indicators", headers={"Authorization": f"Bearer {officer}"}
        )
        assert stats.json()["registrations"]["events"] >= len(cases)
        assert httpx.get(f"{national}/stats/indicators", headers=as_analyst).status_code == 401
        national_analyst = _token(env, "--country", "mx", "--role", "regional-analyst")
        for path in ("/stats/indicators", "/stats/registrations", "/stats/changes?since=5"):
            answer = httpx.get(
                f"{national}{path}", headers={"Authorization": f"Bearer {national_analyst}"}
            )
            assert answer.status_code == 403, path
        regional_stats = httpx.get(f"{regional}/regional/stats/indicators", headers=as_analyst)
        assert regional_stats.status_code == 200
        officer_headers = {"Authorization": f"Bearer {officer}"}
        assert httpx.get(
            f"{regional}/regional/stats/indicators", headers=officer_headers
        ).status_code in (401, 403)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
