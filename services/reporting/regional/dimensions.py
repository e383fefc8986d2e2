"""The breakdowns a regional table can have, and the calendar buckets of the period."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Final

PERIOD: Final = "period"
# Breakdowns of the official statistics; place (admin1) is deliberately not offered, as
# sub-national cells across the region would be small almost everywhere.
ATTRIBUTES: Final = ("country", "nationality", "sex", "age_group", "accompaniment")
DIMENSIONS: Final = (PERIOD, *ATTRIBUTES)
MAX_DIMENSIONS: Final = 2
UNKNOWN: Final = "unknown"  # the value of an attribute no record of the case carried


class Period(StrEnum):
    """Regional figures are by calendar month only: with days or weeks, or ranges that
    split a month, two overlapping tables could be subtracted to reveal a small count."""

    MONTH = "month"


def bucket(day: date, period: Period) -> date:
    """The first day of ``day``'s bucket."""
    return day.replace(day=1)


def whole_months(start: date | None, end: date | None) -> tuple[date | None, date | None]:
    """A date range widened to whole calendar months (the first of the first month, the
    last day of the last)."""
    first = start.replace(day=1) if start is not None else None
    if end is None:
        return first, None
    next_month = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, next_month - timedelta(days=1)


def parse_group_by(group_by: str | None, period: Period | None) -> tuple[str, ...]:
    """The dimensions of a table from ``group_by`` (comma-separated) and ``period``: asking
    for a period adds the period dimension first. Raises ``ValueError`` with the reason."""
    names = [name.strip() for name in (group_by or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension(s) {', '.join(unknown)}; use {', '.join(DIMENSIONS)}")
    if len(set(names)) != len(names):
        raise ValueError("a dimension is named twice")
    if period is not None and PERIOD not in names:
        names.insert(0, PERIOD)
    if not names:
        names = ["country"]
    if len(names) > MAX_DIMENSIONS:
        raise ValueError(
            f"at most {MAX_DIMENSIONS} dimensions (the period counts as one), got {len(names)}"
        )
    return tuple(names)
