"""Validation of the shelter bodies of the referral API (ShelterIn, ShelterPatch): what
FastAPI answers with 422."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from services.referral import shelters
from services.referral.schemas import ShelterIn, ShelterPatch
from shared.contracts.enums import AgeGroup, Sex
from tests.unit.validation_helpers import error_locs, rejects, valid_shelter

# ShelterIn


def test_a_valid_shelter_is_accepted() -> None:
    shelter = ShelterIn.model_validate(valid_shelter())
    assert shelter.admin1 == "MX-CHP"
    assert shelter.age_groups == [AgeGroup.CHILD_0_11, AgeGroup.ADOLESCENT_12_17]
    assert shelter.sexes == [Sex.FEMALE, Sex.MALE]
    assert shelter.capacity == 6
    assert shelter.trafficking_specialised is False


def test_trafficking_specialised_defaults_to_false() -> None:
    body = valid_shelter()
    del body["trafficking_specialised"]
    assert ShelterIn.model_validate(body).trafficking_specialised is False


def test_admin1_is_normalised_to_upper_case() -> None:
    assert ShelterIn.model_validate(valid_shelter(admin1="mx-chp")).admin1 == "MX-CHP"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("admin1", "MX-ZZZ"),
        ("admin1", "MX"),
        ("admin1", "Chiapas"),
        ("capacity", 0),
        ("capacity", -1),
        ("capacity", 10_001),
        ("age_groups", []),
        ("age_groups", ["18-25"]),
        ("age_groups", ["0-11", "0-11"]),
        ("sexes", []),
        ("sexes", ["female", "female"]),
        ("sexes", ["woman"]),
        ("latitude", 91),
        ("latitude", -90.5),
        ("longitude", 180.5),
        ("longitude", -181),
        ("name", ""),
        ("name", "x" * 201),
        ("authority", ""),
        ("authority", "x" * 51),
    ],
)
def test_an_invalid_shelter_field_is_named(field: str, value: Any) -> None:
    rejects(ShelterIn, valid_shelter(**{field: value}), field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", 1),
        ("capacity", 10_000),
        ("latitude", 90),
        ("latitude", -90),
        ("longitude", 180),
        ("longitude", -180),
        ("age_groups", ["12-17"]),
        ("sexes", ["intersex", "unknown"]),
    ],
)
def test_boundary_values_are_accepted(field: str, value: Any) -> None:
    ShelterIn.model_validate(valid_shelter(**{field: value}))


def test_an_unknown_age_group_points_at_its_position() -> None:
    assert error_locs(ShelterIn, valid_shelter(age_groups=["0-11", "18-25"])) == [("age_groups", 1)]


def test_repeated_sexes_say_why() -> None:
    with pytest.raises(ValidationError) as caught:
        ShelterIn.model_validate(valid_shelter(sexes=["male", "female", "male"]))
    (error,) = caught.value.errors()
    assert error["loc"] == ("sexes",)
    assert "repeat" in error["msg"]


def test_an_unknown_extra_field_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        ShelterIn.model_validate(valid_shelter(occupied=3))
    (error,) = caught.value.errors()
    assert error["loc"] == ("occupied",)
    assert error["type"] == "extra_forbidden"


@pytest.mark.parametrize("missing", sorted(set(valid_shelter()) - {"trafficking_specialised"}))
def test_every_required_field_is_required(missing: str) -> None:
    body = valid_shelter()
    del body[missing]
    assert error_locs(ShelterIn, body) == [(missing,)]


def test_several_errors_are_reported_together() -> None:
    locs = error_locs(ShelterIn, valid_shelter(admin1="MX-ZZZ", capacity=0, latitude=91))
    assert {loc[0] for loc in locs} == {"admin1", "capacity", "latitude"}


# ShelterPatch


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "Nuevo nombre"},
        {"capacity": 0},  # a shelter may be emptied of places (then closed)
        {"capacity": 10_000},
        {"active": False},
        {"age_groups": ["0-11"], "sexes": ["female"]},
        {"trafficking_specialised": True, "latitude": 16.75, "longitude": -93.11},
    ],
)
def test_a_patch_accepts_partial_bodies(body: dict[str, Any]) -> None:
    patch = ShelterPatch.model_validate(body)
    assert patch.model_dump(exclude_unset=True).keys() == body.keys()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", -1),
        ("capacity", 10_001),
        ("name", ""),
        ("latitude", 91),
        ("longitude", -181),
        ("age_groups", []),
        ("age_groups", ["18-25"]),
        ("sexes", ["male", "male"]),
    ],
)
def test_a_patch_rejects_invalid_values(field: str, value: Any) -> None:
    rejects(ShelterPatch, {field: value}, field)


@pytest.mark.parametrize("field", ["occupied", "admin1", "id", "free_places"])
def test_a_patch_rejects_extra_fields(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ShelterPatch.model_validate({"name": "Albergue", field: "x"})
    (error,) = caught.value.errors()
    assert error["loc"] == (field,)
    assert error["type"] == "extra_forbidden"


class FakeSession:
    """Just enough of an AsyncSession for ``shelters.update``: no database involved."""

    def __init__(self, shelter: SimpleNamespace) -> None:
        self.shelter = shelter

    async def scalar(self, _query: object) -> SimpleNamespace:
        return self.shelter

    async def flush(self) -> None:
        pass


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "authority",
        "latitude",
        "longitude",
        "age_groups",
        "sexes",
        "trafficking_specialised",
        "capacity",
        "active",
    ],
)
async def test_a_patch_with_an_explicit_null_is_refused_or_ignored(field: str) -> None:
    try:
        patch = ShelterPatch.model_validate({field: None})
    except ValidationError:
        return  # refused with 422: fine
    before = {**valid_shelter(), "occupied": 2, "active": True, "updated_at": None}
    shelter = SimpleNamespace(**before)
    try:
        await shelters.update(
            FakeSession(shelter),  # type: ignore[arg-type]
            uuid4(),
            patch,
            now=datetime(2025, 1, 1, tzinfo=UTC),
        )
    except shelters.InvalidShelter as error:
        assert error.field == field  # refused with 422: fine
        return
    assert getattr(shelter, field) == before[field]  # or ignored
