"""The notification section of the report: its table rows and its ratios to the baseline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.stats import ratio

Getter = Callable[[dict[str, Any]], Any]


def _split(burst: dict[str, Any]) -> str:
    return f"{burst['authority_received']}/{burst['consular_received']}/{burst['missing']}"


NOTICE_ROWS: list[tuple[str, Getter, int]] = [
    ("children / notices expected", lambda r: _expected(r["burst"]), 0),
    ("authority / consular / missing", lambda r: _split(r["burst"]), 0),
    ("notices/s, first produced → last received", lambda r: r["burst"]["notices_per_s"], 1),
    ("produce → received p50 (ms)", lambda r: r["burst"]["latency_ms"]["p50"], 1),
    ("produce → received p99 (ms)", lambda r: r["burst"]["latency_ms"]["p99"], 1),
    ("produce → consulate p99 (ms)", lambda r: r["burst"]["consular_latency_ms"]["p99"], 1),
    ("producing the burst, until acked (ms)", lambda r: r["burst"]["produce_seconds"] * 1000, 1),
    ("signature failures (must be 0)", lambda r: r["signature_failures"], 0),
    ("repeated deliveries", lambda r: r["repeated_deliveries"], 0),
    (
        "notification CPU per notice (ms)",
        lambda r: float(r["burst"]["notification_cpu_ms_per_notice"]),
        2,
    ),
]


def _expected(burst: dict[str, Any]) -> str:
    return f"{burst['children']:,}/{burst['notices_expected']:,}"


def notice_ratios(run: dict[str, Any] | None, raw: dict[str, float]) -> dict[str, float | None]:
    """Notices per second of one backend against the raw produce baseline."""
    notices = ((run or {}).get("burst") or {}).get("notices_per_s")
    return {
        "notices_per_s / raw_sequential_produce_per_s": ratio(notices, raw.get("sequential")),
        "notices_per_s / raw_pipelined_produce_per_s": ratio(notices, raw.get("pipelined")),
    }


def notice_header(options: dict[str, Any]) -> list[str]:
    if options.get("skip_notices", True):
        return []
    return [
        f"  notification: {options['notices']} clean GT children per backend (registered + "
        f"screened, 2 events each) produced at once to Kafka; 2 signed webhook notices each "
        f"to an in-process receiver"
    ]
