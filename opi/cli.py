"""``opi serve``, ``opi dev`` and ``opi token``."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from opi.outbox_commands import outbox
from opi.registry import REGIONAL_PORT, SERVICES
from opi.simulation.command import simulate_command
from shared.contracts.codes import check_country
from shared.platform.config import Settings
from shared.platform.dev_identity import ensure_signing_key, mint_token

app = typer.Typer(
    help="OPI platform: protection of unaccompanied migrant and returnee children.",
    no_args_is_help=True,
)


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help=f"one of: {', '.join(SERVICES)}")],
    regional: Annotated[
        bool, typer.Option(help="reporting only: the regional (RCM) statistics service")
    ] = False,
) -> None:
    """Run one service (production entry point; settings come from OPI_* variables)."""
    entry = SERVICES.get(service)
    if entry is None:
        raise typer.BadParameter(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
    if regional and service != "reporting":
        raise typer.BadParameter("--regional is a mode of the reporting service only")
    settings = Settings(**({"reporting_regional": True} if regional else {}))
    uvicorn.run(
        entry.create_app(settings),
        host=settings.http_host,
        port=settings.http_port
        or (REGIONAL_PORT if settings.reporting_regional else entry.default_port),
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


@app.command()
def dev(
    country: Annotated[
        str | None, typer.Option(help="ISO 3166-1 alpha-2 code of the instance (default mx)")
    ] = None,
    countries: Annotated[
        str | None,
        typer.Option(
            help="several national instances, comma-separated (mx,gt,hn); the i-th "
            "listens on the first one's ports plus 100 x i"
        ),
    ] = None,
    kafka_port: Annotated[int, typer.Option(help="0 picks a free port")] = 9092,
    free_ports: Annotated[bool, typer.Option(help="pick free ports for every service")] = False,
    simulate: Annotated[bool, typer.Option(help="run `opi simulate` for each country")] = False,
    rate: Annotated[float, typer.Option(help="simulated arrivals a minute")] = 30.0,
    duration: Annotated[float, typer.Option(help="seconds of simulation")] = 3600.0,
    seed: Annotated[int, typer.Option(help="seed of the simulation")] = 1,
) -> None:
    """Run whole national instances on embedded defaults (Kafka by Tansu, SQLite), with the
    regional Kafka and the regional reporting service beside them."""
    from opi.dev_stack import DevStack, SimulationPlan

    if country is not None and countries is not None:
        raise typer.BadParameter("give --country or --countries, not both")
    codes = [code.strip() for code in (countries or country or "mx").split(",") if code.strip()]
    try:
        codes = [check_country(code) for code in codes]
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    settings = [Settings(country=code) for code in codes]
    if not settings or len({s.country for s in settings}) != len(settings):
        raise typer.BadParameter(f"countries must be distinct and at least one: {codes}")
    plan = SimulationPlan(rate, duration, seed) if simulate else None
    stack = DevStack(settings, kafka_port=kafka_port, free_ports=free_ports, simulate=plan)
    code = stack.run()
    if code:
        raise typer.Exit(code)


app.command("simulate", help="Simulated arrivals against a running `opi dev` instance.")(
    simulate_command
)

dead_letters = typer.Typer(help="Inspect and replay dead letters (<topic>.dlq).")
app.add_typer(dead_letters, name="dead-letters")
app.add_typer(outbox, name="outbox")


@dead_letters.command("show")
def show_dead_letters(topic: Annotated[str, typer.Argument(help="the origin topic")]) -> None:
    """Print each dead letter of TOPIC as a JSON line: reason, origin, ids."""
    from opi import dead_letters as dlq

    letters = asyncio.run(dlq.read_dead_letters(Settings().kafka_bootstrap_servers, topic))
    typer.echo(dlq.render(letters) if letters else f"no dead letters for {topic}")


@dead_letters.command("replay")
def replay_dead_letters(
    topic: Annotated[str, typer.Argument(help="the origin topic")],
    offset: Annotated[list[int] | None, typer.Option(help="only these DLQ offsets")] = None,
) -> None:
    """Send dead letters of TOPIC back to it, as they first arrived (after a fix)."""
    from opi import dead_letters as dlq

    bootstrap = Settings().kafka_bootstrap_servers
    letters = asyncio.run(dlq.read_dead_letters(bootstrap, topic))
    chosen = [letter for letter in letters if not offset or letter.offset in offset]
    sent = asyncio.run(dlq.replay(bootstrap, chosen))
    typer.echo(f"replayed {sent} dead letter(s) to {topic}")


@app.command()
def token(
    role: Annotated[list[str], typer.Option(help="realm role; repeat for several")],
    country: Annotated[str, typer.Option()] = "mx",
    regional: Annotated[bool, typer.Option(help="for the regional (RCM) realm")] = False,
    subject: Annotated[str, typer.Option(help="the user's id")] = "dev-officer",
    lifetime: Annotated[int, typer.Option(help="seconds")] = 8 * 3600,
) -> None:
    """Print a development bearer token, trusted by services started with ``opi dev``."""
    settings = Settings(country=country, reporting_regional=regional)
    ensure_signing_key(settings.data_dir, settings.realm)
    typer.echo(
        mint_token(
            settings.data_dir,
            settings.realm,
            issuer=settings.issuer,
            subject=subject,
            roles=role,
            username=subject,
            lifetime_seconds=lifetime,
        )
    )


reporting = typer.Typer(help="The national statistics.")
app.add_typer(reporting, name="reporting")


@reporting.command("rebuild")
def rebuild_reporting(
    republish: Annotated[
        bool, typer.Option(help="stage again the regional records missing from the outbox")
    ] = False,
) -> None:
    """Rebuild the national statistics from every event on the national topics."""
    from services.reporting.rebuild import rebuild

    report = asyncio.run(rebuild(Settings(), republish=republish))
    typer.echo(
        f"rebuilt from {report.read} events ({report.applied} applied, {report.skipped} "
        f"undecodable skipped) in {report.seconds:.1f} s ({report.events_per_second:.0f}/s)"
    )
