"""Small-cell protection: worked examples, and random tables attacked two ways.

The attack checks re-derive everything from the published table alone (they do not use
the library's own derivability test):

* **Interval (bounds) propagation** over the line equations, iterated to a fixpoint, with
  every suppressed entry an integer ≥ 0. It is *sound* — each step only drops values that
  no feasible table can take, so the true value always stays inside the interval — which
  makes it a valid check in one direction: an interval of width 0 proves the entry is
  disclosed. Width > 0 does not prove safety, because propagation looks at one line at a
  time and misses derivations that combine lines.
* **An explicit second table** for every suppressed entry: a table that agrees with every
  published number, satisfies every line, has all counts ≥ 0, and differs from the true
  table in that entry. Its existence *proves* the entry is not pinned to one value, so
  this is the sufficient check; the propagation check guards the witness construction.
"""

from __future__ import annotations

import random
from collections import deque

import pytest

from services.reporting.disclosure import ProtectedTable, protect

INF = float("inf")


# --- the published table as an attacker sees it -------------------------------------


def entries_and_lines(table: ProtectedTable, truth: dict) -> tuple[dict, dict, list]:
    """Published values (None if suppressed), true values, and the signed line equations."""
    published: dict = {("cell", key): value for key, value in table.cells.items()}
    published[("grand",)] = table.grand_total
    if not table.row_totals:  # 1-D: the cells sum to the grand total
        lines = [[*((("cell", key), 1) for key in table.cells), (("grand",), -1)]]
    else:
        published.update({("row", r): v for r, v in table.row_totals.items()})
        published.update({("col", c): v for c, v in table.column_totals.items()})
        rows, cols = list(table.row_totals), list(table.column_totals)
        lines = [[*((("cell", (r, c)), 1) for c in cols), (("row", r), -1)] for r in rows]
        lines += [[*((("cell", (r, c)), 1) for r in rows), (("col", c), -1)] for c in cols]
        lines.append([*((("row", r), 1) for r in rows), (("grand",), -1)])
        lines.append([*((("col", c), 1) for c in cols), (("grand",), -1)])
    actual = {("cell", key): truth.get(key, 0) for key in table.cells}
    for line in lines:
        total = line[-1][0]
        actual[total] = sum(actual[entry] for entry, _ in line[:-1])
    return published, actual, lines


def propagate_bounds(published: dict, lines: list) -> dict:
    """Sound interval for every suppressed entry: start from [0, inf), tighten each variable
    of each line from the bounds of the others (cell = total - other cells, total = sum of
    cells), and round inward to integers; repeat until nothing changes."""
    bounds = {e: ((v, v) if v is not None else (0, INF)) for e, v in published.items()}
    for _ in range(1000):
        changed = False
        for line in lines:
            for entry, sign in line:
                if published[entry] is not None:
                    continue
                # sign * x_entry = -sum(other signed terms)
                lo_sum = sum(
                    s * (bounds[e][0] if s > 0 else bounds[e][1]) for e, s in line if e != entry
                )
                hi_sum = sum(
                    s * (bounds[e][1] if s > 0 else bounds[e][0]) for e, s in line if e != entry
                )
                lo, hi = (-hi_sum, -lo_sum) if sign > 0 else (lo_sum, hi_sum)
                old_lo, old_hi = bounds[entry]
                new = (max(old_lo, lo), min(old_hi, hi))
                if new != bounds[entry]:
                    bounds[entry] = new
                    changed = True
        if not changed:
            return bounds
    raise AssertionError("bounds propagation did not reach a fixpoint")


def second_table(entry, published: dict, actual: dict, lines: list) -> dict | None:
    """A feasible table differing from the truth in ``entry``, or None if none is found.

    2-D: rows and columns (totals included) are nodes, suppressed entries are edges, and the
    totals enter with sign -1 so every node's signed sum is 0. A cycle through ``entry``
    gives a change of ±1 alternating around it that keeps every line sum; try both
    directions. 1-D: pair ``entry`` with another suppressed entry of the only line."""
    hidden = [e for e, v in published.items() if v is None]
    if len(lines) == 1:
        cycles = [[entry, other] for other in hidden if other != entry]
    else:
        cycles = [c for c in [cycle_through(entry, hidden)] if c]
    for cycle in cycles:
        for direction in (1, -1):
            candidate = dict(actual)
            for i, edge in enumerate(cycle):
                candidate[edge] += direction * (-1) ** i * sign_of(edge, one_d=len(lines) == 1)
            if candidate[entry] != actual[entry] and feasible(candidate, published, lines):
                return candidate
    return None


def sign_of(entry, one_d: bool) -> int:
    """x = sign * y: in y-space every node (line) of the table sums to 0."""
    if entry[0] == "cell":
        return 1
    if entry[0] == "grand":
        return -1 if one_d else 1
    return -1


def endpoints(entry) -> tuple:
    kind = entry[0]
    if kind == "cell":
        return ("R", entry[1][0]), ("C", entry[1][1])
    if kind == "row":
        return ("R", entry[1]), ("C", None)
    if kind == "col":
        return ("R", None), ("C", entry[1])
    return ("R", None), ("C", None)


def cycle_through(entry, hidden: list) -> list | None:
    """Edges of a cycle containing ``entry`` (a path between its ends avoiding it), in order."""
    start, goal = endpoints(entry)
    adjacent: dict = {}
    for edge in hidden:
        if edge != entry:
            a, b = endpoints(edge)
            adjacent.setdefault(a, []).append((b, edge))
            adjacent.setdefault(b, []).append((a, edge))
    came_from: dict = {goal: None}
    queue = deque([goal])
    while queue:
        node = queue.popleft()
        for nxt, edge in adjacent.get(node, []):
            if nxt not in came_from:
                came_from[nxt] = (node, edge)
                queue.append(nxt)
    if start not in came_from:
        return None
    path, node = [entry], start
    while came_from[node] is not None:
        node, edge = came_from[node]
        path.append(edge)
    return path


