"""The pure placement rules of the referral service: in which order the fitting shelters
are tried, and the distances that order relies on."""

from __future__ import annotations

import math
from uuid import uuid5

import pytest

from services.referral.placement_rules import distance_km, rank
from tests.unit.placement_examples import (
    CIUDAD_JUAREZ,
    NAMESPACE,
    TAPACHULA,
    TUXTLA,
    VILLAHERMOSA,
    names,
    need,
    shelter,
)

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
