"""Validation of the screening body: closed lists of indicators and needs, a known risk
level, and no unknown fields."""

from __future__ import annotations

from typing import Any

import pytest

from services.intake.schemas import ScreeningIn
from shared.contracts.enums import RiskLevel, TraffickingIndicator
from tests.intake_fixtures import SCREENING
from tests.unit.validation_helpers import refused, screening

# --- screening ------------------------------------------------------------------------------


def test_the_example_screening_is_accepted_as_is() -> None:
    body = screening()
    parsed = ScreeningIn.model_validate(body)

    assert body == SCREENING
    assert parsed.asylum_intent is False
    assert parsed.fear_of_return is False
    assert parsed.trafficking_indicators == []
    assert parsed.violence_indicators == []
    assert parsed.health_needs == []
    assert parsed.pregnant is None
    assert parsed.family_in_destination is None
    assert parsed.risk_level is RiskLevel.LOW
    assert parsed.recommendations is None
    assert parsed.interview_notes == "Travelling to join her mother."


def test_known_trafficking_indicators_are_accepted() -> None:
    every = [indicator.value for indicator in TraffickingIndicator]
    parsed = ScreeningIn.model_validate(screening(trafficking_indicators=every))
    assert parsed.trafficking_indicators == list(TraffickingIndicator)


def test_unknown_trafficking_indicator_is_refused() -> None:
    body = screening(trafficking_indicators=["debt_bondage", "smuggled"])
    assert refused(ScreeningIn, body) == [("trafficking_indicators", 1)]


def test_unknown_violence_indicator_and_health_need_are_refused() -> None:
    body = screening(violence_indicators=["bullying"], health_needs=["flu"])
    assert sorted(refused(ScreeningIn, body)) == [("health_needs", 0), ("violence_indicators", 0)]


@pytest.mark.parametrize("risk_level", [level.value for level in RiskLevel])
def test_every_risk_level_is_accepted(risk_level: str) -> None:
    assert ScreeningIn.model_validate(screening(risk_level=risk_level)).risk_level == risk_level


@pytest.mark.parametrize("risk_level", ["critical", "HIGH", "", None, 3])
def test_unknown_risk_level_is_refused(risk_level: Any) -> None:
    assert refused(ScreeningIn, screening(risk_level=risk_level)) == [("risk_level",)]


def test_missing_risk_level_is_refused() -> None:
    body = screening()
    del body["risk_level"]
    assert refused(ScreeningIn, body) == [("risk_level",)]


def test_screening_family_in_destination_is_a_country() -> None:
    assert ScreeningIn.model_validate(screening(family_in_destination="us")).family_in_destination
    assert refused(ScreeningIn, screening(family_in_destination="XX")) == [
        ("family_in_destination",)
    ]


def test_unknown_screening_field_is_refused() -> None:
    assert refused(ScreeningIn, screening(notes="free text")) == [("notes",)]
