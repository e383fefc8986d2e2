"""Shared helpers for the request-body validation tests: valid example bodies, and the
``loc`` of every error a model reports for a body it must refuse."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tests.intake_fixtures import REGISTRATION, SCREENING

# --- intake: registration and screening ----------------------------------------------------


def registration(change: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    body = copy.deepcopy(REGISTRATION)
    if change is not None:
        change(body)
    return body


def screening(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SCREENING), **changes}


def refused(model: type[BaseModel], body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The ``loc`` of every error of a body the model must refuse."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return [tuple(error["loc"]) for error in caught.value.errors()]


def refused_at(model: type[BaseModel], body: dict[str, Any], loc: tuple[Any, ...]) -> None:
    locs = refused(model, body)
    assert any(found[: len(loc)] == loc for found in locs), f"no error at {loc}: {locs}"


def utc_today() -> date:
    return datetime.now(UTC).date()


# --- referral: shelters, placements, releases, referrals ----------------------------------


def valid_shelter(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Albergue Temporal DIF Tapachula",
        "authority": "DIF",
        "admin1": "MX-CHP",
        "latitude": 14.9056,
        "longitude": -92.2630,
        "age_groups": ["0-11", "12-17"],
        "sexes": ["female", "male"],
        "trafficking_specialised": False,
        "capacity": 6,
    }
    body.update(changes)
    return body


def error_locs(model: type[BaseModel], body: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return [error["loc"] for error in caught.value.errors()]


def rejects(model: type[BaseModel], body: dict[str, Any], field: str) -> None:
    """The body is refused, and every error points at ``field``."""
    locs = error_locs(model, body)
    assert locs, body
    assert all(loc[0] == field for loc in locs), locs
