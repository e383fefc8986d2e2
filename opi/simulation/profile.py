"""What a country's arrivals of children look like: the shape of every per-country table.

The tables themselves live in ``profiles_*.py``, each with its sources; ``SOURCES.md`` lists
them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from opi.simulation.weighted import Weighted
from shared.contracts.enums import AgeGroup, Sex
from shared.contracts.placement import ReleaseReason

BOTH_AGE_GROUPS = (AgeGroup.CHILD_0_11, AgeGroup.ADOLESCENT_12_17)
GIRLS_AND_BOYS = (Sex.FEMALE, Sex.MALE)


@dataclass(frozen=True)
class DetectionPoint:
    """A border post, station, shelter of reception or airport where children are detected."""

    admin1: str
    point: str
    latitude: float
    longitude: float
    returned_from: str | None = None  # the country that returns children through this point


@dataclass(frozen=True)
class ShelterSpec:
    name: str
    authority: str
    admin1: str
    latitude: float
    longitude: float
    age_groups: tuple[AgeGroup, ...] = BOTH_AGE_GROUPS
    sexes: tuple[Sex, ...] = GIRLS_AND_BOYS
    specialised: bool = False

    @property
    def shelter_id(self) -> UUID:
        # stable across runs, so that two streams of one seed name the same shelters
        return uuid5(NAMESPACE_URL, f"opi-simulation:shelter:{self.admin1}:{self.name}")

    def accepts(self, age_group: AgeGroup, sex: Sex) -> bool:
        return age_group in self.age_groups and sex in self.sexes

    def distance_km(self, latitude: float, longitude: float) -> float:
        """Great-circle distance: shelters close to the point of detection are preferred."""
        lat1, lat2 = math.radians(self.latitude), math.radians(latitude)
        dlat, dlon = lat2 - lat1, math.radians(longitude - self.longitude)
        a = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        return 2 * 6371 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class ScreeningRates:
    """Shares of first screenings raising each finding (foreign children unless stated)."""

    protection_need: float  # asylum intent or fear of return; nationals returned home: none
    asylum_share_of_need: float  # the rest only express fear of return
    trafficking: float
    violence: float
    health: float
    pregnancy_adolescent_girls: float
    rescreening: float = 0.05
    rescreening_flip: float = 0.3  # a second interview often changes what the child discloses


@dataclass(frozen=True)
class ReleaseRates:
    """How placements end within the simulated weeks, by the kind of case."""

    share: float  # of cases whose placement ends while simulated
    foreign: Weighted[ReleaseReason]
    foreign_protection_need: Weighted[ReleaseReason]
    national: Weighted[ReleaseReason]
    transfer: float = 0.05  # moved to another shelter (besides trafficking victims)
    pending: float = 0.1  # no fitting free place at registration

    def reasons_for(
        self, *, returned_national: bool, protection_need: bool
    ) -> Weighted[ReleaseReason]:
        if returned_national:
            return self.national
        return self.foreign_protection_need if protection_need else self.foreign


@dataclass(frozen=True)
class Demography:
    """Age group and sex depend on whether the child travels alone (unaccompanied or
    separated) or with family: lone children are mostly adolescent boys."""

    alone_share: tuple[tuple[str, float], ...]  # by nationality: unaccompanied or separated
    default_alone_share: float
    separated_share_of_alone: float
    age_alone: Weighted[AgeGroup]
    age_accompanied: Weighted[AgeGroup]
    male_share_alone: float
    male_share_accompanied: float

    def alone(self, nationality: str) -> float:
        return dict(self.alone_share).get(nationality, self.default_alone_share)


@dataclass(frozen=True)
class CountryProfile:
    country: str
    sources: tuple[str, ...]
    nationalities: Weighted[str]
    demography: Demography
    points_foreign: Weighted[DetectionPoint]
    points_returned: Weighted[DetectionPoint]
    screening: ScreeningRates
    releases: ReleaseRates
    shelters: tuple[ShelterSpec, ...]
    authority: str  # the child-protection authority notified of every registration
    utc_offset_hours: int  # local time of the main points of detection
