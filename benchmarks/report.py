"""The human table and the JSON file of one benchmark run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.notice_report import NOTICE_ROWS, notice_header, notice_ratios
from benchmarks.placement_report import PLACEMENT_ROWS, SHORT_ROWS, placement_ratios
from benchmarks.reporting_projection import projection_ratios
from benchmarks.reporting_report import reporting_lines
from benchmarks.stats import ratio

Cell = float | int | str | None
LABEL_WIDTH = 46
COLUMN_WIDTH = 13


def ratios(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Ratios between figures of this one run, per database backend."""
    raw = {
        item["mode"]: item["msgs_per_s"] for item in results.get("raw_produce", {}).get("modes", [])
    }
    table: dict[str, dict[str, float | None]] = {}
    placements, notices = results.get("placement", {}), results.get("notification", {})
    projected = results.get("reporting", {}).get("live", {})
    for backend in dict.fromkeys([*results["registration"], *placements, *notices, *projected]):
        run = results["registration"].get(backend, {})
        registrations = run.get("registrations_per_s")
        events = run.get("outbox", {}).get("events_per_s")
        table[backend] = {
            "registrations_per_s / raw_sequential_produce_per_s": ratio(
                registrations, raw.get("sequential")
            ),
            "registrations_per_s / raw_pipelined_produce_per_s": ratio(
                registrations, raw.get("pipelined")
            ),
            "outbox_events_per_s / raw_sequential_produce_per_s": ratio(
                events, raw.get("sequential")
            ),
            "outbox_events_per_s / raw_pipelined_produce_per_s": ratio(
                events, raw.get("pipelined")
            ),
            "outbox_events_per_s / registrations_per_s": ratio(events, registrations),
            **placement_ratios(placements.get(backend), raw, registrations),
            **notice_ratios(notices.get(backend), raw),
            **projection_ratios(results, backend),
        }
    return table


def _format(value: Cell, digits: int) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else value


def _row(label: str, cells: list[Cell], digits: int = 1) -> str:
    body = "".join(_format(cell, digits).rjust(COLUMN_WIDTH) for cell in cells)
    return f"  {label:<{LABEL_WIDTH}}{body}"


Getter = Callable[[dict[str, Any]], Cell]
HTTP_ROWS: list[tuple[str, Getter, int]] = [
    ("registrations/s", lambda r: r["registrations_per_s"], 1),
    ("latency p50 (ms)", lambda r: r["latency_ms"]["p50"], 2),
    ("latency p90 (ms)", lambda r: r["latency_ms"]["p90"], 2),
    ("latency p99 (ms)", lambda r: r["latency_ms"]["p99"], 2),
    ("latency max (ms)", lambda r: r["latency_ms"]["max"], 2),
    ("succeeded / failed", lambda r: f"{r['succeeded']}/{r['failed']}", 0),
    (
        "intake CPU per registration (ms)",
        lambda r: r["cpu_ms_per_registration"]["intake_process"],
        2,
    ),
    (
        "load generator CPU per registration (ms)",
        lambda r: r["cpu_ms_per_registration"]["benchmark_process"],
        2,
    ),
]
OUTBOX_ROWS: list[tuple[str, Getter, int]] = [
    (
        "events delivered / expected",
        lambda r: f"{r['outbox']['events_delivered']}/{r['outbox']['events_expected']}",
        0,
    ),
    ("duplicate deliveries", lambda r: r["outbox"]["duplicate_deliveries"], 0),
    ("events/s, first request → last consumed", lambda r: r["outbox"]["events_per_s"], 1),
    (
        "drain after last response (ms)",
        lambda r: r["outbox"]["drain_after_last_response_s"] * 1000,
        1,
    ),
    ("request sent → consumed p50 (ms)", lambda r: r["outbox"]["delivery_latency_ms"]["p50"], 2),
    ("request sent → consumed p99 (ms)", lambda r: r["outbox"]["delivery_latency_ms"]["p99"], 2),
]


