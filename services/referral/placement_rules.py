"""Which shelter fits a child: the placement rules, free of I/O so they are easy to test.

A shelter fits when it accepts the child's age group and sex, is specialised exactly when
trafficking is suspected (specialised places are kept for presumed victims), is active and
has a free place. Among those, siblings stay together, then the nearest to the place of
detection wins.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Need:
    age_group: str
    sex: str
    admin1: str
    latitude: float | None
    longitude: float | None
    needs_specialised: bool


@dataclass(frozen=True)
class ShelterOption:
    id: UUID
    name: str
    admin1: str
    latitude: float
    longitude: float
    age_groups: frozenset[str]
    sexes: frozenset[str]
    specialised: bool
    free_places: int
    active: bool = True


def fits(shelter: ShelterOption, need: Need) -> bool:
    return (
        shelter.active
        and need.age_group in shelter.age_groups
        and need.sex in shelter.sexes
        and shelter.specialised == need.needs_specialised
    )


def keeps(shelter: ShelterOption, need: Need) -> bool:
    """Whether a child already placed there may stay: only a presumed trafficking victim in
    an ordinary shelter must move (a coordinator's manual choice is otherwise respected)."""
    return shelter.specialised or not need.needs_specialised


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _distance(shelter: ShelterOption, need: Need) -> float:
    if need.latitude is None or need.longitude is None:
        return math.inf
    return distance_km(need.latitude, need.longitude, shelter.latitude, shelter.longitude)


def rank(
    shelters: Iterable[ShelterOption], need: Need, sibling_shelters: frozenset[UUID] = frozenset()
) -> list[ShelterOption]:
    """Fitting shelters with a free place, best first."""
    candidates = [s for s in shelters if fits(s, need) and s.free_places > 0]
    return sorted(
        candidates,
        key=lambda s: (
            s.id not in sibling_shelters,
            s.admin1 != need.admin1,
            _distance(s, need),
            -s.free_places,
            s.name,
        ),
    )


def reason(shelter: ShelterOption, need: Need, sibling_shelters: frozenset[UUID]) -> str:
    parts = [f"accepts {need.sex} {need.age_group}"]
    if need.needs_specialised:
        parts.append("specialised for presumed trafficking victims")
    if shelter.id in sibling_shelters:
        parts.append("keeps siblings together")
    if shelter.admin1 == need.admin1:
        parts.append(f"in {need.admin1}, where the child was detected")
    distance = _distance(shelter, need)
    if distance != math.inf:
        parts.append(f"{distance:.0f} km from the point of detection")
    return "; ".join(parts)


def why_pending(need: Need) -> str:
    kind = "specialised shelter" if need.needs_specialised else "shelter"
    return f"no {kind} accepting {need.sex} {need.age_group} has a free place"
