"""HTTP routes of intake: translate the request, call the use case, translate the result."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake import clearance, handover, handover_reception, need, service
from services.intake.models import Case
from services.intake.presenters import case_out, case_summary, clearance_out, screening_out
from services.intake.schemas import (
    CaseOut,
    CasePage,
    ClearanceIn,
    ClearanceOut,
    ReceptionIn,
    RegistrationIn,
    ScreeningIn,
    ScreeningOut,
)
from shared.contracts.codes import CountryCode
from shared.contracts.enums import Accompaniment, CaseStatus
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, not_found, unprocessable, utc_now
from shared.platform.roles import Role

router = APIRouter(tags=["cases"])
Officer = Annotated[Principal, Depends(require_roles(Role.OPI_OFFICER))]
Reader = Annotated[Principal, Depends(require_roles(Role.OPI_OFFICER, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=200,
        description="retries with the same key and body return the first result",
    ),
]


def _unprocessable(error: service.InvalidRequest) -> HTTPException:
    location = "header" if error.field == "Idempotency-Key" else "body"
    return unprocessable(error.field, str(error), location=location)


def _not_found(case_id: UUID) -> HTTPException:
    return not_found(f"no case {case_id}")


async def _case_out(session: AsyncSession, case: Case) -> CaseOut:
    return case_out(case, await need.reasons(session, case))


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOut,
    summary="Register a child",
)
async def register_case(
    registration: RegistrationIn,
    request: Request,
    response: Response,
    session: Session,
    actor: Officer,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CaseOut:
    now = utc_now()
    try:
        if idempotency_key and (
            replay := await _replay(session, actor, idempotency_key, registration)
        ):
            response.headers["Idempotent-Replayed"] = "true"
            return replay
        case = await service.register_case(
            session,
            registration,
            actor,
            country=request.app.state.settings.country,
            now=now,
            idempotency_key=idempotency_key,
        )
        await session.commit()
    except service.InvalidRequest as error:
        raise _unprocessable(error) from error
    except IntegrityError:
        # a concurrent retry with the same key won the race: answer with its case
        await session.rollback()
        try:
            replay = idempotency_key and await _replay(
                session, actor, idempotency_key, registration
            )
        except service.InvalidRequest as error:
            raise _unprocessable(error) from error
        if replay:
            response.headers["Idempotent-Replayed"] = "true"
            return replay
        raise
    request.app.state.relay.wake()
    return await _case_out(session, case)


async def _replay(
    session: AsyncSession, actor: Principal, key: str, registration: RegistrationIn
) -> CaseOut | None:
    case = await service.find_replay(session, actor, key, registration, now=utc_now())
    if case is None:
        return None
    await session.commit()
    return await _case_out(session, case)


@router.post(
    "/cases/{case_id}/screening",
    status_code=status.HTTP_201_CREATED,
    response_model=ScreeningOut,
    summary="Record a screening interview",
)
async def screen_case(
    case_id: UUID, screening: ScreeningIn, request: Request, session: Session, actor: Officer
) -> ScreeningOut:
    try:
        _case, recorded = await service.record_screening(
            session, case_id, screening, actor, now=utc_now()
        )
        await session.commit()
    except service.CaseNotFound as error:
        raise _not_found(case_id) from error
    request.app.state.relay.wake()
    return screening_out(recorded)


@router.post(
    "/cases/{case_id}/reception",
    response_model=CaseOut,
    summary="Confirm the reception of a child handed over by another country",
)
async def confirm_reception(
    case_id: UUID,
    request: Request,
    session: Session,
    actor: Reader,
    reception: ReceptionIn | None = None,
) -> CaseOut:
    keys = request.app.state.handover_keys
    if keys is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "handovers are not configured")
    try:
        case = await handover_reception.confirm_reception(
            session,
            case_id,
            actor,
            keys=keys,
            received_by=reception.received_by if reception else None,
            now=utc_now(),
        )
        await session.commit()
    except service.CaseNotFound as error:
        raise _not_found(case_id) from error
    except handover.NotReceivedByHandover as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    request.app.state.relay.wake()
    return await _case_out(session, case)


@router.get("/cases/{case_id}", response_model=CaseOut, summary="Read one case")
async def read_case(case_id: UUID, session: Session, actor: Reader) -> CaseOut:
    try:
        case = await service.get_case(session, case_id, actor, now=utc_now())
        await session.commit()
    except service.CaseNotFound as error:
        raise _not_found(case_id) from error
    return await _case_out(session, case)


@router.post(
    "/cases/{case_id}/protection-need/clearances",
    status_code=status.HTTP_201_CREATED,
    response_model=ClearanceOut,
    summary="Clear protection flags (supervisor): a recorded decision with its reason",
    responses={
        409: {
            "description": "not allowed now: the flag is not raised, or its referral is "
            "not yet declined or concluded (the detail says which)"
        }
    },
)
async def clear_protection_flags(
    case_id: UUID, decision: ClearanceIn, request: Request, session: Session, actor: Supervisor
) -> ClearanceOut:
    try:
        recorded, reasons = await clearance.clear_flags(
            session, case_id, decision, actor, now=utc_now()
        )
        await session.commit()
    except service.CaseNotFound as error:
        raise _not_found(case_id) from error
    except clearance.ClearanceRefused as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    request.app.state.relay.wake()
    return clearance_out(recorded, reasons)


@router.get("/cases", response_model=CasePage, summary="List and filter cases")
async def list_cases(
    session: Session,
    actor: Reader,
    status_: Annotated[CaseStatus | None, Query(alias="status")] = None,
    nationality: CountryCode | None = None,
    accompaniment: Accompaniment | None = None,
    registered_from: Annotated[date | None, Query(description="UTC day, inclusive")] = None,
    registered_to: Annotated[date | None, Query(description="UTC day, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CasePage:
    case_filter = service.CaseFilter(
        status=status_,
        nationality=nationality,
        accompaniment=accompaniment,
        registered_from=_day_start(registered_from),
        registered_before=_day_start(registered_to + timedelta(days=1) if registered_to else None),
    )
    cases, total = await service.list_cases(
        session, case_filter, actor, limit=limit, offset=offset, now=utc_now()
    )
    await session.commit()
    return CasePage(
        items=[case_summary(case) for case in cases], total=total, limit=limit, offset=offset
    )


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
