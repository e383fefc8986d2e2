"""The national statistics computed straight from the simulator's ground truth, by plain
Python over the generated cases: what the reporting service must answer."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from opi.simulation.truth import CaseTruth


def _name(text: str) -> str:
    letters = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in letters if not unicodedata.combining(c)).casefold().split())


def _child(case: CaseTruth) -> tuple:
    return (
        _name(case.given_names),
        _name(case.family_names),
        case.date_of_birth,
        case.nationality,
        case.sex,
    )


def _period(day: date, period: str | None) -> str | None:
    if period == "day":
        return day.isoformat()
    if period == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if period == "month":
        return day.replace(day=1).isoformat()
    return None


def _dimension(case: CaseTruth, name: str) -> str:
    value = getattr(case, name)
    return getattr(value, "value", value)


def registrations(cases: list[CaseTruth], group_by: list[str], period: str | None) -> list[dict]:
    events: Counter[tuple] = Counter()
    children: dict[tuple, set] = {}
    for case in cases:
        key = (
            _period(case.registered_at.date(), period) if period else None,
            *tuple(_dimension(case, name) for name in group_by),
        )
        events[key] += 1
        children.setdefault(key, set()).add(_child(case))
    rows = []
    for key in sorted(events):
        labels = (["period"] if period else []) + group_by
        values = list(key[1:]) if not period else list(key)
        rows.append(
            {
                **dict(zip(labels, values, strict=True)),
                "events": events[key],
                "children": len(children[key]),
            }
        )
    return rows


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def indicators(cases: list[CaseTruth], now: datetime) -> dict[str, Any]:
    delays = []
    for case in cases:
        delivered = [c.sent_at for c in case.consular if c.outcome.value == "delivered"]
        if delivered:
            delays.append((min(delivered) - case.registered_at).total_seconds())
    latest = [max(c.screenings, key=lambda s: s.sequence) for c in cases if c.screenings]
    first_screened = {
        c.case_id: min(s.screened_at for s in c.screenings) for c in cases if c.screenings
    }
    due = [
        c
        for c in cases
        if c.case_id in first_screened or c.registered_at <= now - timedelta(hours=24)
    ]
    within = [
        c
        for c in cases
        if c.case_id in first_screened
        and first_screened[c.case_id] - c.registered_at <= timedelta(hours=24)
    ]
    referrals: dict[tuple[str, str], set] = {}
    for case in cases:
        for referral in case.referrals:
            referrals.setdefault((referral.kind.value, referral.authority), set()).add(case.case_id)
    alerts = Counter(a.kind.value for c in cases for a in c.alerts if a.closed_at is None)
    outcomes: dict[str, set] = {}
    for case in cases:
        for placement in case.placements:
            if placement.release_reason is not None:
                outcomes.setdefault(placement.release_reason.value, set()).add(case.case_id)
    return {
        "registrations": {"events": len(cases), "children": len({_child(c) for c in cases})},
        "screening": {
            "due": len(due),
            "screened": len(first_screened),
            "within_24h": len(within),
        },
        "consular_notification": {
            "notified": len(delays),
            "median_hours": _hours(_quantile(delays, 0.5)),
            "p90_hours": _hours(_quantile(delays, 0.9)),
        },
        "protection": {
            "international_protection_need": sum(s.international_protection_need for s in latest),
            "trafficking_suspected": sum(s.trafficking_suspected for s in latest),
            "referrals": [
                {"kind": kind, "authority": authority, "children": len(ids)}
                for (kind, authority), ids in sorted(referrals.items())
            ],
        },
        "placements": {
            "pending": sum(
                c.pending_since is not None
                and not any(p.assigned_at >= c.pending_since for p in c.placements)
                for c in cases
            ),
            "in_shelter": sum(any(p.released_at is None for p in c.placements) for c in cases),
        },
        "open_alerts": dict(alerts),
        "outcomes": {reason: len(ids) for reason, ids in outcomes.items()},
        "occupied": Counter(
            str(p.shelter_id) for c in cases for p in c.placements if p.released_at is None
        ),
    }


def assert_indicators_match(answer: dict[str, Any], expected: dict[str, Any]) -> None:
    for section in ("registrations", "consular_notification", "protection", "placements"):
        assert answer[section] == expected[section], section
    screening = {k: answer["screening"][k] for k in ("due", "screened", "within_24h")}
    assert screening == expected["screening"]
    assert {k: v for k, v in answer["alerts"]["by_kind"].items() if v} == expected["open_alerts"]
    assert {k: v for k, v in answer["outcomes"].items() if v} == expected["outcomes"]
    occupied = {s["shelter_id"]: s["occupied"] for s in answer["shelters"] if s["occupied"]}
    assert occupied == dict(expected["occupied"])
