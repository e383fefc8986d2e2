"""The pure placement rules of the referral service: which shelter fits a child, in which
order the fitting shelters are tried, and when a child already placed may stay."""

from __future__ import annotations

import math
from dataclasses import replace
from uuid import UUID, uuid5

import pytest

from services.referral.placement_rules import (
    Need,
    ShelterOption,
    distance_km,
    fits,
    keeps,
    rank,
    reason,
    why_pending,
)

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


# fits


@pytest.mark.parametrize("child_group", ["0-11", "12-17"])
@pytest.mark.parametrize(
    ("shelter_groups", "accepted"),
    [
        (frozenset({"0-11"}), {"0-11"}),
        (frozenset({"12-17"}), {"12-17"}),
        (ALL_AGES, {"0-11", "12-17"}),
    ],
)
def test_fits_by_age_group(
    child_group: str, shelter_groups: frozenset[str], accepted: set[str]
) -> None:
    assert fits(shelter(age_groups=shelter_groups), need(age_group=child_group)) == (
        child_group in accepted
    )


@pytest.mark.parametrize("child_sex", sorted(ALL_SEXES))
@pytest.mark.parametrize(
    "shelter_sexes",
    [
        frozenset({"female"}),
        frozenset({"male"}),
        frozenset({"female", "male"}),
        ALL_SEXES,
    ],
)
def test_fits_by_sex(child_sex: str, shelter_sexes: frozenset[str]) -> None:
    assert fits(shelter(sexes=shelter_sexes), need(sex=child_sex)) == (child_sex in shelter_sexes)


@pytest.mark.parametrize(
    ("specialised", "needs_specialised", "expected"),
    [
        (False, False, True),
        (True, True, True),
        # specialised places are kept for presumed trafficking victims ...
        (True, False, False),
        # ... and a presumed victim only goes to a specialised shelter
        (False, True, False),
    ],
)
def test_specialised_shelter_exactly_for_presumed_trafficking_victims(
    specialised: bool, needs_specialised: bool, expected: bool
) -> None:
    assert (
        fits(shelter(specialised=specialised), need(needs_specialised=needs_specialised))
        is expected
    )


@pytest.mark.parametrize("specialised", [False, True])
def test_an_inactive_shelter_never_fits(specialised: bool) -> None:
    closed = shelter(specialised=specialised, active=False, free_places=10)
    child = need(needs_specialised=specialised)
    assert not fits(closed, child)
    assert rank([closed], child) == []


def test_fits_does_not_look_at_free_places() -> None:
    # fullness is rank's business: a full shelter still "fits", it has no place today
    assert fits(shelter(free_places=0), need())


# rank


@pytest.mark.parametrize("free_places", [0, -1])
def test_a_full_shelter_is_never_ranked(free_places: int) -> None:
    full = shelter("Lleno", free_places=free_places)
    free = shelter("Libre", at=CIUDAD_JUAREZ, admin1="MX-CHH", free_places=1)
    assert names(rank([full, free], need())) == ["Libre"]


def test_a_full_sibling_shelter_is_not_ranked() -> None:
    full = shelter("Hermanos", free_places=0)
    other = shelter("Otro", at=TUXTLA)
    assert names(rank([full, other], need(), frozenset({full.id}))) == ["Otro"]


def test_rank_keeps_only_fitting_shelters() -> None:
    shelters = [
        shelter("Niñas", age_groups=frozenset({"12-17"}), sexes=frozenset({"female"})),
        shelter("Niños", age_groups=frozenset({"12-17"}), sexes=frozenset({"male"})),
        shelter("Pequeños", age_groups=frozenset({"0-11"})),
        shelter("Especializado", specialised=True),
        shelter("Cerrado", active=False),
    ]
    assert names(rank(shelters, need(sex="female", age_group="12-17"))) == ["Niñas"]
    assert names(rank(shelters, need(sex="male", age_group="0-11"))) == ["Pequeños"]
    assert names(rank(shelters, need(needs_specialised=True))) == ["Especializado"]


def test_rank_of_nothing_is_empty() -> None:
    assert rank([], need()) == []


def test_siblings_shelter_comes_first_even_when_farther_and_in_another_subdivision() -> None:
    near = shelter("Cerca", at=TAPACHULA)
    same_state = shelter("Tuxtla", at=TUXTLA)
    siblings = shelter("Juárez", admin1="MX-CHH", at=CIUDAD_JUAREZ, free_places=1)
    ranked = rank([near, same_state, siblings], need(), frozenset({siblings.id}))
    assert names(ranked) == ["Juárez", "Cerca", "Tuxtla"]


