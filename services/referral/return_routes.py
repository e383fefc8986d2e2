"""HTTP routes of assisted returns: schedule (supervisor), record the handover at the border
(supervisor or OPI officer), and read the case's return."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from services.referral import returns
from services.referral.schemas import HandoverIn, ReturnIn, ReturnOut
from shared.platform import audit
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, conflict, not_found, unprocessable, utc_now
from shared.platform.roles import Role

router = APIRouter(tags=["returns"])
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Escort = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPI_OFFICER))]
Reader = Annotated[
    Principal,
    Depends(require_roles(Role.SUPERVISOR, Role.OPI_OFFICER, Role.SHELTER_COORDINATOR)),
]
CLOCK_SKEW = timedelta(minutes=5)


@router.post(
    "/cases/{case_id}/return",
    status_code=status.HTTP_201_CREATED,
    response_model=ReturnOut,
    summary="Schedule the child's assisted return (never while a protection need is open)",
    responses={
        404: {"description": "case unknown to referral"},
        409: {"description": "non-refoulement, not screened, a national, or already scheduled"},
    },
)
async def schedule_return(
    case_id: UUID, return_in: ReturnIn, request: Request, session: Session, actor: Supervisor
) -> ReturnOut:
    now = utc_now()
    if return_in.scheduled_for < now - CLOCK_SKEW:
        raise unprocessable("scheduled_for", "must not be in the past")
    try:
        assisted = await returns.schedule(
            session,
            case_id,
            scheduled_for=return_in.scheduled_for,
            handover_place=return_in.handover_place,
            escorting_officer=return_in.escorting_officer,
            by=actor.subject,
            country=request.app.state.settings.country,
            now=now,
        )
    except returns.NotFound as error:
        raise not_found(str(error)) from error
    except returns.Conflict as error:
        raise conflict(str(error)) from error
    audit.record(
        session,
        actor,
        "return.schedule",
        case_id,
        now,
        return_id=str(assisted.id),
        destination_country=assisted.destination_country,
        scheduled_for=assisted.scheduled_for.isoformat(),
    )
    await session.commit()
    request.app.state.relay.wake()
    return ReturnOut.model_validate(assisted)


@router.post(
    "/cases/{case_id}/handover",
    response_model=ReturnOut,
    summary="Record the handover at the border; the child's placement is released",
    responses={
        404: {"description": "case unknown to referral"},
        409: {"description": "no scheduled return, already handed over, or a need opened"},
    },
)
async def hand_over(
    case_id: UUID, handover_in: HandoverIn, request: Request, session: Session, actor: Escort
) -> ReturnOut:
    now = utc_now()
    if handover_in.handed_over_at > now + CLOCK_SKEW:
        raise unprocessable("handed_over_at", "must not be in the future")
    try:
        outcome = await returns.hand_over(
            session,
            case_id,
            handed_over_at=handover_in.handed_over_at,
            received_by=handover_in.received_by,
            by=actor.subject,
            country=request.app.state.settings.country,
            now=now,
        )
    except returns.NotFound as error:
        raise not_found(str(error)) from error
    except returns.Conflict as error:
        raise conflict(str(error)) from error
    assisted = outcome.assisted
    assert assisted is not None
    if outcome.refusal is not None:
        audit.record(session, actor, "return.block", case_id, now, return_id=str(assisted.id))
        await session.commit()  # the block stands even though the handover is refused
        raise conflict(outcome.refusal)
    audit.record(
        session,
        actor,
        "return.handover",
        case_id,
        now,
        return_id=str(assisted.id),
        received_by=handover_in.received_by,
    )
    await session.commit()
    request.app.state.relay.wake()
    request.app.state.sweeper.wake()  # a place was freed
    return ReturnOut.model_validate(assisted)


@router.get(
    "/cases/{case_id}/return",
    response_model=ReturnOut,
    summary="The case's assisted return and its state",
    responses={404: {"description": "no return for this case"}},
)
async def get_return(case_id: UUID, session: Session, actor: Reader) -> ReturnOut:
    assisted = await returns.current(session, case_id)
    if assisted is None:
        raise not_found(f"no return for case {case_id}")
    audit.record(session, actor, "return.read", case_id, utc_now())
    await session.commit()
    return ReturnOut.model_validate(assisted)
