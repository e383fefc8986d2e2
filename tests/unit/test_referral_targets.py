"""Protection-referral targets per country, which referrals a case needs, and the Mexican
shelter seed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from services.referral.referrals import DEFAULT_TARGETS, Target, kinds_needed, load_targets
from services.referral.schemas import ShelterIn
from services.referral.shelters import DATA, load_seed, seed_file_for
from shared.contracts.enums import AgeGroup, Sex
from shared.contracts.protection_referral import ReferralKind

SHIPPED = tomllib.loads(DEFAULT_TARGETS.read_text())
MX_SEED = DATA / "shelters-mx.toml"


# load_targets


@pytest.mark.parametrize("path", [None, DEFAULT_TARGETS])
def test_mexico_refers_to_comar_and_the_fgr(path: Path | None) -> None:
    targets = load_targets(path, "MX")
    assert set(targets) == set(ReferralKind)
    assert targets[ReferralKind.REFUGEE_COMMISSION].authority == "COMAR"
    assert "Refugiados" in targets[ReferralKind.REFUGEE_COMMISSION].name
    assert targets[ReferralKind.PROSECUTOR].authority.startswith("FGR")
    assert "Trata" in targets[ReferralKind.PROSECUTOR].name


def test_the_country_code_is_case_insensitive() -> None:
    assert load_targets(None, "mx") == load_targets(None, "MX")


def test_the_shipped_file_covers_several_countries() -> None:
    assert {"MX", "GT", "HN", "SV"} <= set(SHIPPED)


@pytest.mark.parametrize("country", sorted(SHIPPED))
def test_every_shipped_country_has_both_kinds(country: str) -> None:
    assert len(country) == 2
    assert country.isupper()
    targets = load_targets(None, country)
    assert set(targets) == set(ReferralKind)
    for target in targets.values():
        assert isinstance(target, Target)
        assert target.authority.strip()
        assert target.name.strip()
    refugee, prosecutor = targets[ReferralKind.REFUGEE_COMMISSION], targets[ReferralKind.PROSECUTOR]
    assert refugee.authority != prosecutor.authority


@pytest.mark.parametrize("country", ["US", "XX", "mx-chp"])
def test_an_unknown_country_is_refused_by_name(country: str) -> None:
    with pytest.raises(ValueError, match=country):
        load_targets(None, country)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("missing", list(ReferralKind))
def test_a_country_lacking_a_kind_is_refused_naming_the_kind(
    tmp_path: Path, missing: ReferralKind
) -> None:
    (present,) = set(ReferralKind) - {missing}
    path = write(tmp_path, f'[XX.{present.value}]\nauthority = "A"\nname = "Authority A"\n')
    with pytest.raises(ValueError, match=rf"XX.*lack.*{missing.value}") as caught:
        load_targets(path, "XX")
    assert present.value not in str(caught.value)


def test_a_country_lacking_both_kinds_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[XX.consulate]\nauthority = "C"\nname = "Consulate"\n')
    with pytest.raises(ValueError) as caught:
        load_targets(path, "XX")
    for kind in ReferralKind:
        assert kind.value in str(caught.value)


def test_an_empty_country_section_counts_as_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, "[XX]\n")
    with pytest.raises(ValueError, match="XX"):
        load_targets(path, "XX")


def test_another_file_is_read_instead_of_the_shipped_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[XX.refugee_commission]\nauthority = "RC"\nname = "Refugee commission"\n'
        '[XX.prosecutor]\nauthority = "PR"\nname = "Prosecutor"\n',
    )
    assert load_targets(path, "XX") == {
        ReferralKind.REFUGEE_COMMISSION: Target("RC", "Refugee commission"),
        ReferralKind.PROSECUTOR: Target("PR", "Prosecutor"),
    }
    with pytest.raises(ValueError, match="MX"):
        load_targets(path, "MX")


# kinds_needed


@pytest.mark.parametrize(
    ("international_protection_need", "trafficking_suspected", "expected"),
    [
        (False, False, []),
        (True, False, [ReferralKind.REFUGEE_COMMISSION]),
        (False, True, [ReferralKind.PROSECUTOR]),
        (True, True, [ReferralKind.REFUGEE_COMMISSION, ReferralKind.PROSECUTOR]),
    ],
)
def test_kinds_needed(
    international_protection_need: bool, trafficking_suspected: bool, expected: list[ReferralKind]
) -> None:
    case = SimpleNamespace(
        international_protection_need=international_protection_need,
        trafficking_suspected=trafficking_suspected,
    )
    assert kinds_needed(case) == expected  # type: ignore[arg-type]


# the Mexican seed


@pytest.fixture(scope="module")
def mx_seed() -> list[ShelterIn]:
    return load_seed(MX_SEED)


def test_the_mexican_seed_is_found_by_country() -> None:
    assert seed_file_for("MX") == MX_SEED
    assert seed_file_for("mx") == MX_SEED
    assert seed_file_for("ZZ") is None


def test_the_mexican_seed_has_enough_shelters(mx_seed: list[ShelterIn]) -> None:
    assert len(mx_seed) >= 8
    assert all(isinstance(entry, ShelterIn) for entry in mx_seed)


def test_the_mexican_seed_mixes_age_groups_and_sexes(mx_seed: list[ShelterIn]) -> None:
    assert {group for s in mx_seed for group in s.age_groups} == set(AgeGroup)
    assert {sex for s in mx_seed for sex in s.sexes} == set(Sex)
    # some shelters take one age group or one sex only
    assert any(len(s.age_groups) == 1 for s in mx_seed)
    assert any(len(s.sexes) == 1 for s in mx_seed)
    for group in AgeGroup:
        for sex in (Sex.FEMALE, Sex.MALE):
            assert any(group in s.age_groups and sex in s.sexes for s in mx_seed), (group, sex)


def test_the_mexican_seed_has_a_specialised_shelter(mx_seed: list[ShelterIn]) -> None:
    specialised = [s for s in mx_seed if s.trafficking_specialised]
    assert specialised
    assert {group for s in specialised for group in s.age_groups} == set(AgeGroup)
    assert any(not s.trafficking_specialised for s in mx_seed)


def test_the_mexican_seed_is_in_mexico_with_small_capacities(mx_seed: list[ShelterIn]) -> None:
    for shelter in mx_seed:
        assert shelter.admin1.startswith("MX-"), shelter.name
        assert 1 <= shelter.capacity <= 6, shelter.name
        # roughly within Mexico's bounding box
        assert 14 <= shelter.latitude <= 33, shelter.name
        assert -118 <= shelter.longitude <= -86, shelter.name
    assert len({s.admin1 for s in mx_seed}) >= 3
    assert len({s.name for s in mx_seed}) == len(mx_seed)


def test_every_raw_seed_entry_validates() -> None:
    entries = tomllib.loads(MX_SEED.read_text())["shelter"]
    assert entries
    for entry in entries:
        ShelterIn.model_validate(entry)


def test_load_seed_of_a_file_without_shelters_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "shelters-xx.toml"
    path.write_text("# nothing yet\n")
    assert load_seed(path) == []


def test_load_seed_refuses_an_invalid_entry(tmp_path: Path) -> None:
    path = tmp_path / "shelters-xx.toml"
    path.write_text(
        "[[shelter]]\n"
        'name = "Albergue"\nauthority = "DIF"\nadmin1 = "MX-ZZZ"\n'
        "latitude = 14.9\nlongitude = -92.2\n"
        'age_groups = ["0-11"]\nsexes = ["female"]\ncapacity = 2\n'
    )
    with pytest.raises(ValueError, match="admin1"):
        load_seed(path)
