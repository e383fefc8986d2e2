"""Count tables turned into what may be published: each passes ``disclosure.protect`` and
comes out as JSON, CSV or statistics-feed cells in which every number is exact or null."""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Sequence
from typing import Any

from services.reporting.disclosure import ProtectedTable, protect
from services.reporting.regional.queries import Counts
from shared.contracts.regional import StatisticsCell

EVENTS = "events"
CASES = "cases"
HANDOVERS = "handovers"


def measure_note(measure: str, k: int) -> str:
    what = {
        EVENTS: "anonymised case events of this type (a child can be counted twice)",
        CASES: "distinct cases (pseudonymous case keys) registered in the period",
        HANDOVERS: (
            "cross-border handovers from sender to destination (sent: by the day sent; "
            "received: by the day the destination acknowledged reception)"
        ),
    }[measure]
    return f"{measure}: {what}; null: suppressed by small-cell protection (k={k})"


def protected(counts: Counts, dimensions: Sequence[str], k: int) -> ProtectedTable:
    """The protected table; 2-D tables are completed with zeros in sorted row and column
    order so the output does not depend on which combinations happened to occur."""
    if not counts:
        empty: dict = {}
        return ProtectedTable(tuple(dimensions), k, empty, {}, {}, 0)
    if len(dimensions) == 2:
        rows = sorted({key[0] for key in counts})
        cols = sorted({key[1] for key in counts})
        counts = {(r, c): counts.get((r, c), 0) for r in rows for c in cols}
    return protect(counts, k, dimensions=tuple(dimensions))


def table_json(counts: Counts, dimensions: Sequence[str], k: int, measure: str) -> dict[str, Any]:
    table = protected(counts, dimensions, k)
    dims = list(dimensions)
    return {
        "dimensions": dims,
        "k": k,
        "cells": [
            {**dict(zip(dims, key, strict=True)), measure: v} for key, v in table.cells.items()
        ],
        "row_totals": [{dims[0]: r, measure: v} for r, v in table.row_totals.items()],
        "column_totals": [{dims[-1]: c, measure: v} for c, v in table.column_totals.items()],
        "grand_total": table.grand_total,
        "measure": measure_note(measure, k),
    }


def table_csv(document: dict[str, Any], measure: str) -> str:
    """A table as CSV: one line per cell, then the totals; a suppressed number is empty."""
    dims = document["dimensions"]
    out = io.StringIO()
    writer = csv.DictWriter(out, ["kind", *dims, measure], restval="", lineterminator="\n")
    writer.writeheader()
    for kind in ("cells", "row_totals", "column_totals"):
        for line in document[kind]:
            writer.writerow({"kind": kind.removesuffix("s"), **line})
    writer.writerow({"kind": "grand_total", measure: document["grand_total"]})
    return out.getvalue()


def indicator_json(name: str, counts: Counts, k: int) -> dict[str, Any]:
    table = protected(counts, ("country",), k)
    cells = [{"country": key[0], "value": value} for key, value in table.cells.items()]
    return {"name": name, "cells": cells, "total": table.grand_total}


def delays_json(delays: dict[str, list[int]], k: int) -> list[dict[str, Any]]:
    """Cases notified per country (protected) with the median and 90th percentile of the
    days it took, shown only where the number of cases itself is shown and at least k."""
    table = protected({(country,): len(days) for country, days in delays.items()}, ("country",), k)
    lines = []
    for (country,), cases in table.cells.items():
        shown = cases is not None and cases >= k
        median, p90 = _median_and_p90(delays[country]) if shown else (None, None)
        lines.append({"country": country, "cases": cases, "median_days": median, "p90_days": p90})
    return lines


def _median_and_p90(days: list[int]) -> tuple[float, float]:
    ordered = sorted(days)
    return float(statistics.median(ordered)), float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def reception_delays_json(delays: dict[tuple[str, str], list[int]], k: int) -> list[dict[str, Any]]:
    """Per pair of countries, the handovers sent and acknowledged (protected, as a sender x
    destination table) with the median and 90th percentile of the days to reception, shown
    only where that number is shown and at least k."""
    table = protected(
        {pair: len(days) for pair, days in delays.items()}, ("sender", "destination"), k
    )
    lines = []
    for (sender, destination), days in sorted(delays.items()):
        handovers = table.cells.get((sender, destination))
        shown = handovers is not None and handovers >= k
        median, p90 = _median_and_p90(days) if shown else (None, None)
        lines.append(
            {
                "sender": sender,
                "destination": destination,
                "handovers": handovers,
                "median_days": median,
                "p90_days": p90,
            }
        )
    return lines


def statistics_cells(table: ProtectedTable) -> dict[str, Any]:
    """The numbers of a protected table as ``StatisticsPublishedV1`` fields."""
    return {
        "cells": [StatisticsCell(key=list(key), value=v) for key, v in table.cells.items()],
        "row_totals": [StatisticsCell(key=[r], value=v) for r, v in table.row_totals.items()],
        "column_totals": [StatisticsCell(key=[c], value=v) for c, v in table.column_totals.items()],
        "grand_total": table.grand_total,
    }
