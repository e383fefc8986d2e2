"""The firewall rule, free of I/O: which consulate (if any) a child has, when a consular notice
is refused, and that a consular message carries only what reception needs, never protection
data. Every combination of flags, screening and nationality is checked against the rule."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.notification.firewall import (
    FORBIDDEN_KEYS,
    CaseFacts,
    assert_clean,
    consular_message,
    consulate_country,
    refusal,
)
from shared.contracts.protection_need import PendingReferral, open_need_reasons

INSTANCE = "MX"
LEAK = "LEAK-7f3a"  # planted in every protection field of the case: must never go out
AT = datetime(2024, 6, 1, 12, 30, tzinfo=UTC)
AUTHORITY = {"name": "Procuraduría de Protección", "contact": "+52 55 5555 0000"}


@dataclass
class Case:
    """A case as the notification service holds it, protection data included."""

    given_names: str = "Niña"
    family_names: str = "Prueba López"
    sex: str = "female"
    age_years: int = 15
    nationalities: list[str] = field(default_factory=lambda: ["GT"])
    returned_national: bool = False
    international_protection_need: bool = False
    trafficking_suspected: bool = False
    screening_sequence: int = 1
    date_of_birth: date | None = None
    interview_notes: str = LEAK
    trafficking_indicators: list[str] = field(default_factory=lambda: [LEAK])
    shelter_name: str = LEAK
    case_id: str = LEAK


def facts(**changes: Any) -> CaseFacts:
    return Case(**changes)


# (nationalities, returned national, the consulate to tell in a MX instance)
NATIONALITIES: list[tuple[list[str], bool, str | None]] = [
    (["GT"], False, "GT"),  # foreign
    (["HN", "GT"], False, "HN"),  # dual foreign: the designated one, listed first
    (["MX"], False, None),  # national
    (["GT", "MX"], False, None),  # dual, one of them this country's: national
    (["MX", "GT"], False, None),
    (["MX", "US"], True, None),  # a returned national
    (["GT"], True, None),  # intake said returned national: never a consulate
]
FLAGS = list(itertools.product([False, True], repeat=2))  # (protection need, trafficking)
SCREENINGS = [0, 1, 2]  # 0: not screened yet
REASONS = {
    "national": "national of this country",
    "unscreened": "not been screened",
    "protection": "international protection",
    "trafficking": "trafficking",
}


def walk_keys(value: Any) -> set[str]:
    """Every key of every dict nested in ``value`` (through lists and tuples)."""
    if isinstance(value, dict):
        return set(value).union(*(walk_keys(item) for item in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(walk_keys(item) for item in value))
    return set()


@pytest.mark.parametrize(("nationalities", "returned", "consulate"), NATIONALITIES)
@pytest.mark.parametrize(("protection", "trafficking"), FLAGS)
@pytest.mark.parametrize("screening_sequence", SCREENINGS)
def test_refusal_and_consulate_follow_the_rule(
    nationalities: list[str],
    returned: bool,
    consulate: str | None,
    protection: bool,
    trafficking: bool,
    screening_sequence: int,
) -> None:
    case = facts(
        nationalities=nationalities,
        returned_national=returned,
        international_protection_need=protection,
        trafficking_suspected=trafficking,
        screening_sequence=screening_sequence,
    )
    assert consulate_country(case, INSTANCE) == consulate
    applies = {
        "national": consulate is None,
        "unscreened": screening_sequence == 0,
        "protection": protection,
        "trafficking": trafficking,
    }
    why = refusal(case, INSTANCE, (), unresolved_events=0)
    if not any(applies.values()):
        assert why is None
        return
    assert why is not None, "a consular notice must be refused"
    assert any(REASONS[name] in why for name, holds in applies.items() if holds), why
    assert not any(REASONS[name] in why for name, holds in applies.items() if not holds), why


@pytest.mark.parametrize(
    ("instance", "nationalities", "consulate"),
    [
        ("GT", ["GT", "MX"], None),
        ("GT", ["MX", "GT"], None),
        ("GT", ["MX"], "MX"),
        ("GT", ["SV", "HN"], "SV"),
        ("HN", ["HN"], None),
    ],
)
def test_national_is_relative_to_the_instance(
    instance: str, nationalities: list[str], consulate: str | None
) -> None:
    case = facts(nationalities=nationalities)
    assert consulate_country(case, instance) == consulate
    assert (refusal(case, instance, (), unresolved_events=0) is None) == (consulate is not None)


def test_a_flag_raised_on_a_rescreening_refuses_again() -> None:
    case = Case(screening_sequence=1)
    assert refusal(case, INSTANCE, (), unresolved_events=0) is None
    case.screening_sequence, case.trafficking_suspected = 2, True
    assert refusal(case, INSTANCE, (), unresolved_events=0) is not None
    case.screening_sequence, case.trafficking_suspected = 3, False
    case.international_protection_need = True
    assert refusal(case, INSTANCE, (), unresolved_events=0) is not None


CHILD_WITH_BIRTH = {"given_names", "family_names", "sex", "nationality", "date_of_birth"}
CHILD_WITH_AGE = {"given_names", "family_names", "sex", "nationality", "age_years"}
TOP_KEYS = {"type", "reference", "sent_at", "child", "responsible_authority"}


def _message(case: CaseFacts, consulate: str = "GT") -> dict[str, Any]:
    return consular_message(
        case, notice_id="notice-0001", consulate=consulate, authority=dict(AUTHORITY), at=AT
    )


@pytest.mark.parametrize("birth", [date(2009, 3, 14), None])
def test_consular_message_carries_exactly_what_reception_needs(birth: date | None) -> None:
    message = _message(facts(date_of_birth=birth))
    assert set(message) == TOP_KEYS
    assert message["type"] == "consular-notification"
    assert message["reference"] == "notice-0001"
    assert message["sent_at"] == AT.isoformat()
    assert message["responsible_authority"] == AUTHORITY
    child = message["child"]
    assert set(child) == (CHILD_WITH_BIRTH if birth else CHILD_WITH_AGE)
    assert child["given_names"] == "Niña" and child["family_names"] == "Prueba López"
    assert child["sex"] == "female" and child["nationality"] == "GT"
    if birth:
        assert child["date_of_birth"] == "2009-03-14"
    else:
        assert child["age_years"] == 15


@pytest.mark.parametrize(("protection", "trafficking"), FLAGS)
@pytest.mark.parametrize("birth", [date(2009, 3, 14), None])
def test_consular_message_never_carries_protection_data(
    protection: bool, trafficking: bool, birth: date | None
) -> None:
    case = facts(
        date_of_birth=birth,
        international_protection_need=protection,
        trafficking_suspected=trafficking,
    )
    message = _message(case)
    assert not walk_keys(message) & FORBIDDEN_KEYS
    assert walk_keys(message) <= TOP_KEYS | CHILD_WITH_BIRTH | CHILD_WITH_AGE | set(AUTHORITY)
    text = json.dumps(message, ensure_ascii=False)  # serialisable, and no planted data
    assert LEAK not in text


def test_dual_nationality_reveals_only_the_consulate_s_own() -> None:
    message = _message(facts(nationalities=["HN", "GT"]), consulate="HN")
    assert message["child"]["nationality"] == "HN"
    assert "GT" not in json.dumps(message)


@pytest.mark.parametrize("key", sorted(FORBIDDEN_KEYS))
def test_consular_message_refuses_an_authority_carrying_a_forbidden_key(key: str) -> None:
    with pytest.raises(ValueError, match=key):
        consular_message(
            facts(), notice_id="n", consulate="GT", authority={**AUTHORITY, key: "x"}, at=AT
        )


def _nestings(key: str) -> list[tuple[Any, str]]:
    """``key`` planted at several depths, with the path the error should name."""
    return [
        ({key: "x"}, key),
        ({"child": {key: 1}}, f"child.{key}"),
        ({"child": {"extra": {key: None}}}, f"child.extra.{key}"),
        ({"items": [{"ok": 1}, {key: []}]}, key),
        ({"items": [[{"deep": {key: {}}}]]}, key),
        ([{"a": {"b": [{key: "x"}]}}], key),
    ]


@pytest.mark.parametrize(
    ("message", "named"),
    [case for key in sorted(FORBIDDEN_KEYS) for case in _nestings(key)],
)
def test_assert_clean_raises_on_a_forbidden_key_at_any_depth(message: Any, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        assert_clean(message)


@pytest.mark.parametrize(
    "message",
    [
        {},
        [],
        "shelter",
        {"note": "shelter", "child": {"given_names": "case_id"}},  # values are not keys
        {"child": {"given_names": "A"}, "list": [1, "x", {"sex": "male"}, [None]]},
    ],
)
def test_assert_clean_accepts_clean_messages(message: Any) -> None:
    assert_clean(message)  # does not raise


def test_assert_clean_walks_tuples_too() -> None:
    with pytest.raises(ValueError):
        assert_clean({"items": ({"shelter_id": "x"},)})


@pytest.mark.parametrize("kind", ["refugee_commission", "prosecutor"])
@pytest.mark.parametrize(
    ("status", "open_"),
    [("sent", True), ("acknowledged", True), ("declined", False), ("concluded", False)],
)
def test_a_pending_referral_refuses_even_after_a_clean_rescreening(
    kind: str, status: str, open_: bool
) -> None:
    case = Case(screening_sequence=2)  # re-screened with no flag
    pending = [PendingReferral(kind, "COMAR", status)]
    why = refusal(case, INSTANCE, pending, unresolved_events=0)
    assert (why is not None) == open_
    if open_:
        assert "COMAR" in why and status in why


def test_the_open_need_lists_every_reason() -> None:
    reasons = open_need_reasons(
        international_protection_need=True,
        trafficking_suspected=True,
        referrals=[PendingReferral("prosecutor", "FGR", "sent")],
        unresolved_events=2,
    )
    assert len(reasons) == 4
    assert not open_need_reasons(international_protection_need=False, trafficking_suspected=False)


def test_an_unapplied_event_that_could_open_a_need_refuses() -> None:
    case = Case(screening_sequence=2)
    why = refusal(case, INSTANCE, (), unresolved_events=1)
    assert why is not None and "open protection need" in why
