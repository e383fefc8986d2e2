"""Small-cell protection (statistical disclosure control) for published count tables.

The reporting service publishes counts of children by region, sex, age group and so on.
A count of 1, 2 or 3 children in a small region can identify a child, so before a table
leaves the platform every cell and every marginal total is either published exactly or
suppressed (``None``). Nothing is rounded or perturbed: what is published is true.

The method (threshold rule plus secondary suppression):

1. **The table is a set of linear constraints.** A 2-D table with rows ``r`` and columns
   ``c`` is published together with its row totals, column totals and grand total. Each of
   these numbers is an *entry*; each row, each column, the column of row totals and the row
   of column totals is a *line* whose cells sum to its total. A 1-D table has one line: the
   cells sum to the grand total. An attacker knows every published entry, every line
   equation, and that every count is an integer ≥ 0.
2. **Primary suppression.** Every entry (cell *or* total) with ``1 <= count <= k - 1`` is
   suppressed. Zeros are published: in this domain "no children of that group in that
   region" is not disclosive about any child, and suppressing structural zeros would only
   destroy information (a published 0 also never helps to derive a suppressed value,
   since the attacker already knows counts are ≥ 0).
3. **Secondary suppression, line rule.** A line with exactly one suppressed entry gives it
   away (total minus the other cells). Such a line gets a second suppression: its smallest
   non-zero published entry, to lose as little information as possible. Repeated until no
   line has exactly one suppressed entry, since each new suppression can create such a
   line elsewhere.
4. **Secondary suppression, exact check.** The line rule is not enough on its own: in a
   2-D table the suppressed entries can form two "cycles" joined by a single entry (a
   bridge), which is then derivable by adding and subtracting whole lines even though
   every line holds two suppressions. So after the line rule settles, the suppressed
   entries are checked exactly by Gaussian elimination over the rationals: an entry is
   derivable iff its unit vector lies in the row space of the line equations restricted
   to the suppressed entries. A derivable entry gets one more suppression — the smallest
   non-zero published entry that makes it underivable — and both steps repeat.

Why "not linearly derivable" means "not pinned to a single value": in these tables every
suppressed entry is ≥ 1 (zeros are never suppressed, and a total is suppressed only when a
line through it is non-zero), and the line equations form a bipartite incidence system, so
every direction that leaves the published numbers unchanged can be taken along a cycle
of ±1 steps. Moving by one step in either direction keeps all entries ≥ 0, so each
suppressed entry has at least two feasible integer values. (If no non-zero candidate can
free an entry, a published zero is suppressed as a last resort; one direction along the
cycle then still moves the entry.)

Only 1-D and 2-D tables are supported; higher dimensions are rejected rather than
protected with a method whose guarantees were not checked. Which suppressions are primary
is deliberately not part of the result: publishing it would tell an attacker those cells
lie in ``[1, k - 1]``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Key = tuple[Hashable, ...]
# An entry of the augmented table: ("cell", key), ("row", r), ("col", c) or ("grand",).
Entry = tuple[Hashable, ...]
# A line: its entries with sign +1 (a cell) or -1 (the line's total); the signed sum is 0.
Line = tuple[tuple[Entry, int], ...]

GRAND: Entry = ("grand",)
DEFAULT_K = 10


@dataclass(frozen=True)
class ProtectedTable:
    """A table safe to publish: each number is its exact value or ``None`` (suppressed).

    ``row_totals`` and ``column_totals`` are keyed by the values of the first and second
    dimension; both are empty for a 1-D table, whose only margin is ``grand_total``.
    """

    dimensions: tuple[str, ...]
    k: int
    cells: dict[Key, int | None]
    row_totals: dict[Hashable, int | None]
    column_totals: dict[Hashable, int | None]
    grand_total: int | None

    @property
    def suppressed_cells(self) -> int:
        return sum(value is None for value in self.cells.values())

    @property
    def suppressed_totals(self) -> int:
        margins = [*self.row_totals.values(), *self.column_totals.values(), self.grand_total]
        return sum(value is None for value in margins)

    @property
    def suppressed(self) -> int:
        return self.suppressed_cells + self.suppressed_totals


def protect(
    counts: Mapping[Key, int], k: int = DEFAULT_K, dimensions: Sequence[str] | None = None
) -> ProtectedTable:
    """Protect a 1-D or 2-D count table keyed by tuples of dimension values.

    Combinations missing from ``counts`` are counts of 0 (and published as 0).
    ``dimensions`` names the key positions; it defaults to ``dim0``, ``dim1``.
    """
    ndim = _validate(counts, k, dimensions)
    values, lines, order = _augment(counts, ndim)
    suppressed = {entry for entry, value in values.items() if 0 < value < k}
    while _apply_line_rule(values, lines, order, suppressed) or _apply_exact_rule(
        values, lines, order, suppressed
    ):
        pass
    names = tuple(dimensions) if dimensions is not None else tuple(f"dim{i}" for i in range(ndim))
    return _publish(values, suppressed, names, k)


def _validate(counts: Mapping[Key, int], k: int, dimensions: Sequence[str] | None) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if not counts:
        raise ValueError("cannot protect an empty table")
    lengths = {len(key) if isinstance(key, tuple) else -1 for key in counts}
    if len(lengths) != 1 or next(iter(lengths)) not in (1, 2):
        raise ValueError("keys must all be tuples of length 1 or of length 2")
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count for {key!r} must be a non-negative integer, got {value!r}")
    ndim = next(iter(lengths))
    if dimensions is not None and len(dimensions) != ndim:
        raise ValueError(f"{len(dimensions)} dimension names for a {ndim}-D table")
    return ndim


def _augment(counts: Mapping[Key, int], ndim: int) -> tuple[dict[Entry, int], list[Line], dict]:
    """The cells plus their margins as entries, the lines tying them together, and a
    deterministic order of entries (cells before totals, then input order) for tie-breaks."""
    if ndim == 1:
        values: dict[Entry, int] = {("cell", key): count for key, count in counts.items()}
        lines = [(*((entry, 1) for entry in values), (GRAND, -1))]
        values[GRAND] = sum(counts.values())
        return values, lines, {entry: i for i, entry in enumerate(values)}
    rows = list(dict.fromkeys(key[0] for key in counts))
    cols = list(dict.fromkeys(key[1] for key in counts))
    cell = {(r, c): counts.get((r, c), 0) for r in rows for c in cols}
    values = {("cell", key): count for key, count in cell.items()}
    values.update({("row", r): sum(cell[r, c] for c in cols) for r in rows})
    values.update({("col", c): sum(cell[r, c] for r in rows) for c in cols})
    values[GRAND] = sum(cell.values())
    lines = [_line((("cell", (r, c)) for c in cols), ("row", r)) for r in rows]
    lines += [_line((("cell", (r, c)) for r in rows), ("col", c)) for c in cols]
    lines.append(_line((("row", r) for r in rows), GRAND))
    lines.append(_line((("col", c) for c in cols), GRAND))
    return values, lines, {entry: i for i, entry in enumerate(values)}


def _line(parts: Iterable[Entry], total: Entry) -> Line:
    return (*((entry, 1) for entry in parts), (total, -1))


def _cheapest_first(values: dict[Entry, int], order: dict, entries: Iterable[Entry]) -> list:
    """Candidates for a secondary suppression, the least informative loss first."""
    return sorted(entries, key=lambda entry: (values[entry] == 0, values[entry], order[entry]))


def _apply_line_rule(
    values: dict[Entry, int], lines: list[Line], order: dict, suppressed: set[Entry]
) -> bool:
    """Give every line holding exactly one suppression a second one; True if any added."""
    changed = False
    for line in lines:
        entries = [entry for entry, _ in line]
        if sum(entry in suppressed for entry in entries) != 1:
            continue
        published = [entry for entry in entries if entry not in suppressed]
        # A line's signed sum is 0, so with one non-zero suppressed entry some published
        # entry of the line is non-zero too: the zero fallback is never reached here.
        suppressed.add(_cheapest_first(values, order, published)[0])
        changed = True
    return changed


def _apply_exact_rule(
    values: dict[Entry, int], lines: list[Line], order: dict, suppressed: set[Entry]
) -> bool:
    """Free one linearly derivable suppressed entry, if any; True if a suppression was added."""
    pinned = derivable_entries(lines, suppressed)
    if not pinned:
        return False
    target = min(pinned, key=order.__getitem__)
    published = [entry for entry in values if entry not in suppressed]
    for candidate in _cheapest_first(values, order, published):
        if target not in derivable_entries(lines, suppressed | {candidate}):
            suppressed.add(candidate)
            return True
    # Suppressing everything always works (every entry of a complete table lies on a
    # cycle), so one candidate at a time can only fail if it needs several at once.
    suppressed.update(published)
    return True


def derivable_entries(lines: Sequence[Line], suppressed: set[Entry]) -> set[Entry]:
    """The suppressed entries whose value follows linearly from the published ones.

    Reduce the line equations, restricted to the suppressed entries, to reduced row echelon
    form; an entry is derivable iff some reduced row is exactly its unit vector.
    """
    columns = sorted(suppressed, key=repr)
    index = {entry: i for i, entry in enumerate(columns)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(columns)
        for entry, sign in line:
            if entry in index:
                row[index[entry]] = Fraction(sign)
        if any(row):
            matrix.append(row)
    return {columns[pivot] for pivot, row in _rref(matrix) if sum(x != 0 for x in row) == 1}


def _rref(matrix: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """Reduced row echelon form as (pivot column, row) pairs."""
    rows = [row[:] for row in matrix]
    width = len(rows[0]) if rows else 0
    pivots: list[tuple[int, list[Fraction]]] = []
    for col in range(width):
        source = next((row for row in rows if row[col] != 0), None)
        if source is None:
            continue
        rows.remove(source)
        source = [x / source[col] for x in source]
        for other in [*rows, *(row for _, row in pivots)]:
            factor = other[col]
            if factor:
                other[:] = [a - factor * b for a, b in zip(other, source, strict=True)]
        pivots.append((col, source))
    return pivots


def _publish(
    values: dict[Entry, int], suppressed: set[Entry], dimensions: tuple[str, ...], k: int
) -> ProtectedTable:
    def shown(entry: Entry) -> int | None:
        return None if entry in suppressed else values[entry]

    def by_kind(kind: str) -> dict:
        return {entry[1]: shown(entry) for entry in values if entry[0] == kind}

    return ProtectedTable(
        dimensions=dimensions,
        k=k,
        cells=by_kind("cell"),
        row_totals=by_kind("row"),
        column_totals=by_kind("col"),
        grand_total=shown(GRAND),
    )
