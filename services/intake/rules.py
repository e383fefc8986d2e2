"""The domain rules of registration and screening, free of I/O so they are easy to test."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from shared.contracts.enums import AgeGroup, HealthNeed, ProtectionFlag

ADULTHOOD_YEARS = 18


def age_in_years(date_of_birth: date, on: date) -> int:
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def date_of_birth_problem(date_of_birth: date, detected_on: date) -> str | None:
    """Why a date of birth cannot be a child's at the (local) date of detection, if it can't."""
    if date_of_birth > detected_on:
        return "the date of birth is after the date of detection"
    if age_in_years(date_of_birth, detected_on) >= ADULTHOOD_YEARS:
        return "the person was 18 or older when detected"
    return None


def age_group(age_years: int) -> AgeGroup:
    return AgeGroup.CHILD_0_11 if age_years <= 11 else AgeGroup.ADOLESCENT_12_17


def international_protection_need(*, asylum_intent: bool, fear_of_return: bool) -> bool:
    return asylum_intent or fear_of_return


def trafficking_suspected(trafficking_indicators: Sequence[str]) -> bool:
    return len(trafficking_indicators) > 0


def protection_flags(
    *,
    asylum_intent: bool,
    fear_of_return: bool,
    trafficking_indicators: Sequence[str],
    violence_indicators: Sequence[str],
    health_needs: Sequence[str],
    pregnant: bool | None,
) -> list[ProtectionFlag]:
    flags: list[ProtectionFlag] = []
    if international_protection_need(asylum_intent=asylum_intent, fear_of_return=fear_of_return):
        flags.append(ProtectionFlag.INTERNATIONAL_PROTECTION_NEED)
    if trafficking_suspected(trafficking_indicators):
        flags.append(ProtectionFlag.TRAFFICKING_SUSPECTED)
    if violence_indicators:
        flags.append(ProtectionFlag.VIOLENCE_OR_ABUSE)
    if health_needs:
        flags.append(ProtectionFlag.HEALTH_NEEDS)
    if pregnant or HealthNeed.PREGNANCY in health_needs:
        flags.append(ProtectionFlag.PREGNANCY)
    return flags


def is_returned_national(instance_country: str, nationalities: Sequence[str]) -> bool:
    """A national of this instance's country: no consulate is ever involved."""
    return instance_country in nationalities
