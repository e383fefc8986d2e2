"""HTTP routes of regional reporting: small-cell-protected statistics for regional analysts
only (a national role gets 403), and the long-poll the dashboard refreshes on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from services.reporting.regional import queries
from services.reporting.regional.changes import VersionWatch
from services.reporting.regional.dimensions import PERIOD, Period, parse_group_by, whole_months
from services.reporting.regional.protection import (
    CASES,
    EVENTS,
    HANDOVERS,
    delays_json,
    indicator_json,
    reception_delays_json,
    table_csv,
    table_json,
)
from services.reporting.regional.schemas import (
    ChangesOut,
    HandoversOut,
    IndicatorsOut,
    RegistrationsOut,
)
from shared.contracts.regional import RegionalEventType
from shared.platform.auth import require_roles
from shared.platform.http_deps import Session, unprocessable
from shared.platform.roles import Role

router = APIRouter(
    prefix="/regional",
    tags=["regional statistics"],
    dependencies=[Depends(require_roles(Role.REGIONAL_ANALYST))],
)
From = Annotated[
    date | None, Query(alias="from", description="first month (widened to its first day)")
]
To = Annotated[date | None, Query(alias="to", description="last month (widened to its last day)")]
LONGEST_WAIT = 20.0


def _k(request: Request) -> int:
    return request.app.state.settings.reporting_small_cell_k


def _dates(start: date | None, end: date | None) -> queries.DateRange:
    if start is not None and end is not None and start > end:
        raise unprocessable("from", "must not be after 'to'", location="query")
    return queries.DateRange(*whole_months(start, end))


@router.get(
    "/stats/registrations",
    response_model=RegistrationsOut,
    summary="Events of one type per period and breakdown, small cells suppressed",
)
async def registrations(
    request: Request,
    session: Session,
    start: From = None,
    end: To = None,
    group_by: Annotated[
        str | None,
        Query(description="at most 2 of period,country,nationality,sex,age_group,accompaniment"),
    ] = None,
    period: Annotated[Period | None, Query(description="adds the period dimension")] = None,
    event_type: RegionalEventType = RegionalEventType.REGISTERED,
    format: Literal["json", "csv"] = "json",
) -> Any:
    try:
        dimensions = parse_group_by(group_by, period)
    except ValueError as error:
        raise unprocessable("group_by", str(error), location="query") from None
    if PERIOD in dimensions:
        period = period or Period.MONTH
    counts = await queries.event_counts(
        session,
        event_type=event_type.value,
        dimensions=dimensions,
        period=period,
        dates=_dates(start, end),
    )
    table = table_json(counts, dimensions, _k(request), EVENTS)
    if format == "csv":
        return Response(
            table_csv(table, EVENTS),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{event_type.value}.csv"'},
        )
    return {"event_type": event_type, "period": period, **table}


@router.get(
    "/stats/indicators",
    response_model=IndicatorsOut,
    summary="Indicators of the cases registered in a period, by country, protected",
)
async def indicators(
    request: Request, session: Session, start: From = None, end: To = None
) -> dict[str, Any]:
    dates, k = _dates(start, end), _k(request)
    counts = await queries.indicator_counts(session, dates)
    return {
        "k": k,
        "from": dates.start,
        "to": dates.end,
        "as_of": datetime.now(UTC),
        "indicators": [indicator_json(name, table, k) for name, table in counts.items()],
        "outcomes": table_json(
            await queries.outcome_counts(session, dates), ("country", "outcome"), k, CASES
        ),
        "days_to_consular_notification": delays_json(
            await queries.days_to_consular_notification(session, dates), k
        ),
    }


@router.get(
    "/stats/handovers",
    response_model=HandoversOut,
    summary="Cross-border handovers sent and received per pair of countries, protected",
)
async def handovers(
    request: Request, session: Session, start: From = None, end: To = None
) -> dict[str, Any]:
    dates, k = _dates(start, end), _k(request)
    dimensions = queries.HANDOVER_DIMENSIONS
    sent = await queries.handover_counts(session, dates, received=False)
    received = await queries.handover_counts(session, dates, received=True)
    return {
        "k": k,
        "from": dates.start,
        "to": dates.end,
        "sent": table_json(sent, dimensions, k, HANDOVERS),
        "received": table_json(received, dimensions, k, HANDOVERS),
        "days_to_reception": reception_delays_json(
            await queries.days_to_reception(session, dates), k
        ),
    }


@router.get(
    "/stats/changes",
    response_model=ChangesOut,
    summary="Long-poll: answers as soon as the projection version differs from `since`",
)
async def changes(
    request: Request,
    since: int,
    wait: Annotated[float, Query(ge=0, le=LONGEST_WAIT, description="seconds")] = LONGEST_WAIT,
) -> ChangesOut:
    watch: VersionWatch = request.app.state.regional_versions
    return ChangesOut(version=await watch.wait_for_change(since, wait))
