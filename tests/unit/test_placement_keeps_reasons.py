"""The pure placement rules of the referral service: when a child already placed may stay,
and the reasons given for a placement or for its absence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.referral.placement_rules import (
    ShelterOption,
    distance_km,
    fits,
    keeps,
    reason,
    why_pending,
)
from tests.unit.placement_examples import (
    CIUDAD_JUAREZ,
    TAPACHULA,
    TUXTLA,
    need,
    shelter,
)

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
