"""Who arrives: per-country distributions of the children an instance registers, and the
sampling of one arrival (nationality, accompaniment, age group, sex, place of detection).

Every table is an approximate, rounded shape of a published one; the sources are in each
``profiles_*.py`` module's docstring and in ``SOURCES.md``:

- MX: UPM (SEGOB), *Boletín Mensual de Estadísticas Migratorias* 2022–2023, foreign minors
  presented by nationality × age group × accompaniment × sex, and Mexican minors returned
  from the US by reception point.
- GT: IGM, *Estadísticas de retornados* 2022–2023; HN: OCMH/CONMIGHO and DINAF returnee
  statistics 2022–2023; SV: DGME returnee statistics 2022–2023 and IOM NTMI.
- DO, HT: IOM DTM border monitoring of the Dominican–Haitian border, 2023–2024.

Sampling takes a ``random.Random`` so that a seed always gives the same children.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from opi.simulation.profile import CountryProfile, DetectionPoint
from opi.simulation.profiles_gt import GUATEMALA
from opi.simulation.profiles_hispaniola import DOMINICAN_REPUBLIC, HAITI
from opi.simulation.profiles_hn import HONDURAS
from opi.simulation.profiles_mx import MEXICO
from opi.simulation.profiles_sv import EL_SALVADOR
from opi.simulation.weighted import chance
from shared.contracts.enums import Accompaniment, AgeGroup, Sex

PROFILES: Final = {
    profile.country: profile
    for profile in (MEXICO, GUATEMALA, HONDURAS, EL_SALVADOR, DOMINICAN_REPUBLIC, HAITI)
}


def profile_for(country: str) -> CountryProfile:
    profile = PROFILES.get(country.upper())
    if profile is None:
        raise ValueError(f"no simulation profile for {country!r}; known: {', '.join(PROFILES)}")
    return profile


@dataclass(frozen=True)
class Arrival:
    """What the statistics count of one child: the rest of the identity is in identities.py."""

    country: str
    nationality: str
    returned_national: bool
    accompaniment: Accompaniment
    age_group: AgeGroup
    sex: Sex
    point: DetectionPoint
    returned_from: str | None

    @property
    def alone(self) -> bool:
        return self.accompaniment is not Accompaniment.ACCOMPANIED

    @property
    def foreign(self) -> bool:
        """A foreign child: the only kind whose consulate may ever be told."""
        return not self.returned_national


def sample_arrival(profile: CountryProfile, rng: random.Random) -> Arrival:
    nationality = profile.nationalities.pick(rng)
    returned = nationality == profile.country
    demography = profile.demography
    alone = chance(rng, demography.alone(nationality))
    if not alone:
        accompaniment = Accompaniment.ACCOMPANIED
    elif chance(rng, demography.separated_share_of_alone):
        accompaniment = Accompaniment.SEPARATED
    else:
        accompaniment = Accompaniment.UNACCOMPANIED
    age_group = (demography.age_alone if alone else demography.age_accompanied).pick(rng)
    male_share = demography.male_share_alone if alone else demography.male_share_accompanied
    point = (profile.points_returned if returned else profile.points_foreign).pick(rng)
    return Arrival(
        country=profile.country,
        nationality=nationality,
        returned_national=returned,
        accompaniment=accompaniment,
        age_group=age_group,
        sex=Sex.MALE if chance(rng, male_share) else Sex.FEMALE,
        point=point,
        returned_from=point.returned_from if returned else None,
    )
