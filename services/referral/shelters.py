"""The shelter registry's use cases."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.referral.models import Shelter
from services.referral.schemas import ShelterIn, ShelterPatch

DATA = Path(__file__).parent / "data"


class ShelterNotFound(LookupError):
    pass


class InvalidShelter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _check_country(admin1: str, country: str) -> None:
    if not admin1.startswith(f"{country}-"):
        raise InvalidShelter("admin1", f"must be a subdivision of {country}")


async def create(
    session: AsyncSession, shelter_in: ShelterIn, *, country: str, now: datetime
) -> Shelter:
    _check_country(shelter_in.admin1, country)
    shelter = Shelter(
        id=uuid4(),
        occupied=0,
        active=True,
        created_at=now,
        updated_at=now,
        **shelter_in.model_dump(mode="json"),
    )
    session.add(shelter)
    await session.flush()
    return shelter


async def get(session: AsyncSession, shelter_id: UUID) -> Shelter:
    shelter = await session.get(Shelter, shelter_id)
    if shelter is None:
        raise ShelterNotFound(shelter_id)
    return shelter


async def listing(
    session: AsyncSession, *, admin1: str | None, with_free_places: bool
) -> list[Shelter]:
    query = select(Shelter).order_by(Shelter.admin1, Shelter.name)
    if admin1:
        query = query.where(Shelter.admin1 == admin1)
    if with_free_places:
        query = query.where(Shelter.active, Shelter.occupied < Shelter.capacity)
    return list((await session.scalars(query)).all())


async def update(
    session: AsyncSession, shelter_id: UUID, patch: ShelterPatch, *, now: datetime
) -> Shelter:
    shelter = await session.scalar(
        select(Shelter).where(Shelter.id == shelter_id).with_for_update()
    )
    if shelter is None:
        raise ShelterNotFound(shelter_id)
    changes = patch.model_dump(mode="json", exclude_unset=True)
    if "capacity" in changes and changes["capacity"] < shelter.occupied:
        raise InvalidShelter(
            "capacity", f"{shelter.occupied} children are placed there; release them first"
        )
    for field, value in changes.items():
        setattr(shelter, field, value)
    shelter.updated_at = now
    await session.flush()
    return shelter


def load_seed(path: Path) -> list[ShelterIn]:
    return [ShelterIn.model_validate(e) for e in tomllib.loads(path.read_text()).get("shelter", [])]


async def seed(
    session: AsyncSession, entries: list[ShelterIn], *, country: str, now: datetime
) -> int:
    """Load shelters from a seed when the registry is empty (development)."""
    if await session.scalar(select(func.count()).select_from(Shelter)):
        return 0
    for entry in entries:
        await create(session, entry, country=country, now=now)
    return len(entries)


def seed_file_for(country: str) -> Path | None:
    path = DATA / f"shelters-{country.lower()}.toml"
    return path if path.exists() else None
