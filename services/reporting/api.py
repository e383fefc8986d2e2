"""HTTP routes of national reporting: statistics for supervisors (officers read them too).
A regional analyst's token is refused here: the region sees only the regional service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from services.reporting import projection, statistics
from services.reporting.queries import DIMENSIONS, Scope
from services.reporting.schemas import Indicators, RegistrationTable, Version
from shared.contracts.codes import SubdivisionCode
from shared.platform import audit
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, unprocessable, utc_now
from shared.platform.roles import Role

router = APIRouter(prefix="/stats", tags=["statistics"])
Reader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPI_OFFICER))]
From = Annotated[date | None, Query(alias="from", description="first registration day")]
To = Annotated[date | None, Query(alias="to", description="last registration day (inclusive)")]
Admin1 = Annotated[SubdivisionCode | None, Query(description="first-level subdivision")]
LONG_POLL_SECONDS = 20.0


def _scope(start: date | None, end: date | None, admin1: str | None) -> Scope:
    if start is not None and end is not None and start > end:
        raise unprocessable("from", "must not be after 'to'", location="query")
    return Scope(start=start, end=end, admin1=admin1)


def _dimensions(group_by: str | None) -> list[str]:
    names = [name.strip() for name in (group_by or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in DIMENSIONS]
    if unknown:
        known = ", ".join(DIMENSIONS)
        raise unprocessable("group_by", f"unknown {unknown}; known: {known}", location="query")
    if len(set(names)) != len(names):
        raise unprocessable("group_by", "a dimension is repeated", location="query")
    return names


@router.get(
    "/registrations",
    response_model=RegistrationTable,
    summary="Registrations by period and dimensions (events and distinct children)",
    responses={200: {"content": {"text/csv": {}}}},
)
async def registrations(
    session: Session,
    actor: Reader,
    group_by: Annotated[str | None, Query(description=f"any of {', '.join(DIMENSIONS)}")] = None,
    period: Literal["day", "week", "month"] | None = None,
    start: From = None,
    end: To = None,
    admin1: Admin1 = None,
    format: Literal["json", "csv"] = "json",
) -> Response | RegistrationTable:
    scope = _scope(start, end, admin1)
    table = await statistics.registration_table(session, scope, _dimensions(group_by), period)
    audit.record(session, actor, "stats.registrations", None, utc_now(), group_by=group_by)
    await session.commit()
    if format == "csv":
        return PlainTextResponse(statistics.as_csv(table), media_type="text/csv")
    return table


@router.get("/indicators", response_model=Indicators, summary="The supervisors' indicators")
async def indicators(
    request: Request,
    session: Session,
    actor: Reader,
    start: From = None,
    end: To = None,
    admin1: Admin1 = None,
) -> Indicators:
    now = utc_now()
    result = await statistics.indicators(
        session,
        _scope(start, end, admin1),
        now=now,
        screening_deadline_hours=request.app.state.settings.screening_deadline_hours,
    )
    audit.record(session, actor, "stats.indicators", None, now)
    await session.commit()
    return result


@router.get("/changes", response_model=Version, summary="Wait until the statistics change")
async def changes(
    request: Request, actor: Reader, since: Annotated[int, Query(ge=-1)] = -1
) -> Version:
    sessions = request.app.state.sessions

    async def current() -> int:
        async with sessions() as session:
            return await projection.version(session)

    signal = request.app.state.changes
    return Version(version=await signal.wait_for_change(since, current, seconds=LONG_POLL_SECONDS))
