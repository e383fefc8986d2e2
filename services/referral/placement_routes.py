"""HTTP routes of placements, pending placements and protection referrals."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from services.referral import cases, placement_queries, placements, referrals, returns
from services.referral.schemas import (
    PendingCaseOut,
    PlacementIn,
    PlacementOut,
    ReferralOut,
    ReferralStatusIn,
    ReleaseIn,
)
from services.referral.shelter_routes import READERS
from shared.platform import audit
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, conflict, not_found, utc_now
from shared.platform.roles import Role

router = APIRouter(tags=["placements"])
Coordinator = Annotated[Principal, Depends(require_roles(Role.SHELTER_COORDINATOR))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]


@router.post(
    "/placements",
    status_code=status.HTTP_201_CREATED,
    response_model=PlacementOut,
    summary="Place a child by hand, overriding the rules",
)
async def place(
    placement_in: PlacementIn, request: Request, session: Session, actor: Coordinator
) -> PlacementOut:
    now = utc_now()
    try:
        placement = await placements.place_manually(
            session,
            placement_in.case_id,
            placement_in.shelter_id,
            placement_in.reason,
            actor.subject,
            country=request.app.state.settings.country,
            now=now,
        )
    except placements.NotFound as error:
        raise not_found(str(error)) from error
    except placements.Conflict as error:
        raise conflict(str(error)) from error
    audit.record(
        session,
        actor,
        "placement.manual",
        placement.case_id,
        now,
        shelter_id=str(placement.shelter_id),
        reason=placement.reason,
    )
    await session.commit()
    request.app.state.relay.wake()
    request.app.state.sweeper.wake()  # a transfer may have freed a place
    return PlacementOut.model_validate(placement)


@router.post(
    "/placements/{placement_id}/release",
    response_model=PlacementOut,
    summary="The child leaves the shelter; the place is freed",
)
async def release(
    placement_id: UUID,
    release_in: ReleaseIn,
    request: Request,
    session: Session,
    actor: Coordinator,
) -> PlacementOut:
    now = utc_now()
    try:
        placement = await placements.release(
            session,
            placement_id,
            release_in.reason.value,
            actor.subject,
            country=request.app.state.settings.country,
            now=now,
        )
    except placements.NotFound as error:
        raise not_found(str(error)) from error
    except placements.Conflict as error:
        raise conflict(str(error)) from error
    audit.record(
        session,
        actor,
        "placement.release",
        placement.case_id,
        now,
        placement_id=str(placement.id),
        reason=release_in.reason.value,
    )
    await session.commit()
    request.app.state.relay.wake()
    request.app.state.sweeper.wake()
    return PlacementOut.model_validate(placement)


@router.get("/placements", response_model=list[PlacementOut], summary="Placements of a case")
async def list_placements(
    session: Session,
    actor: Reader,
    case_id: UUID | None = None,
    shelter_id: UUID | None = None,
    active: Annotated[bool | None, Query(description="only current (or only past) ones")] = None,
) -> list[PlacementOut]:
    found = await placement_queries.listing(
        session, case_id=case_id, shelter_id=shelter_id, active=active
    )
    now = utc_now()
    for case in {placement.case_id for placement in found}:
        audit.record(session, actor, "placement.read", case, now)
    await session.commit()
    return [PlacementOut.model_validate(placement) for placement in found]


@router.get(
    "/pending-placements",
    response_model=list[PendingCaseOut],
    summary="Cases waiting for a place, oldest first",
)
async def list_pending(session: Session, actor: Reader) -> list[PendingCaseOut]:
    return [
        PendingCaseOut.model_validate(case) for case in await placement_queries.pending(session)
    ]


@router.get(
    "/referrals",
    response_model=list[ReferralOut],
    tags=["referrals"],
    summary="Protection referrals",
)
async def list_referrals(
    session: Session, actor: Reader, case_id: UUID | None = None
) -> list[ReferralOut]:
    found = await referrals.listing(session, case_id=case_id)
    now = utc_now()
    for case in {referral.case_id for referral in found}:
        audit.record(session, actor, "referral.read", case, now)
    await session.commit()
    return [ReferralOut.model_validate(referral) for referral in found]


@router.patch(
    "/referrals/{referral_id}",
    response_model=ReferralOut,
    tags=["referrals"],
    summary="Record the authority's answer: acknowledged, declined or concluded",
)
async def update_referral(
    referral_id: UUID,
    status_in: ReferralStatusIn,
    request: Request,
    session: Session,
    actor: Supervisor,
) -> ReferralOut:
    now = utc_now()
    try:
        referral = await referrals.update_status(
            session,
            referral_id,
            status_in.status,
            status_in.note,
            country=request.app.state.settings.country,
            now=now,
        )
    except referrals.ReferralNotFound as error:
        raise not_found(f"no referral {referral_id}") from error
    audit.record(session, actor, "referral.update", referral.case_id, now, status=referral.status)
    case = await cases.locked_case(session, referral.case_id)
    if case is not None:  # a referral reopened (sent / acknowledged again) blocks a return
        blocked = await returns.block_if_unsafe(
            session, case, country=request.app.state.settings.country, now=now
        )
        if blocked is not None:
            audit.record(
                session, actor, "return.block", case.case_id, now, return_id=str(blocked.id)
            )
    await session.commit()
    request.app.state.relay.wake()
    return ReferralOut.model_validate(referral)
