"""Small-cell protection attacked by an exact linear-programming solver.

For every suppressed entry of a protected table, an attacker who knows the published
numbers, the line equations (cells sum to their totals) and that counts are ≥ 0 can at best
narrow the entry to the interval [min, max] of a linear programme. This file computes that
interval exactly, with its own two-phase simplex over ``Fraction`` (Bland's rule, so it
cannot cycle on these very degenerate programmes), independently of ``disclosure.py``.

``min < max`` proves the entry is not pinned. The line equations of a 1-D or 2-D table form
a totally unimodular system (each entry lies on exactly two lines, which split into a "row"
and a "column" side), so the optimal vertices are integral: the tests check that too, and
then the entry has at least two feasible *integer* values, which is what an attacker faces.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from services.reporting.disclosure import ProtectedTable, protect

INFINITY = float("inf")


# --- an exact simplex -----------------------------------------------------------------


def _pivot(rows: list[list[Fraction]], basis: list[int], r: int, c: int) -> None:
    pivot = rows[r][c]
    rows[r] = [x / pivot for x in rows[r]]
    for i, row in enumerate(rows):
        if i != r and row[c] != 0:
            factor = row[c]
            rows[i] = [a - factor * b for a, b in zip(row, rows[r], strict=True)]
    basis[r] = c


def _maximise(rows: list[list[Fraction]], basis: list[int], cost: list[Fraction]) -> Fraction:
    """Maximise ``cost · x`` from a feasible canonical tableau (last column: right-hand
    side); returns the optimum, or infinity if the programme is unbounded."""
    width = len(cost)
    while True:
        reduced = [
            cost[j] - sum(cost[basis[i]] * row[j] for i, row in enumerate(rows))
            for j in range(width)
        ]
        entering = next((j for j in range(width) if reduced[j] > 0), None)
        if entering is None:
            return sum(cost[basis[i]] * row[-1] for i, row in enumerate(rows))
        ratios = [
            (row[-1] / row[entering], basis[i], i)
            for i, row in enumerate(rows)
            if row[entering] > 0
        ]
        if not ratios:
            return INFINITY  # type: ignore[return-value]
        _pivot(rows, basis, min(ratios)[2], entering)


def feasible_tableau(matrix: list[list[int]], rhs: list[int]) -> tuple[list, list[int]]:
    """Phase 1: a canonical tableau of ``matrix · x = rhs, x ≥ 0`` with redundant
    equations dropped."""
    n = len(matrix[0])
    rows, basis = [], []
    for i, (coefficients, b) in enumerate(zip(matrix, rhs, strict=True)):
        sign = -1 if b < 0 else 1
        artificial = [Fraction(int(j == i)) for j in range(len(matrix))]
        rows.append([Fraction(sign * a) for a in coefficients] + artificial + [Fraction(sign * b)])
        basis.append(n + i)
    cost = [Fraction(0)] * n + [Fraction(-1)] * len(matrix)
    assert _maximise(rows, basis, cost) == 0, "the true table must be feasible"
    for r in reversed(range(len(rows))):  # drive artificial variables out of the basis
        if basis[r] >= n:
            column = next((j for j in range(n) if rows[r][j] != 0), None)
            if column is None:
                del rows[r], basis[r]  # a redundant equation
            else:
                _pivot(rows, basis, r, column)
    return [row[:n] + row[-1:] for row in rows], basis


def variable_range(rows: list, basis: list[int], variable: int) -> tuple[Fraction, Fraction]:
    n = len(rows[0]) - 1
    unit = [Fraction(int(j == variable)) for j in range(n)]
    high = _maximise([r[:] for r in rows], basis[:], unit)
    low = -_maximise([r[:] for r in rows], basis[:], [-x for x in unit])
    return low, high


# --- the attacker's view of a protected table ---------------------------------------


def lines_of(table: ProtectedTable) -> list[list[tuple[tuple, int]]]:
    """Each line as (entry, sign) with signed sum 0: cells +1, the line's total -1."""
    if not table.row_totals:
        return [[*((("cell", key), 1) for key in table.cells), (("grand",), -1)]]
    rows, cols = list(table.row_totals), list(table.column_totals)
    lines = [[*((("cell", (r, c)), 1) for c in cols), (("row", r), -1)] for r in rows]
    lines += [[*((("cell", (r, c)), 1) for r in rows), (("col", c), -1)] for c in cols]
    lines.append([*((("row", r), 1) for r in rows), (("grand",), -1)])
    lines.append([*((("col", c), 1) for c in cols), (("grand",), -1)])
    return lines


def published_entries(table: ProtectedTable) -> dict[tuple, int | None]:
    entries: dict[tuple, int | None] = {("cell", key): v for key, v in table.cells.items()}
    entries.update({("row", r): v for r, v in table.row_totals.items()})
    entries.update({("col", c): v for c, v in table.column_totals.items()})
    entries[("grand",)] = table.grand_total
    return entries


