"""The placement section of the report: its table rows and its ratios to the baseline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.stats import ratio

Getter = Callable[[dict[str, Any]], Any]


def _split(burst: dict[str, Any]) -> str:
    return f"{burst['shelter_assigned']}/{burst['placement_pending']}/{burst['missing']}"


def _cpu(burst: dict[str, Any]) -> float:
    return float(burst["referral_cpu_ms_per_event"])


PLACEMENT_ROWS: list[tuple[str, Getter, int]] = [
    ("shelters / places", lambda r: f"{r['shelters']}/{r['capacity']:,}", 0),
    ("events produced", lambda r: r["burst"]["events"], 0),
    ("shelter-assigned / pending / missing", lambda r: _split(r["burst"]), 0),
    ("placements/s, first produced → last assigned", lambda r: r["burst"]["placements_per_s"], 1),
    ("produce → assigned p50 (ms)", lambda r: r["burst"]["assigned_latency_ms"]["p50"], 1),
    ("produce → assigned p99 (ms)", lambda r: r["burst"]["assigned_latency_ms"]["p99"], 1),
    ("producing the burst, until acked (ms)", lambda r: r["burst"]["produce_seconds"] * 1000, 1),
    ("duplicate shelter-assigned", lambda r: r["burst"]["duplicate_assignments"], 0),
    ("referral CPU per placement (ms)", lambda r: _cpu(r["burst"]), 2),
]
SHORT_ROWS: list[tuple[str, Getter, int]] = [
    ("events produced", lambda r: _short(r)["events"], 0),
    ("shelter-assigned / pending / missing", lambda r: _split(_short(r)), 0),
    ("outcomes/s, first produced → last outcome", lambda r: _short(r)["outcomes_per_s"], 1),
    ("placements/s, first produced → last assigned", lambda r: _short(r)["placements_per_s"], 1),
    ("produce → assigned p99 (ms)", lambda r: _short(r)["assigned_latency_ms"]["p99"], 1),
    ("produce → pending p99 (ms)", lambda r: _short(r)["pending_latency_ms"]["p99"], 1),
]


def _short(run: dict[str, Any]) -> dict[str, Any]:
    return dict(run["short_capacity_burst"])


def placement_ratios(
    run: dict[str, Any] | None, raw: dict[str, float], registrations: float | None
) -> dict[str, float | None]:
    """Placements per second of one backend against the baseline and against intake."""
    placements = ((run or {}).get("burst") or {}).get("placements_per_s")
    return {
        "placements_per_s / raw_sequential_produce_per_s": ratio(placements, raw.get("sequential")),
        "placements_per_s / raw_pipelined_produce_per_s": ratio(placements, raw.get("pipelined")),
        "placements_per_s / registrations_per_s": ratio(placements, registrations),
    }