def test_sibling_shelters_not_among_the_candidates_change_nothing() -> None:
    near = shelter("Cerca", at=TAPACHULA)
    far = shelter("Tuxtla", at=TUXTLA)
    elsewhere = uuid5(NAMESPACE, "not a candidate")
    assert names(rank([far, near], need(), frozenset({elsewhere}))) == ["Cerca", "Tuxtla"]


def test_same_subdivision_comes_before_a_nearer_shelter_elsewhere() -> None:
    # detected in Villahermosa (Tabasco): the Tabasco shelter far away beats the Chiapas one
    # that is nearer
    child = need(admin1="MX-TAB", at=VILLAHERMOSA)
    chiapas_near = shelter("Chiapas", admin1="MX-CHP", at=TUXTLA)
    tabasco_far = shelter("Tabasco", admin1="MX-TAB", at=TAPACHULA)
    assert distance_km(*VILLAHERMOSA, *TUXTLA) < distance_km(*VILLAHERMOSA, *TAPACHULA)
    assert names(rank([chiapas_near, tabasco_far], child)) == ["Tabasco", "Chiapas"]


def test_same_subdivision_first_when_the_need_has_no_coordinates() -> None:
    child = need(admin1="MX-TAB", at=None)
    assert names(
        rank(
            [
                shelter("Chiapas", admin1="MX-CHP"),
                shelter("Tabasco", admin1="MX-TAB"),
                shelter("Veracruz", admin1="MX-VER"),
            ],
            child,
        )
    ) == ["Tabasco", "Chiapas", "Veracruz"]


def test_nearest_first_by_haversine() -> None:
    # three shelters due north of the point of detection at 50, 100 and 200 km
    origin = (15.0, -92.0)
    km_per_degree = math.pi * 6371.0 / 180
    at_50, at_100, at_200 = (
        shelter(f"{km} km", at=(origin[0] + km / km_per_degree, origin[1])) for km in (50, 100, 200)
    )
    for option, km in ((at_50, 50), (at_100, 100), (at_200, 200)):
        assert distance_km(*origin, option.latitude, option.longitude) == pytest.approx(km)
    assert names(rank([at_200, at_50, at_100], need(at=origin))) == [
        "50 km",
        "100 km",
        "200 km",
    ]


def test_tapachula_to_tuxtla_gutierrez() -> None:
    # about 225 km as the crow flies
    assert 210 < distance_km(*TAPACHULA, *TUXTLA) < 230


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.0, 1.0), math.pi * 6371.0 / 180),
        ((0.0, 0.0), (1.0, 0.0), math.pi * 6371.0 / 180),
        ((90.0, 0.0), (-90.0, 0.0), math.pi * 6371.0),
        ((0.0, 179.5), (0.0, -179.5), math.pi * 6371.0 / 180),
    ],
)
def test_distance_km_known_values(
    a: tuple[float, float], b: tuple[float, float], km: float
) -> None:
    assert distance_km(*a, *b) == pytest.approx(km, abs=1e-6)


def test_distance_km_is_symmetric() -> None:
    assert distance_km(*TAPACHULA, *CIUDAD_JUAREZ) == pytest.approx(
        distance_km(*CIUDAD_JUAREZ, *TAPACHULA)
    )


def test_ties_go_to_more_free_places_then_name() -> None:
    same_place = {"at": TUXTLA}
    shelters = [
        shelter("Zeta", free_places=1, **same_place),
        shelter("Beta", free_places=3, **same_place),
        shelter("Alfa", free_places=1, **same_place),
        shelter("Gamma", free_places=3, **same_place),
    ]
    assert names(rank(shelters, need())) == ["Beta", "Gamma", "Alfa", "Zeta"]


def test_ties_without_coordinates_go_to_more_free_places_then_name() -> None:
    shelters = [
        shelter("Zeta", free_places=2, at=TAPACHULA),
        shelter("Alfa", free_places=2, at=CIUDAD_JUAREZ),
        shelter("Medio", free_places=5, at=TUXTLA),
    ]
    assert names(rank(shelters, need(at=None))) == ["Medio", "Alfa", "Zeta"]


def test_distance_beats_free_places() -> None:
    near_small = shelter("Cerca", at=TAPACHULA, free_places=1)
    far_big = shelter("Lejos", at=TUXTLA, free_places=50)
    assert names(rank([far_big, near_small], need(at=TAPACHULA))) == ["Cerca", "Lejos"]


