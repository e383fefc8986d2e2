"""The reporting sections of the report: projection throughput against the raw consume, and
statistics query latency over a million cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Cell = float | int | str | None
Getter = Callable[[dict[str, Any]], Any]
Row = Callable[[str, list[Cell], int], str]
Heading = Callable[[str, list[str]], str]

LIVE_ROWS: list[tuple[str, Getter, int]] = [
    ("events projected / expected", lambda r: f"{r['events_projected']}/{r['events_expected']}", 0),
    ("start-up until healthy (s)", lambda r: r["startup_seconds"], 1),
    ("events/s, process start → all projected", lambda r: r["events_per_s_from_start"], 1),
    ("events applied during start-up", lambda r: r["events_applied_during_startup"], 0),
    ("events/s, healthy → all projected", lambda r: r["events_per_s_after_startup"], 1),
    ("reporting CPU per event after start-up (ms)", lambda r: r["reporting_cpu_ms_per_event"], 2),
    ("regional records staged / unsent", lambda r: _staged(r), 0),
    ("regional feed drained after projection (s)", lambda r: _drained(r), 2),
]
REBUILD_ROWS: list[tuple[str, Getter, int]] = [
    ("events read / applied", lambda r: f"{r['read']}/{r['applied']}", 0),
    ("seconds", lambda r: r["seconds"], 2),
    ("events/s", lambda r: r["events_per_s"], 1),
    ("benchmark-process CPU per event (ms)", lambda r: r["benchmark_process_cpu_ms_per_event"], 3),
]


def _staged(run: dict[str, Any]) -> str:
    return f"{run['regional_records_staged']}/{run['regional_records_unsent']}"


def _drained(run: dict[str, Any]) -> float:
    return float(run["regional_feed_drained_after_projection_s"])


def _cells(runs: dict[str, Any], get: Getter) -> list[Cell]:
    cells: list[Cell] = []
    for run in runs.values():
        try:
            cells.append(get(run))
        except (KeyError, TypeError):
            cells.append(None)
    return cells


def reporting_lines(results: dict[str, Any], row: Row, heading: Heading) -> list[str]:
    section = results.get("reporting") or {}
    lines: list[str] = []
    stream = section.get("stream")
    if stream:
        lines += [
            "",
            f"Reporting projection: {stream['events']:,} events of {stream['cases']:,} simulated "
            f"children (seed {stream['seed']}), {stream['mean_value_bytes']:.0f} B each, on an "
            "embedded broker of its own",
        ]
        raw, decoded = section.get("raw_consume") or {}, section.get("decode_only") or {}
        lines += [
            heading("", ["events/s", "ms"]),
            row("raw AIOKafkaConsumer, no group, no decoding", _pair(raw), 1),
            row("decoding only (CloudEvent + payload)", _pair(decoded), 1),
        ]
    live = section.get("live") or {}
    if live:
        lines += ["", heading("Reporting live: `opi serve reporting` catches up", list(live))]
        lines += [row(label, _cells(live, get), digits) for label, get, digits in LIVE_ROWS]
    rebuilt = section.get("rebuild") or {}
    if rebuilt:
        lines += ["", heading("Reporting rebuild (`opi reporting rebuild`)", list(rebuilt))]
        lines += [row(label, _cells(rebuilt, get), digits) for label, get, digits in REBUILD_ROWS]
    queries = section.get("queries") or {}
    if queries:
        lines += ["", *_query_lines(queries, row, heading)]
    return lines


SHORT = {"sqlite": "SQLite", "postgresql": "PG"}


def _query_lines(queries: dict[str, Any], row: Row, heading: Heading) -> list[str]:
    first = next(iter(queries.values()))
    cases = first.get("rows", {}).get("case_facts")
    columns = [f"{SHORT.get(b, b)} {q}" for b in queries for q in ("p50", "p95")]
    lines = [
        f"Reporting statistics over {cases or 0:,} cases, ms: the statistics.* calls behind "
        "GET /stats, without HTTP (! = p50 above 2 s)",
        heading("", columns),
        row("bulk fill (s)", [c for r in queries.values() for c in (r["fill_seconds"], None)], 1),
    ]
    for name in first.get("queries", {}):
        cells: list[Cell] = []
        for run in queries.values():
            timing = run.get("queries", {}).get(name)
            if timing is None:
                cells += [None, None]
                continue
            p50 = f"{timing['p50_ms']:,.0f}" + ("!" if timing["slow"] else "")
            cells += [p50, timing["p95_ms"]]
        lines.append(row(name, cells, 0))
    return lines


def _pair(run: dict[str, Any]) -> list[Cell]:
    seconds = run.get("seconds")
    return [run.get("events_per_s"), None if seconds is None else seconds * 1000]
