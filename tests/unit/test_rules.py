"""The pure domain rules of intake: age, age group and the protection flags of a screening."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.rules import (
    ADULTHOOD_YEARS,
    age_group,
    age_in_years,
    international_protection_need,
    is_returned_national,
    protection_flags,
    trafficking_suspected,
)
from shared.contracts.enums import AgeGroup, HealthNeed, ProtectionFlag, TraffickingIndicator

BORN = date(2011, 3, 14)


def test_adulthood_is_eighteen() -> None:
    assert ADULTHOOD_YEARS == 18


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2011, 3, 14), 0),
        (date(2012, 3, 13), 0),
        (date(2012, 3, 14), 1),
        (date(2026, 3, 13), 14),  # the day before the birthday
        (date(2026, 3, 14), 15),  # the birthday itself
        (date(2026, 3, 15), 15),  # the day after
        (date(2026, 12, 31), 15),
        (date(2027, 1, 1), 15),
        (date(2029, 3, 13), 17),
        (date(2029, 3, 14), 18),
    ],
)
def test_age_in_years_around_the_birthday(on: date, expected: int) -> None:
    assert age_in_years(BORN, on) == expected


def test_age_in_years_month_before_and_after_birth_month() -> None:
    assert age_in_years(date(2010, 6, 15), date(2026, 5, 31)) == 15
    assert age_in_years(date(2010, 6, 15), date(2026, 7, 1)) == 16


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 2, 28), 17),  # non-leap year: not yet 18 on 28 February ...
        (date(2026, 3, 1), 18),  # ... but 18 on 1 March
        (date(2027, 2, 28), 18),
        (date(2027, 3, 1), 19),
        (date(2028, 2, 28), 19),  # leap year: the day before the real birthday
        (date(2028, 2, 29), 20),  # the real birthday
        (date(2028, 3, 1), 20),
    ],
)
def test_age_in_years_of_a_leap_day_birth(on: date, expected: int) -> None:
    assert age_in_years(date(2008, 2, 29), on) == expected


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (0, AgeGroup.CHILD_0_11),
        (5, AgeGroup.CHILD_0_11),
        (11, AgeGroup.CHILD_0_11),
        (12, AgeGroup.ADOLESCENT_12_17),
        (17, AgeGroup.ADOLESCENT_12_17),
    ],
)
def test_age_group_boundaries(age: int, group: AgeGroup) -> None:
    assert age_group(age) is group


def test_age_group_values_are_the_statistics_labels() -> None:
    assert age_group(11) == "0-11"
    assert age_group(12) == "12-17"


@pytest.mark.parametrize(
    ("asylum_intent", "fear_of_return", "expected"),
    [
        (False, False, False),
        (True, False, True),
        (False, True, True),
        (True, True, True),
    ],
)
def test_international_protection_need(
    asylum_intent: bool, fear_of_return: bool, expected: bool
) -> None:
    assert (
        international_protection_need(asylum_intent=asylum_intent, fear_of_return=fear_of_return)
        is expected
    )


@pytest.mark.parametrize(
    ("indicators", "expected"),
    [
        ([], False),
        ((), False),
        ([TraffickingIndicator.DEBT_BONDAGE], True),
        (["with_unrelated_adult", "coached_answers"], True),
        ([TraffickingIndicator.OTHER], True),
    ],
)
def test_trafficking_suspected_from_indicators(indicators: list[str], expected: bool) -> None:
    assert trafficking_suspected(indicators) is expected


def _flags(**overrides: object) -> list[ProtectionFlag]:
    arguments: dict[str, object] = {
        "asylum_intent": False,
        "fear_of_return": False,
        "trafficking_indicators": [],
        "violence_indicators": [],
        "health_needs": [],
        "pregnant": None,
    }
    arguments.update(overrides)
    return protection_flags(**arguments)  # type: ignore[arg-type]


def test_no_flags_when_nothing_was_found() -> None:
    assert _flags() == []
    assert _flags(pregnant=False) == []


@pytest.mark.parametrize(
    ("asylum_intent", "fear_of_return", "flagged"),
    [
        (False, False, False),
        (True, False, True),
        (False, True, True),
        (True, True, True),
    ],
)
def test_international_protection_flag(
    asylum_intent: bool, fear_of_return: bool, flagged: bool
) -> None:
    flags = _flags(asylum_intent=asylum_intent, fear_of_return=fear_of_return)
    assert flags == ([ProtectionFlag.INTERNATIONAL_PROTECTION_NEED] if flagged else [])


def test_trafficking_flag() -> None:
    assert _flags(trafficking_indicators=["documents_confiscated"]) == [
        ProtectionFlag.TRAFFICKING_SUSPECTED
    ]


def test_violence_flag() -> None:
    assert _flags(violence_indicators=["gang_threat"]) == [ProtectionFlag.VIOLENCE_OR_ABUSE]


def test_health_needs_flag() -> None:
    assert _flags(health_needs=[HealthNeed.MALNUTRITION]) == [ProtectionFlag.HEALTH_NEEDS]


def test_pregnant_true_flags_pregnancy_without_health_needs() -> None:
    assert _flags(pregnant=True) == [ProtectionFlag.PREGNANCY]


@pytest.mark.parametrize("need", [HealthNeed.PREGNANCY, "pregnancy"])
def test_pregnancy_health_need_flags_pregnancy_and_health_needs(need: str) -> None:
    assert _flags(health_needs=[need]) == [ProtectionFlag.HEALTH_NEEDS, ProtectionFlag.PREGNANCY]


@pytest.mark.parametrize("pregnant", [None, False, True])
def test_pregnancy_flag_is_raised_once(pregnant: bool | None) -> None:
    flags = _flags(pregnant=pregnant, health_needs=[HealthNeed.PREGNANCY])
    assert flags.count(ProtectionFlag.PREGNANCY) == 1


def test_other_health_needs_do_not_flag_pregnancy() -> None:
    flags = _flags(health_needs=[HealthNeed.MENTAL_HEALTH, HealthNeed.DISABILITY])
    assert flags == [ProtectionFlag.HEALTH_NEEDS]


def test_every_flag_at_once_in_a_stable_order() -> None:
    flags = _flags(
        asylum_intent=True,
        fear_of_return=True,
        trafficking_indicators=["sexual_exploitation"],
        violence_indicators=["sexual", "physical"],
        health_needs=["urgent_medical_care", "pregnancy"],
        pregnant=True,
    )
    assert flags == [
        ProtectionFlag.INTERNATIONAL_PROTECTION_NEED,
        ProtectionFlag.TRAFFICKING_SUSPECTED,
        ProtectionFlag.VIOLENCE_OR_ABUSE,
        ProtectionFlag.HEALTH_NEEDS,
        ProtectionFlag.PREGNANCY,
    ]
    assert len(set(flags)) == len(flags)


def test_trafficking_and_violence_without_protection_need() -> None:
    flags = _flags(trafficking_indicators=["forced_labour"], violence_indicators=["neglect"])
    assert flags == [ProtectionFlag.TRAFFICKING_SUSPECTED, ProtectionFlag.VIOLENCE_OR_ABUSE]


@pytest.mark.parametrize(
    ("instance_country", "nationalities", "expected"),
    [
        ("GT", ["GT"], True),
        ("MX", ["GT"], False),
        ("MX", ["GT", "MX"], True),  # dual nationals are nationals
        ("HN", ["GT", "SV"], False),
        ("MX", [], False),
    ],
)
def test_is_returned_national(
    instance_country: str, nationalities: list[str], expected: bool
) -> None:
    assert is_returned_national(instance_country, nationalities) is expected