def feasible(candidate: dict, published: dict, lines: list) -> bool:
    return (
        all(v >= 0 for v in candidate.values())
        and all(candidate[e] == v for e, v in published.items() if v is not None)
        and all(sum(s * candidate[e] for e, s in line) == 0 for line in lines)
    )


def assert_safe(table: ProtectedTable, truth: dict, k: int) -> None:
    published, actual, lines = entries_and_lines(table, truth)
    for entry, value in published.items():
        if value is not None:
            assert value == actual[entry], f"{entry} published wrongly"
            assert value == 0 or value >= k, f"{entry} = {value} is a small count"
    bounds = propagate_bounds(published, lines)
    for entry, value in published.items():
        if value is None:
            lo, hi = bounds[entry]
            assert lo <= actual[entry] <= hi, "propagation is unsound"
            assert lo < hi, f"{entry} pinned to {lo} by propagation"
            assert second_table(entry, published, actual, lines), f"{entry} is derivable"


# --- random tables ------------------------------------------------------------------


def random_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.2:
        return 0
    if roll < 0.55:
        return rng.randint(1, 9)
    return rng.randint(10, 60)


@pytest.mark.parametrize("seed", range(3))
def test_random_two_dimensional_tables_are_safe(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        k = rng.choice([3, 5, 10])
        rows, cols = rng.randint(1, 6), rng.randint(1, 5)
        truth = {(f"r{r}", f"c{c}"): random_count(rng) for r in range(rows) for c in range(cols)}
        table = protect(truth, k=k)
        assert set(table.cells) == set(truth)
        assert_safe(table, truth, k)


def test_random_one_dimensional_tables_are_safe() -> None:
    rng = random.Random(42)
    for _ in range(300):
        k = rng.choice([3, 5, 10])
        truth = {(f"v{i}",): random_count(rng) for i in range(rng.randint(1, 8))}
        table = protect(truth, k=k)
        assert table.row_totals == {} and table.column_totals == {}
        assert_safe(table, truth, k)


def test_random_tables_with_missing_combinations_count_them_as_zero() -> None:
    rng = random.Random(7)
    for _ in range(50):
        truth = {
            (f"r{r}", f"c{c}"): random_count(rng)
            for r in range(4)
            for c in range(4)
            if rng.random() < 0.7
        }
        if not truth:
            continue
        table = protect(truth)
        assert_safe(table, truth, 10)


# --- worked examples ----------------------------------------------------------------


def test_two_by_two_with_one_small_cell_suppresses_four_cells() -> None:
    truth = {("GT", "female"): 12, ("GT", "male"): 3, ("HN", "female"): 20, ("HN", "male"): 25}
    table = protect(truth, dimensions=("country", "sex"))
    assert table.cells == dict.fromkeys(truth)
    assert table.row_totals == {"GT": 15, "HN": 45}
    assert table.column_totals == {"female": 32, "male": 28}
    assert table.grand_total == 60
    assert (table.suppressed_cells, table.suppressed_totals) == (4, 0)
    assert table.dimensions == ("country", "sex")


def test_row_of_large_cells_suppresses_nothing() -> None:
    truth = {("GT", "0-5"): 10, ("GT", "6-11"): 24, ("GT", "12-17"): 31}
    table = protect(truth)
    assert table.cells == truth
    assert table.row_totals == {"GT": 65}
    assert table.column_totals == {"0-5": 10, "6-11": 24, "12-17": 31}
    assert table.grand_total == 65 and table.suppressed == 0


def test_one_dimensional_small_cell_gets_a_second_suppression() -> None:
    truth = {("GT",): 40, ("HN",): 4, ("SV",): 15, ("NI",): 0}
    table = protect(truth)
    assert table.cells == {("GT",): 40, ("HN",): None, ("SV",): None, ("NI",): 0}
    assert table.grand_total == 59


def test_zero_cells_are_published() -> None:
    table = protect({("GT", "f"): 0, ("GT", "m"): 12, ("HN", "f"): 0, ("HN", "m"): 30})
    assert table.suppressed == 0 and table.cells[("GT", "f")] == 0


def test_small_total_is_suppressed_with_its_cells() -> None:
    table = protect({("GT",): 2, ("HN",): 3})
    assert table.cells == {("GT",): None, ("HN",): None} and table.grand_total is None


def test_bridge_between_two_suppression_cycles_is_closed() -> None:
    # Rows a,b x columns x,y and rows c,d x columns z,w are two blocks of small cells; one
    # more small cell (a, z) joins them. Every line then holds two suppressions, yet
    # (a, z) = (row a + row b - column x - column y) of the published margins.
    big = 50
    rows, cols = "abcd", "xyzw"
    truth = {(r, c): big for r in rows for c in cols}
    for key in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y"), ("a", "z")]:
        truth[key] = 2
    for key in [("c", "z"), ("c", "w"), ("d", "z"), ("d", "w")]:
        truth[key] = 3
    table = protect(truth)
    assert table.cells[("a", "z")] is None
    assert_safe(table, truth, 10)


@pytest.mark.parametrize(
    "counts",
    [{}, {("a",): -1}, {("a",): 1.5}, {("a", "b", "c"): 1}, {("a",): 1, ("a", "b"): 2}],
)
def test_invalid_tables_are_rejected(counts: dict) -> None:
    with pytest.raises(ValueError):
        protect(counts)


def test_invalid_k_is_rejected() -> None:
    with pytest.raises(ValueError):
        protect({("a",): 1}, k=0)
