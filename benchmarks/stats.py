"""Small statistics: nearest-rank percentiles, rates and ratios that tolerate missing data."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile of ``values`` (need not be sorted); ``rank`` in (0, 100]."""
    ordered = sorted(values)
    index = max(0, math.ceil(rank / 100 * len(ordered)) - 1)
    return ordered[index]


def latency_ms(seconds: Sequence[float]) -> dict[str, float | None]:
    if not seconds:
        return {"p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    ordered = sorted(seconds)
    return {
        "p50": percentile(ordered, 50) * 1000,
        "p90": percentile(ordered, 90) * 1000,
        "p99": percentile(ordered, 99) * 1000,
        "max": ordered[-1] * 1000,
        "mean": sum(ordered) / len(ordered) * 1000,
    }


def per_second(count: int, seconds: float) -> float | None:
    return count / seconds if count and seconds > 0 else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator
