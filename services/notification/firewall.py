"""The firewall rule, free of I/O: protection data never reaches a consulate.

A consulate is told only of a foreign child with no open international-protection or
trafficking flag, and only what reception needs: names, date of birth or age, sex,
nationality, the responsible authority and its contact. Never flags, indicators, interview
notes or a shelter's address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from shared.contracts.protection_need import PendingReferral, open_need_reasons

# Words that must never appear as keys of a consular message (checked before every send).
FORBIDDEN_KEYS = frozenset(
    {
        "international_protection_need",
        "trafficking_suspected",
        "protection_flags",
        "trafficking_indicators",
        "violence_indicators",
        "health_needs",
        "interview_notes",
        "risk_level",
        "asylum_intent",
        "fear_of_return",
        "shelter",
        "shelter_id",
        "shelter_name",
        "address",
        "recommendations",
        "case_id",
    }
)


class CaseFacts(Protocol):
    given_names: str
    family_names: str
    sex: str
    age_years: int
    nationalities: list[str]
    returned_national: bool
    international_protection_need: bool
    trafficking_suspected: bool
    screening_sequence: int

    @property
    def date_of_birth(self) -> Any: ...


def consulate_country(case: CaseFacts, instance_country: str) -> str | None:
    """The consulate to tell: the first foreign nationality (intake lists the designated
    one first); none for a national of this country."""
    if case.returned_national or instance_country in case.nationalities:
        return None
    foreign = [code for code in case.nationalities if code != instance_country]
    return foreign[0] if foreign else None


def refusal(
    case: CaseFacts,
    instance_country: str,
    referrals: Iterable[PendingReferral],
    *,
    unresolved_events: int,
) -> str | None:
    """Why a consular notice may not be sent now, or None if it may. ``referrals`` are the
    case's protection referrals still pending: one keeps the consulate out, whatever the
    latest screening says; so does any event that could open a need and is not applied
    (``unresolved_events``)."""
    if consulate_country(case, instance_country) is None:
        return "the child is a national of this country: no consulate is involved"
    if case.screening_sequence == 0:
        return "the child has not been screened yet"
    reasons = open_need_reasons(
        international_protection_need=case.international_protection_need,
        trafficking_suspected=case.trafficking_suspected,
        referrals=referrals,
        unresolved_events=unresolved_events,
    )
    if reasons:
        return f"open protection need ({'; '.join(reasons)}): no contact with the consulate"
    return None


def consular_message(
    case: CaseFacts, *, notice_id: str, consulate: str, authority: dict[str, str], at: datetime
) -> dict[str, Any]:
    child: dict[str, Any] = {
        "given_names": case.given_names,
        "family_names": case.family_names,
        "sex": case.sex,
        "nationality": consulate,
    }
    if case.date_of_birth is not None:
        child["date_of_birth"] = case.date_of_birth.isoformat()
    else:
        child["age_years"] = case.age_years
    message = {
        "type": "consular-notification",
        "reference": notice_id,
        "sent_at": at.isoformat(),
        "child": child,
        "responsible_authority": authority,
    }
    assert_clean(message)
    return message


def assert_clean(message: Any, path: str = "") -> None:
    """Refuse to build a consular message that carries protection data (defence in depth)."""
    if isinstance(message, dict):
        for key, value in message.items():
            if key in FORBIDDEN_KEYS:
                raise ValueError(f"consular message must not carry {path}{key}")
            assert_clean(value, f"{path}{key}.")
    elif isinstance(message, list | tuple):
        for item in message:
            assert_clean(item, path)
