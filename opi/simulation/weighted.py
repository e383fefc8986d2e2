"""Weighted choices: the one building block of every distribution of the simulation."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# The published tables are rounded to whole percentages, so a table may sum to 0.999 or 1.001.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """A discrete distribution: each value with the probability it is drawn (they sum to 1)."""

    choices: tuple[tuple[T, float], ...]

    def __post_init__(self) -> None:
        if not self.choices:
            raise ValueError("a distribution needs at least one value")
        if any(weight < 0 for _, weight in self.choices):
            raise ValueError("weights cannot be negative")
        if not math.isclose(self.total, 1.0, abs_tol=TOLERANCE):
            raise ValueError(f"weights sum to {self.total}, not 1")

    @property
    def total(self) -> float:
        return math.fsum(weight for _, weight in self.choices)

    @property
    def values(self) -> tuple[T, ...]:
        return tuple(value for value, _ in self.choices)

    def probability(self, value: T) -> float:
        return math.fsum(weight for candidate, weight in self.choices if candidate == value)

    def pick(self, rng: random.Random) -> T:
        values, weights = zip(*self.choices, strict=True)
        return rng.choices(values, weights=weights)[0]


def weighted(table: Mapping[T, float]) -> Weighted[T]:
    """A distribution from a mapping of value to share."""
    return Weighted(tuple(table.items()))


def from_counts(table: Mapping[T, float]) -> Weighted[T]:
    """A distribution from counts or unnormalised shares (e.g. events in a bulletin)."""
    total = math.fsum(table.values())
    return Weighted(tuple((value, count / total) for value, count in table.items()))


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def lognormal_hours(rng: random.Random, median: float, sigma: float) -> float:
    """A delay whose median is ``median`` hours, with a long right tail (a few late cases)."""
    return rng.lognormvariate(math.log(median), sigma)


def some_of(rng: random.Random, values: Iterable[T], count: int) -> list[T]:
    pool = list(values)
    return rng.sample(pool, min(count, len(pool)))