def _cells(runs: dict[str, Any], get: Getter) -> list[Cell]:
    cells: list[Cell] = []
    for run in runs.values():
        try:
            cells.append(get(run))
        except (KeyError, TypeError):
            cells.append(None)
    return cells


def _heading(title: str, columns: list[str]) -> str:
    return title.ljust(LABEL_WIDTH + 2) + "".join(column.rjust(COLUMN_WIDTH) for column in columns)


def render(results: dict[str, Any]) -> str:
    meta, runs, options = results["meta"], results["registration"], results["meta"]["options"]
    backends = list(runs)
    lines = [
        f"OPI benchmark  {meta['started_at']}  commit {meta['git_commit'] or '?'}",
        f"  {options['requests']} requests per backend, {options['concurrency']} in flight, "
        f"{options['warmup']} warm-up; {meta['cpu_count']} CPUs; one embedded Tansu broker; "
        f"Idempotency-Key sent: {options['idempotency_keys']}",
        *_placement_header(options),
        *notice_header(options),
        "",
        _heading("POST /cases (HTTP to a uvicorn subprocess)", backends),
        *(_row(label, _cells(runs, get), digits) for label, get, digits in HTTP_ROWS),
        "",
        _heading("Outbox → plain aiokafka consumer", backends),
        *(_row(label, _cells(runs, get), digits) for label, get, digits in OUTBOX_ROWS),
    ]
    placements = results.get("placement", {})
    if placements:
        lines += [
            "",
            _heading("Referral: child-registered burst, all fit", list(placements)),
            *(_row(label, _cells(placements, get), n) for label, get, n in PLACEMENT_ROWS),
        ]
    if any(run.get("short_capacity_burst") for run in placements.values()):
        lines += [
            "",
            _heading("Referral: burst with room for about half", list(placements)),
            *(_row(label, _cells(placements, get), n) for label, get, n in SHORT_ROWS),
        ]
    notices = results.get("notification", {})
    if notices:
        lines += ["", _heading("Notification: webhook notices of a burst", list(notices))]
        lines += [_row(label, _cells(notices, get), n) for label, get, n in NOTICE_ROWS]
    lines += reporting_lines(results, _row, _heading)
    raw = results.get("raw_produce", {})
    if raw.get("modes"):
        lines += [
            "",
            f"Raw AIOKafkaProducer, acks=all: {raw['messages']} msgs of {raw['value_bytes']} B "
            f"+ {raw['header_count']} headers ({raw['header_bytes']} B) per mode"
            f"{' [synthetic message]' if raw['synthetic'] else ''}",
            _heading("", ["msgs/s", "p50 (ms)", "p99 (ms)"]),
        ]
        for mode in raw["modes"]:
            latency = mode["latency_ms"]
            label = RAW_LABELS.get(mode["mode"], mode["mode"])
            lines.append(_row(label, [mode["msgs_per_s"], latency["p50"], latency["p99"]], 2))
    table = results["ratios"]
    lines += ["", _heading("Ratios (within this run)", list(table))]
    for name in next(iter(table.values()), {}):
        label = name.replace("_per_s", "/s").replace("_", " ").replace(" / ", " ÷ ")
        lines.append(_row(label, [table[backend][name] for backend in table], 3))
    for section, error in results.get("errors", {}).items():
        lines += ["", f"ERROR in {section}: {error}"]
    return "\n".join(lines)


def _placement_header(options: dict[str, Any]) -> list[str]:
    if options.get("skip_placements", True):
        return []
    return [
        f"  referral: {options['placements']} child-registered events per backend produced at "
        f"once to Kafka (+{options['short_placements']} with room for about half), "
        f"{max(1, options['warmup'])} warm-up"
    ]


RAW_LABELS = {
    "sequential": "sequential send_and_wait",
    "pipelined": "pipelined: N x send(), then await the acks",
}


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(results, indent=2, default=str) + "\n")
    partial.replace(path)
