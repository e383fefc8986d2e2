"""What a screening interview finds: sampled from the country's rates, turned into flags by
intake's own rules (so the synthetic stream and the real service cannot disagree)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from opi.simulation.population import Arrival
from opi.simulation.profile import CountryProfile
from opi.simulation.weighted import chance, from_counts, some_of
from services.intake import rules
from shared.contracts.enums import (
    AgeGroup,
    HealthNeed,
    ProtectionFlag,
    RiskLevel,
    Sex,
    TraffickingIndicator,
    ViolenceIndicator,
)

TRAFFICKING = from_counts(
    {
        TraffickingIndicator.WITH_UNRELATED_ADULT: 30,
        TraffickingIndicator.RECRUITED_WITH_DECEPTION: 20,
        TraffickingIndicator.COACHED_ANSWERS: 15,
        TraffickingIndicator.DEBT_BONDAGE: 10,
        TraffickingIndicator.DOCUMENTS_CONFISCATED: 8,
        TraffickingIndicator.MOVEMENT_CONTROLLED: 7,
        TraffickingIndicator.FORCED_LABOUR: 5,
        TraffickingIndicator.SEXUAL_EXPLOITATION: 5,
    }
)
VIOLENCE = (
    ViolenceIndicator.GANG_THREAT,
    ViolenceIndicator.PHYSICAL,
    ViolenceIndicator.PSYCHOLOGICAL,
    ViolenceIndicator.DOMESTIC,
    ViolenceIndicator.SEXUAL,
    ViolenceIndicator.NEGLECT,
)
HEALTH = (
    HealthNeed.MALNUTRITION,
    HealthNeed.URGENT_MEDICAL_CARE,
    HealthNeed.CHRONIC_CONDITION,
    HealthNeed.MENTAL_HEALTH,
    HealthNeed.DISABILITY,
)
NOTES = (
    "Travelling to join a parent in the destination country.",
    "Left home after threats to the family; travelled with a group.",
    "Separated from the accompanying relative during an inspection.",
    "Returned after an attempt to cross; wishes to go home.",
)


@dataclass(frozen=True)
class ScreeningOutcome:
    asylum_intent: bool
    fear_of_return: bool
    trafficking_indicators: tuple[TraffickingIndicator, ...]
    violence_indicators: tuple[ViolenceIndicator, ...]
    health_needs: tuple[HealthNeed, ...]
    pregnant: bool | None
    family_in_destination: str | None
    note: str

    @property
    def international_protection_need(self) -> bool:
        return rules.international_protection_need(
            asylum_intent=self.asylum_intent, fear_of_return=self.fear_of_return
        )

    @property
    def trafficking_suspected(self) -> bool:
        return rules.trafficking_suspected(self.trafficking_indicators)

    @property
    def firewalled(self) -> bool:
        """A flag that forbids telling the consulate."""
        return self.international_protection_need or self.trafficking_suspected

    @property
    def protection_flags(self) -> list[ProtectionFlag]:
        return rules.protection_flags(
            asylum_intent=self.asylum_intent,
            fear_of_return=self.fear_of_return,
            trafficking_indicators=self.trafficking_indicators,
            violence_indicators=self.violence_indicators,
            health_needs=self.health_needs,
            pregnant=self.pregnant,
        )

    @property
    def risk_level(self) -> RiskLevel:
        if self.trafficking_suspected or HealthNeed.URGENT_MEDICAL_CARE in self.health_needs:
            return RiskLevel.HIGH
        if self.international_protection_need and self.violence_indicators:
            return RiskLevel.HIGH
        return RiskLevel.MEDIUM if self.protection_flags else RiskLevel.LOW

    def body(self) -> dict[str, Any]:
        """The ``POST /cases/{id}/screening`` body of intake."""
        return {
            "asylum_intent": self.asylum_intent,
            "fear_of_return": self.fear_of_return,
            "trafficking_indicators": [str(value) for value in self.trafficking_indicators],
            "violence_indicators": [str(value) for value in self.violence_indicators],
            "health_needs": [str(value) for value in self.health_needs],
            "pregnant": self.pregnant,
            "family_in_destination": self.family_in_destination,
            "risk_level": str(self.risk_level),
            "interview_notes": self.note,
        }


def sample_screening(
    profile: CountryProfile, arrival: Arrival, rng: random.Random
) -> ScreeningOutcome:
    rates = profile.screening
    # international protection is protection from one's own country: not for nationals
    need = arrival.foreign and chance(rng, rates.protection_need)
    asylum = need and chance(rng, rates.asylum_share_of_need)
    girl = arrival.sex is Sex.FEMALE and arrival.age_group is AgeGroup.ADOLESCENT_12_17
    pregnant = girl and chance(rng, rates.pregnancy_adolescent_girls)
    health = some_of(rng, HEALTH, rng.randint(1, 2)) if chance(rng, rates.health) else []
    return ScreeningOutcome(
        asylum_intent=asylum,
        fear_of_return=need and (not asylum or chance(rng, 0.6)),
        trafficking_indicators=_trafficking(rates.trafficking, rng),
        violence_indicators=tuple(
            some_of(rng, VIOLENCE, rng.randint(1, 2)) if chance(rng, rates.violence) else []
        ),
        health_needs=tuple([*health, HealthNeed.PREGNANCY] if pregnant else health),
        pregnant=pregnant if girl else None,
        family_in_destination="US" if arrival.alone and chance(rng, 0.5) else None,
        note=rng.choice(NOTES),
    )


def _trafficking(rate: float, rng: random.Random) -> tuple[TraffickingIndicator, ...]:
    if not chance(rng, rate):
        return ()
    return tuple(dict.fromkeys(TRAFFICKING.pick(rng) for _ in range(rng.randint(1, 3))))


def rescreen(
    first: ScreeningOutcome, arrival: Arrival, profile: CountryProfile, rng: random.Random
) -> ScreeningOutcome:
    """A second interview: usually the same findings; sometimes the child discloses a fear
    of return or exploitation, or a need first recorded is not confirmed."""
    if not chance(rng, profile.screening.rescreening_flip):
        return first
    if chance(rng, 0.2):
        flipped = () if first.trafficking_suspected else (TraffickingIndicator.COACHED_ANSWERS,)
        return replace(first, trafficking_indicators=flipped)
    if not arrival.foreign:
        return first
    need = not first.international_protection_need
    return replace(first, asylum_intent=need and chance(rng, 0.5), fear_of_return=need)