def suppressed_ranges(table: ProtectedTable) -> dict[tuple, tuple[Fraction, Fraction]]:
    """The exact [min, max] an attacker can infer for every suppressed entry."""
    published = published_entries(table)
    hidden = [entry for entry, value in published.items() if value is None]
    if not hidden:
        return {}
    column = {entry: j for j, entry in enumerate(hidden)}
    matrix, rhs = [], []
    for line in lines_of(table):
        coefficients = [0] * len(hidden)
        constant = 0
        for entry, sign in line:
            if entry in column:
                coefficients[column[entry]] += sign
            else:
                constant += sign * published[entry]
        if any(coefficients):
            matrix.append(coefficients)
            rhs.append(-constant)
    rows, basis = feasible_tableau(matrix, rhs)
    return {entry: variable_range(rows, basis, column[entry]) for entry in hidden}


def true_values(table: ProtectedTable, truth: dict) -> dict[tuple, int]:
    cells = {key: truth.get(key, 0) for key in table.cells}
    values = {("cell", key): v for key, v in cells.items()}
    values.update(
        {("row", r): sum(v for k, v in cells.items() if k[0] == r) for r in table.row_totals}
    )
    values.update(
        {("col", c): sum(v for k, v in cells.items() if k[1] == c) for c in table.column_totals}
    )
    values[("grand",)] = sum(cells.values())
    return values


def assert_protected(table: ProtectedTable, truth: dict, k: int) -> None:
    actual = true_values(table, truth)
    for entry, value in published_entries(table).items():
        if value is not None:
            assert value == actual[entry], f"{entry} published wrongly"
            assert not 1 <= value <= k - 1, f"{entry} = {value} is a small count (k={k})"
    for entry, (low, high) in suppressed_ranges(table).items():
        assert low <= actual[entry] <= high, f"{entry}: the solver excludes the true value"
        assert low < high, f"{entry} is derivable: pinned to {low}"
        assert low.denominator == 1 and (high == INFINITY or high.denominator == 1)


# --- the solver itself ----------------------------------------------------------------


def _table(cells: dict, rows: dict, cols: dict, grand: int | None) -> ProtectedTable:
    return ProtectedTable(("a", "b"), 10, cells, rows, cols, grand)


def test_solver_finds_a_cell_given_away_by_its_row() -> None:
    # only the small cell suppressed: its row total minus the other cell gives it away
    cells = {("GT", "f"): 12, ("GT", "m"): None, ("HN", "f"): 20, ("HN", "m"): 25}
    table = _table(cells, {"GT": 15, "HN": 45}, {"f": 32, "m": 28}, 60)
    assert suppressed_ranges(table) == {("cell", ("GT", "m")): (3, 3)}


def test_solver_gives_the_exact_range_of_a_suppressed_square() -> None:
    cells = dict.fromkeys([("GT", "f"), ("GT", "m"), ("HN", "f"), ("HN", "m")])
    table = _table(cells, {"GT": 15, "HN": 45}, {"f": 32, "m": 28}, 60)
    ranges = suppressed_ranges(table)
    assert ranges[("cell", ("GT", "m"))] == (0, 15)
    assert ranges[("cell", ("HN", "f"))] == (17, 32)


def test_solver_sees_an_unbounded_entry() -> None:
    table = ProtectedTable(("a",), 10, {("x",): None, ("y",): None}, {}, {}, None)
    assert suppressed_ranges(table)[("grand",)] == (0, INFINITY)


# --- random tables --------------------------------------------------------------------


def random_count(rng: random.Random, k: int) -> int:
    roll = rng.random()
    if roll < 0.2:
        return 0
    return rng.randint(1, k - 1) if roll < 0.55 else rng.randint(k, 6 * k)


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_random_one_dimensional_tables_cannot_be_attacked(k: int) -> None:
    for seed in range(150):
        rng = random.Random(seed * 31 + k)
        truth = {(f"v{i}",): random_count(rng, k) for i in range(rng.randint(1, 8))}
        assert_protected(protect(truth, k=k), truth, k)


@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_random_two_dimensional_tables_cannot_be_attacked(k: int) -> None:
    for seed in range(200):
        rng = random.Random(seed * 37 + k)
        rows, cols = rng.randint(1, 4), rng.randint(1, 4)
        truth = {(f"r{r}", f"c{c}"): random_count(rng, k) for r in range(rows) for c in range(cols)}
        assert_protected(protect(truth, k=k), truth, k)


def test_primary_suppression_alone_is_attacked_successfully() -> None:
    # the attacker is real: without secondary suppression, most tables with a small cell leak
    rng, leaking, with_small = random.Random(5), 0, 0
    for _ in range(100):
        truth = {(f"r{r}", f"c{c}"): random_count(rng, 10) for r in range(3) for c in range(3)}
        full = protect(truth, k=10)
        primary = {key: None if 0 < truth[key] < 10 else truth[key] for key in full.cells}
        table = ProtectedTable(
            full.dimensions, 10, primary, full.row_totals, full.column_totals, full.grand_total
        )
        if any(value is None for value in primary.values()):
            with_small += 1
            actual = true_values(table, truth)
            ranges = suppressed_ranges(table).items()
            leaking += any(low == high == actual[entry] for entry, (low, high) in ranges)
    assert with_small > 50 and leaking > with_small // 2
