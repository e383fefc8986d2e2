"""The pure placement rules of the referral service: which shelter fits a child."""

from __future__ import annotations

import pytest

from services.referral.placement_rules import fits, rank
from tests.unit.placement_examples import ALL_AGES, ALL_SEXES, need, shelter

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
