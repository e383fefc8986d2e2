"""`opi dev --countries mx,gt`: two national stacks and the region on one machine. Each
country answers as itself, trusts only its own tokens, both are listed in the handover peers
file, and Ctrl-C stops every process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx

from tests.e2e.test_opi_dev import _port_open, _wait_for_manifest


def _token(env: dict[str, str], country: str) -> str:
    command = [sys.executable, "-m", "opi", "token", "--country", country, "--role", "opi-officer"]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_opi_dev_runs_two_countries_and_the_region(tmp_path: Path) -> None:
    data_dir = tmp_path / ".opi"
    env = {**os.environ, "OPI_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "opi", "dev", "--countries", "mx,gt"]
    process = subprocess.Popen(
        [*command, "--free-ports", "--kafka-port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        manifest = _wait_for_manifest(data_dir / "dev.json", process, timeout=120)
        assert {"mx", "gt", "regional"} <= set(manifest)
        mx, gt = manifest["mx"], manifest["gt"]
        assert mx["broker"] != gt["broker"] != manifest["regional"]["broker"]
        assert mx["mailbox"] != gt["mailbox"]
        for code in ("mx", "gt"):
            health = httpx.get(f"{manifest[code]['services']['intake']}/health", timeout=10)
            assert health.status_code == 200
            assert health.json()["country"] == code.upper(), health.text

        mx_token = _token(env, "mx")
        headers = {"Authorization": f"Bearer {mx_token}"}
        mx_cases = httpx.get(f"{mx['services']['intake']}/cases", headers=headers, timeout=10)
        assert mx_cases.status_code == 200, mx_cases.text
        gt_cases = httpx.get(f"{gt['services']['intake']}/cases", headers=headers, timeout=10)
        assert gt_cases.status_code == 401, gt_cases.text

        with (data_dir / "handover-peers.toml").open("rb") as peers:
            assert {"MX", "GT"} <= set(tomllib.load(peers))
        assert (data_dir / "gt" / "handover-keys").is_dir()
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "opi dev: country mx" in output and "opi dev: country gt" in output
    assert output.count("(RCM statistics") == 1 and output.count("/#token=") == 3
    assert "opi dev: stopped" in output
    urls = [manifest["regional"]["reporting"], f"http://{manifest['regional']['broker']}"]
    for code in ("mx", "gt"):
        urls += [*manifest[code]["services"].values(), manifest[code]["mailbox"]]
        urls.append(f"http://{manifest[code]['broker']}")
    assert not [url for url in urls if _port_open(url)]
