"""The simulation's per-country distributions: well-formed, valid codes, deterministic, and
the shapes of the published tables they stand for."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from opi.simulation.live_plan import plan_live_case
from opi.simulation.population import PROFILES, profile_for, sample_arrival
from opi.simulation.profile import CountryProfile
from opi.simulation.weighted import Weighted, weighted
from services.intake import rules
from services.intake.schemas import RegistrationIn, ScreeningIn
from shared.contracts.codes import check_country, check_subdivision, subdivision_country
from shared.contracts.enums import Accompaniment, AgeGroup, Sex

COUNTRIES = ("MX", "GT", "HN", "SV", "DO", "HT")


def _distributions(profile: CountryProfile) -> list[Weighted]:
    demography, releases = profile.demography, profile.releases
    return [
        profile.nationalities,
        profile.points_foreign,
        profile.points_returned,
        demography.age_alone,
        demography.age_accompanied,
        releases.foreign,
        releases.foreign_protection_need,
        releases.national,
    ]


def test_the_countries_of_the_region_are_covered() -> None:
    assert set(COUNTRIES) <= set(PROFILES)
    assert profile_for("mx") is PROFILES["MX"]
    with pytest.raises(ValueError, match="no simulation profile"):
        profile_for("ZZ")


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_distribution_sums_to_one_and_every_share_is_a_probability(country) -> None:
    profile = PROFILES[country]
    for distribution in _distributions(profile):
        assert math.isclose(distribution.total, 1.0, abs_tol=1e-9)
    demography, rates = profile.demography, profile.screening
    shares = [share for _, share in demography.alone_share]
    shares += [demography.default_alone_share, demography.separated_share_of_alone]
    shares += [demography.male_share_alone, demography.male_share_accompanied]
    shares += [rates.protection_need, rates.trafficking, rates.violence, rates.health]
    shares += [profile.releases.share, profile.releases.transfer, profile.releases.pending]
    assert all(0 <= share <= 1 for share in shares)


def test_a_distribution_that_does_not_sum_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="sum"):
        weighted({"a": 0.5, "b": 0.4})
    with pytest.raises(ValueError, match="negative"):
        weighted({"a": 1.5, "b": -0.5})


@pytest.mark.parametrize("country", COUNTRIES)
def test_codes_are_iso_and_places_belong_to_the_country(country) -> None:
    profile = PROFILES[country]
    assert country in profile.nationalities.values  # returned nationals
    for nationality in profile.nationalities.values:
        assert check_country(nationality) == nationality
    points = profile.points_foreign.values + profile.points_returned.values
    for place in (*points, *profile.shelters):
        assert check_subdivision(place.admin1) == place.admin1
        assert subdivision_country(place.admin1) == country
    assert all(point.returned_from for point in profile.points_returned.values)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_child_has_a_fitting_shelter_and_trafficking_victims_a_specialised_one(country):
    shelters = PROFILES[country].shelters
    for age_group in AgeGroup:
        for sex in (Sex.FEMALE, Sex.MALE):
            fitting = [s for s in shelters if s.accepts(age_group, sex)]
            assert any(not s.specialised for s in fitting)
            assert any(s.specialised for s in fitting)
    assert len({s.shelter_id for s in shelters}) == len(shelters)


@pytest.mark.parametrize("country", COUNTRIES)
def test_sampling_is_deterministic_for_a_seed(country) -> None:
    profile = PROFILES[country]
    first = [sample_arrival(profile, random.Random(7)) for _ in range(3)]
    again = [sample_arrival(profile, random.Random(7)) for _ in range(3)]
    assert first == again


def test_mexico_looks_like_the_migration_bulletin() -> None:
    profile = PROFILES["MX"]
    rng = random.Random(11)
    arrivals = [sample_arrival(profile, rng) for _ in range(6000)]
    foreign = [a for a in arrivals if a.foreign]
    alone = [a for a in arrivals if a.alone]
    alone_foreign = sum(a.alone for a in foreign) / len(foreign)
    assert 0.2 < alone_foreign < 0.35  # a quarter to a third of foreign minors
    assert sum(a.age_group is AgeGroup.ADOLESCENT_12_17 for a in alone) / len(alone) > 0.75
    assert sum(a.sex is Sex.MALE for a in alone) / len(alone) > 0.6
    top = [nationality for nationality, _ in Counter(a.nationality for a in foreign).most_common(3)]
    assert set(top) == {"HN", "GT", "VE"}
    assert Counter(a.point.admin1 for a in foreign).most_common(1)[0][0] == "MX-CHP"
    returned = [a for a in arrivals if a.returned_national]
    assert all(a.returned_from == "US" and a.nationality == "MX" for a in returned)


@pytest.mark.parametrize("country", ["GT", "HN", "SV", "HT"])
def test_countries_of_origin_mostly_receive_their_own_children(country) -> None:
    rng = random.Random(3)
    arrivals = [sample_arrival(PROFILES[country], rng) for _ in range(2000)]
    assert sum(a.returned_national for a in arrivals) / len(arrivals) > 0.7
    for arrival in arrivals:
        assert arrival.returned_national == rules.is_returned_national(
            country, [arrival.nationality]
        )


@pytest.mark.parametrize("country", COUNTRIES)
def test_live_bodies_are_valid_requests_of_intake(country) -> None:
    profile = PROFILES[country]
    now = datetime.now(UTC)
    accompaniments = set()
    for index in range(150):
        case = plan_live_case(profile, index, random.Random(index), now)
        registration = RegistrationIn.model_validate(case.registration)
        assert registration.detection_place.admin1.startswith(f"{country}-")
        birth = registration.child.date_of_birth
        assert not birth or not rules.date_of_birth_problem(birth, registration.detected_at.date())
        for body in case.screenings:
            ScreeningIn.model_validate(body)
        accompaniments.add(registration.accompaniment)
    assert accompaniments == set(Accompaniment)


def test_live_plans_are_deterministic_for_a_seed() -> None:
    now = datetime.now(UTC)
    first = plan_live_case(PROFILES["HN"], 4, random.Random(99), now)
    again = plan_live_case(PROFILES["HN"], 4, random.Random(99), now)
    assert first == again
