"""HTTP routes of the shelter registry."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, status

from services.referral import shelters
from services.referral.schemas import ShelterIn, ShelterOut, ShelterPatch
from shared.contracts.codes import SubdivisionCode
from shared.platform.auth import Principal, require_roles
from shared.platform.http_deps import Session, not_found, unprocessable, utc_now
from shared.platform.roles import Role

READERS = (Role.SHELTER_COORDINATOR, Role.SUPERVISOR, Role.OPI_OFFICER)

router = APIRouter(prefix="/shelters", tags=["shelters"])
Coordinator = Annotated[Principal, Depends(require_roles(Role.SHELTER_COORDINATOR))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ShelterOut,
    summary="Add a shelter to the registry",
)
async def create_shelter(
    shelter_in: ShelterIn, request: Request, session: Session, actor: Coordinator
) -> ShelterOut:
    try:
        shelter = await shelters.create(
            session, shelter_in, country=request.app.state.settings.country, now=utc_now()
        )
    except shelters.InvalidShelter as error:
        raise unprocessable(error.field, str(error)) from error
    await session.commit()
    request.app.state.sweeper.wake()
    return ShelterOut.model_validate(shelter)


@router.get("", response_model=list[ShelterOut], summary="Shelters with occupancy")
async def list_shelters(
    session: Session,
    actor: Reader,
    admin1: SubdivisionCode | None = None,
    with_free_places: Annotated[bool, Query(description="only active ones with room")] = False,
) -> list[ShelterOut]:
    found = await shelters.listing(session, admin1=admin1, with_free_places=with_free_places)
    return [ShelterOut.model_validate(shelter) for shelter in found]


@router.get("/{shelter_id}", response_model=ShelterOut, summary="One shelter")
async def read_shelter(shelter_id: UUID, session: Session, actor: Reader) -> ShelterOut:
    try:
        return ShelterOut.model_validate(await shelters.get(session, shelter_id))
    except shelters.ShelterNotFound as error:
        raise not_found(f"no shelter {shelter_id}") from error


@router.patch("/{shelter_id}", response_model=ShelterOut, summary="Change a shelter")
async def update_shelter(
    shelter_id: UUID,
    patch: ShelterPatch,
    request: Request,
    session: Session,
    actor: Coordinator,
) -> ShelterOut:
    try:
        shelter = await shelters.update(session, shelter_id, patch, now=utc_now())
    except shelters.ShelterNotFound as error:
        raise not_found(f"no shelter {shelter_id}") from error
    except shelters.InvalidShelter as error:
        raise unprocessable(error.field, str(error)) from error
    await session.commit()
    request.app.state.sweeper.wake()  # more places, or other children accepted
    return ShelterOut.model_validate(shelter)
