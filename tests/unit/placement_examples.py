"""Shelters, needs and places shared by the placement-rule tests."""

from __future__ import annotations

from uuid import UUID, uuid5

from services.referral.placement_rules import Need, ShelterOption

NAMESPACE = UUID("6f1c0e2a-4b7d-4c1e-9a51-2d3f8e0b7c44")

# Real places in Chiapas and Tabasco, from the Mexican seed.
TAPACHULA = (14.9056, -92.2630)
TUXTLA = (16.7528, -93.1152)
VILLAHERMOSA = (17.9895, -92.9475)
CIUDAD_JUAREZ = (31.6904, -106.4245)

ALL_AGES = frozenset({"0-11", "12-17"})
ALL_SEXES = frozenset({"female", "male", "intersex", "unknown"})


def shelter(
    name: str = "Albergue",
    *,
    admin1: str = "MX-CHP",
    at: tuple[float, float] = TAPACHULA,
    age_groups: frozenset[str] = ALL_AGES,
    sexes: frozenset[str] = ALL_SEXES,
    specialised: bool = False,
    free_places: int = 2,
    active: bool = True,
) -> ShelterOption:
    return ShelterOption(
        id=uuid5(NAMESPACE, name),
        name=name,
        admin1=admin1,
        latitude=at[0],
        longitude=at[1],
        age_groups=age_groups,
        sexes=sexes,
        specialised=specialised,
        free_places=free_places,
        active=active,
    )


def need(
    *,
    age_group: str = "12-17",
    sex: str = "female",
    admin1: str = "MX-CHP",
    at: tuple[float, float] | None = TAPACHULA,
    needs_specialised: bool = False,
) -> Need:
    return Need(
        age_group=age_group,
        sex=sex,
        admin1=admin1,
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
        needs_specialised=needs_specialised,
    )


def names(shelters: list[ShelterOption]) -> list[str]:
    return [s.name for s in shelters]
