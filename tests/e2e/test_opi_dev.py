"""`opi dev` as a new user runs it: the whole instance starts, answers with a token from
`opi token`, names its services in .opi/dev.json, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.intake_fixtures import REGISTRATION, SCREENING


def _wait_for_manifest(path: Path, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"opi dev exited early:\n{process.stdout.read()}")
        if path.exists():
            return json.loads(path.read_text())
        time.sleep(0.2)
    raise TimeoutError("opi dev did not write its manifest")


def _wait_for_placement(case_url: str, token: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        case = httpx.get(case_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        if case.json()["placement"]:
            return case.json()["placement"]
        time.sleep(0.3)
    raise TimeoutError("the child was not placed")


def _wait_for_mail(mailbox: str, recipients: set[str], timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = httpx.get(f"{mailbox}/messages.json", timeout=10).json()
        if recipients <= {str(m["to"]) for m in received}:
            return received
        time.sleep(0.3)
    raise TimeoutError(f"the mailbox did not receive messages for {recipients}")


def _port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_opi_dev_runs_the_instance_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "OPI_DATA_DIR": str(tmp_path / ".opi")}
    process = subprocess.Popen(
        [sys.executable, "-m", "opi", "dev", "--free-ports", "--kafka-port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        manifest = _wait_for_manifest(tmp_path / ".opi" / "dev.json", process)["mx"]
        token = subprocess.run(
            [sys.executable, "-m", "opi", "token", "--country", "mx", "--role", "opi-officer"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        intake = manifest["services"]["intake"]
        response = httpx.post(
            f"{intake}/cases",
            json=REGISTRATION,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        assert manifest["broker"].startswith("127.0.0.1:")
        # the referral service, seeded with the country's shelters, places the child
        case_url = f"{intake}/cases/{response.json()['case_id']}"
        placement = _wait_for_placement(case_url, token)
        assert placement["shelter_name"] == "Albergue Temporal DIF Tapachula"
        # the notification service told the authority (e-mail) and, after a clean screening,
        # the Guatemalan consulate (signed webhook): both land in the development mailbox
        screened = httpx.post(
            f"{case_url}/screening",
            json=SCREENING,
            timeout=30,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert screened.status_code == 201
        received = _wait_for_mail(manifest["mailbox"], {"consulate-gt"})
        consulate = next(m for m in received if m["to"] == "consulate-gt")
        assert consulate["signature_valid"] is True
        assert "Ana Lucía" in consulate["body"] and "interview" not in consulate["body"]
        assert any(m["channel"] == "email" for m in received)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"intake        {intake}" in output and "opi dev: stopped" in output
    for url in [*manifest["services"].values(), manifest["mailbox"]]:
        assert not _port_open(url)
    assert not _port_open(f"http://{manifest['broker']}")
