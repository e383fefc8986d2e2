"""``opi outbox show|retry --service NAME``: a service's events not yet sent, and the release
of parked ones, on the service's own database (found from the ``OPI_*`` settings, as the
service finds it; the work itself is in ``opi/outbox_rows.py``, imported only when needed so
that every other ``opi`` command starts as fast as before).

The relay parks an event once Kafka itself has refused it ``OPI_OUTBOX_MAX_ATTEMPTS`` times
(too large, an invalid or forbidden topic). After the cause is fixed, ``retry`` clears its
parking and its counts and the running relay sends it again, in its place by id among the
waiting events.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from opi.registry import SERVICES
from shared.platform.config import Settings

outbox = typer.Typer(
    help="Inspect a service's outbox and release parked events.", no_args_is_help=True
)

Service = Annotated[str, typer.Option("--service", help=f"one of: {', '.join(SERVICES)}")]
Regional = Annotated[
    bool, typer.Option(help="reporting only: the regional (RCM) statistics service")
]


@outbox.command("show")
def show(
    service: Service,
    parked: Annotated[bool, typer.Option(help="only the parked events")] = False,
    limit: Annotated[int, typer.Option(min=1, help="at most this many, oldest first")] = 100,
    regional: Regional = False,
) -> None:
    """Print each event of the outbox not yet sent as a JSON line, oldest first."""
    from opi.outbox_rows import unsent

    url = _database_url(service, regional)
    rows, total = asyncio.run(unsent(url, service, parked_only=parked, limit=limit))
    what = "parked" if parked else "unsent"
    if not rows:
        typer.echo(f"no {what} events in the outbox of {service}")
        return
    typer.echo("\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    if total > len(rows):
        typer.echo(f"{len(rows)} of {total} {what} events shown (--limit)", err=True)


@outbox.command("retry")
def retry(
    service: Service,
    event_ids: Annotated[
        list[str] | None, typer.Argument(help="ids (ce_id) of parked events", show_default=False)
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="every parked event")] = False,
    regional: Regional = False,
) -> None:
    """Release parked events: the running relay sends them again."""
    if every == bool(event_ids):
        raise typer.BadParameter("give --all or the ids of parked events, not both")
    from opi.outbox_rows import release

    url = _database_url(service, regional)
    released = asyncio.run(release(url, service, None if every else event_ids))
    typer.echo(f"released {len(released)} parked event(s) of {service}")
    missing = sorted(set(event_ids or ()) - set(released))
    if missing:
        typer.echo(f"not parked (unknown, sent or still waiting): {', '.join(missing)}", err=True)
        raise typer.Exit(1)


def _database_url(service: str, regional: bool) -> str:
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
    if regional and service != "reporting":
        raise typer.BadParameter("--regional is a mode of the reporting service only")
    url = Settings(**({"reporting_regional": True} if regional else {})).database_url_for(service)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
        # opening it would create an empty database
        raise typer.BadParameter(f"no database of {service} at {parsed.database} (OPI_DATA_DIR?)")
    return url