def test_rank_accepts_any_iterable_and_is_stable_whatever_the_input_order() -> None:
    shelters = [
        shelter("Tapachula", at=TAPACHULA),
        shelter("Tuxtla", at=TUXTLA),
        shelter("Villahermosa", admin1="MX-TAB", at=VILLAHERMOSA),
    ]
    expected = ["Tapachula", "Tuxtla", "Villahermosa"]
    assert names(rank(iter(shelters), need())) == expected
    assert names(rank(reversed(shelters), need())) == expected


# keeps


@pytest.mark.parametrize(
    ("specialised", "needs_specialised", "may_stay"),
    [
        (False, True, False),  # a presumed victim in an ordinary shelter must move
        (True, True, True),
        (False, False, True),
        (True, False, True),  # a coordinator's manual choice is respected
    ],
)
def test_keeps(specialised: bool, needs_specialised: bool, may_stay: bool) -> None:
    assert keeps(shelter(specialised=specialised), need(needs_specialised=needs_specialised)) is (
        may_stay
    )


@pytest.mark.parametrize(
    "placed_in",
    [
        shelter(age_groups=frozenset({"0-11"})),
        shelter(sexes=frozenset({"male"})),
        shelter(active=False),
        shelter(free_places=0),
        shelter(admin1="MX-CHH", at=CIUDAD_JUAREZ),
    ],
    ids=["other-age-group", "other-sex", "inactive", "full", "far-away"],
)
def test_keeps_respects_a_manual_choice_that_does_not_fit(placed_in: ShelterOption) -> None:
    assert keeps(placed_in, need(age_group="12-17", sex="female"))


def test_keeps_moves_a_presumed_victim_even_from_a_shelter_that_otherwise_fits() -> None:
    ordinary = shelter()
    assert fits(ordinary, need())
    assert not keeps(ordinary, need(needs_specialised=True))


# reason


def test_reason_for_siblings_specialised_same_subdivision_and_distance() -> None:
    option = shelter("Refugio", at=TUXTLA, specialised=True)
    child = need(sex="male", age_group="0-11", needs_specialised=True)
    text = reason(option, child, frozenset({option.id}))
    assert "accepts male 0-11" in text
    assert "specialised" in text
    assert "trafficking" in text
    assert "siblings" in text
    assert "MX-CHP" in text
    km = distance_km(*TAPACHULA, *TUXTLA)
    assert f"{km:.0f} km" in text


def test_reason_for_an_ordinary_placement_elsewhere_without_coordinates() -> None:
    option = shelter("Juárez", admin1="MX-CHH", at=CIUDAD_JUAREZ)
    text = reason(option, need(at=None), frozenset())
    assert text == "accepts female 12-17"
    for absent in ("specialised", "siblings", "MX-CHP", "MX-CHH", "km"):
        assert absent not in text


@pytest.mark.parametrize(
    ("siblings", "same_subdivision", "with_coordinates", "specialised"),
    [
        (s, a, c, t)
        for s in (False, True)
        for a in (False, True)
        for c in (False, True)
        for t in (False, True)
    ],
)
def test_reason_mentions_exactly_what_applies(
    siblings: bool, same_subdivision: bool, with_coordinates: bool, specialised: bool
) -> None:
    option = shelter(admin1="MX-CHP" if same_subdivision else "MX-TAB", specialised=specialised)
    child = need(at=TUXTLA if with_coordinates else None, needs_specialised=specialised)
    text = reason(option, child, frozenset({option.id}) if siblings else frozenset())
    assert text.startswith("accepts female 12-17")
    assert ("siblings" in text) is siblings
    assert ("where the child was detected" in text) is same_subdivision
    assert (" km " in text) is with_coordinates
    assert ("specialised" in text) is specialised


def test_reason_distance_is_rounded_to_whole_km() -> None:
    option = shelter(at=TUXTLA)
    text = reason(option, need(at=TAPACHULA), frozenset())
    assert "225 km from the point of detection" in text


# why_pending


def test_why_pending_for_a_presumed_trafficking_victim() -> None:
    assert (
        why_pending(need(sex="male", age_group="0-11", needs_specialised=True))
        == "no specialised shelter accepting male 0-11 has a free place"
    )


def test_why_pending_for_an_ordinary_case() -> None:
    text = why_pending(need(sex="female", age_group="12-17"))
    assert text == "no shelter accepting female 12-17 has a free place"
    assert "specialised" not in text


def test_need_and_option_are_immutable_values() -> None:
    child = need()
    assert replace(child, sex="male") != child
    with pytest.raises(AttributeError):
        child.sex = "male"  # type: ignore[misc]
