"""``opi simulate``: feed a running ``opi dev`` instance with synthetic children.

Wired in ``opi/cli.py`` with ``app.command("simulate")(simulate_command)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

import typer

from opi.simulation.live import DEFAULT_SPEED, run_simulation
from opi.simulation.live_client import SimulationSummary, TokenFactory
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token

SUBJECT = "simulator"


def service_urls(data_dir: Path, country: str) -> dict[str, str]:
    """The URLs ``opi dev`` wrote to ``<data_dir>/dev.json`` for the country's services."""
    manifest_path = data_dir / "dev.json"
    if not manifest_path.exists():
        raise typer.BadParameter(f"{manifest_path} not found: start `opi dev` first")
    instance = json.loads(manifest_path.read_text()).get(country.lower())
    if instance is None:
        raise typer.BadParameter(f"no instance {country} in {manifest_path}: run `opi dev`")
    return dict(instance["services"])


def dev_tokens(settings: Settings) -> TokenFactory:
    """Tokens signed with the realm's development key, as ``opi token`` prints them."""
    ensure_signing_key(settings.data_dir, settings.realm)

    def _mint(role: str) -> str:
        return mint_token(
            settings.data_dir,
            settings.realm,
            issuer=settings.issuer,
            subject=SUBJECT,
            roles=[role],
            username=SUBJECT,
            lifetime_seconds=3600,
        )

    return _mint


def simulate_command(
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code of the instance")] = "mx",
    rate: Annotated[float, typer.Option(help="registrations per real minute (Poisson)")] = 30.0,
    duration: Annotated[float, typer.Option(help="seconds to run; 0: until Ctrl-C")] = 0.0,
    seed: Annotated[int, typer.Option(help="same seed, same children")] = 1,
    speed: Annotated[
        float, typer.Option(help="simulated seconds per real second (360: an hour in 10 s)")
    ] = DEFAULT_SPEED,
) -> None:
    """Register, screen and release synthetic children on a running ``opi dev`` instance."""
    settings = Settings(country=country)
    urls = service_urls(settings.data_dir, settings.country)
    typer.echo(
        f"simulating {settings.country}: {rate:g} children a minute, speed {speed:g}, "
        f"seed {seed}; intake {urls['intake']}, referral {urls['referral']} (Ctrl-C stops)"
    )
    tokens = dev_tokens(settings)

    def _run(stop: asyncio.Event) -> Awaitable[SimulationSummary]:
        return run_simulation(
            intake_url=urls["intake"],
            referral_url=urls["referral"],
            rate_per_minute=rate,
            duration_seconds=duration,
            country=settings.country,
            seed=seed,
            speed=speed,
            token_factory=tokens,
            stop=stop,
            echo=typer.echo,
        )

    asyncio.run(until_signalled(_run))


async def until_signalled(
    run: Callable[[asyncio.Event], Awaitable[SimulationSummary]],
) -> SimulationSummary:
    """Ctrl-C (or SIGTERM) sets the stop event instead of killing the loop: in-flight steps
    are cancelled and the final summary is still printed."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    try:
        return await run(stop)
    finally:
        for signum in signals:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
