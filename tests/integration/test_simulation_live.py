"""The live simulator against the real intake and referral services (SQLite, embedded
Kafka): synthetic children are registered, screened and some released, over HTTP."""

from __future__ import annotations

from opi.simulation.live import run_simulation
from services.intake.main import create_app as create_intake
from services.referral.main import create_app as create_referral
from services.referral.shelters import seed_file_for
from shared.platform.embedded_broker import free_port
from tests.conftest import RunningService

FAST = 3_600_000.0  # a simulated hour in 1 ms: even a 40-day stay ends within a second


async def test_the_simulator_registers_screens_and_releases_children(
    own_kafka, make_settings, token_for, tmp_path
) -> None:
    common = {"kafka_bootstrap_servers": own_kafka.bootstrap_servers}
    intake_settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", **common
    )
    referral_settings = make_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'referral.db'}",
        referral_seed_file=seed_file_for("mx"),
        **common,
    )
    lines: list[str] = []
    async with (
        RunningService(create_intake(intake_settings)) as intake,
        RunningService(create_referral(referral_settings)) as referral,
    ):
        summary = await run_simulation(
            intake_url=intake.url,
            referral_url=referral.url,
            rate_per_minute=600,
            duration_seconds=4,
            country="MX",
            seed=3,
            speed=FAST,
            token_factory=lambda role: token_for(intake_settings, role, subject="simulator"),
            echo=lines.append,
            progress_seconds=1,
            grace_seconds=6,
        )
        async with intake.client(token_for(intake_settings, "supervisor")) as http:
            page = (await http.get("/cases", params={"limit": 100})).json()

    assert summary.errors == 0, lines
    # about 40 arrivals are due; a busy machine registers fewer in the same four seconds
    assert summary.registered >= 5
    assert summary.screened == summary.registered + summary.rescreened
    assert page["total"] == summary.registered
    assert {case["status"] for case in page["items"]} == {"screened"}
    assert {case["country"] for case in page["items"]} == {"MX"}
    assert len({case["child"]["nationalities"][0] for case in page["items"]}) >= 2
    assert summary.released + summary.not_placed > 0
    assert any(line.startswith("simulation: ") for line in lines)
    assert lines[-1].startswith("simulation finished: ")


async def test_the_simulator_survives_services_that_do_not_answer() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    lines: list[str] = []
    summary = await run_simulation(
        intake_url=nowhere,
        referral_url=nowhere,
        rate_per_minute=300,
        duration_seconds=1.5,
        country="HN",
        seed=1,
        speed=FAST,
        token_factory=lambda role: f"token-for-{role}",
        echo=lines.append,
        grace_seconds=3,
    )
    assert summary.registered == 0 and summary.errors > 0
    assert lines[-1].startswith("simulation finished: ")
