"""The command line of ``python -m benchmarks``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from benchmarks.infra import REPO_ROOT

BACKENDS = ("sqlite", "postgresql")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=description)
    parser.add_argument(
        "--requests", type=int, default=1000, help="measured POST /cases per backend"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument(
        "--warmup",
        type=int,
        default=100,
        help="unmeasured requests (and placements, at least 1) before each measured run",
    )
    parser.add_argument(
        "--produce-messages",
        type=int,
        default=None,
        help="raw produce messages per mode (default: --requests)",
    )
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument(
        "--postgres-admin-dsn", default=os.environ.get("OPI_BENCH_POSTGRES_DSN", DEFAULT_POSTGRES)
    )
    parser.add_argument(
        "--no-idempotency-key",
        dest="idempotency_keys",
        action="store_false",
        help="do not send an Idempotency-Key header with each request",
    )
    parser.add_argument(
        "--delivery-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for the outbox to deliver a run's events (and for placements)",
    )
    parser.add_argument(
        "--fetch-max-wait-ms",
        type=int,
        default=10,
        help="fetch_max_wait_ms of the benchmark's consumers and of referral's (Tansu holds "
        "a fetch this long)",
    )
    parser.add_argument(
        "--placements",
        type=int,
        default=1000,
        help="child-registered events per backend in the placement burst (room for all)",
    )
    parser.add_argument(
        "--short-placements",
        type=int,
        default=None,
        help="a second burst with room for about half of it (default: --placements / 5; 0 skips)",
    )
    parser.add_argument(
        "--skip-placements", action="store_true", help="do not run the referral placement burst"
    )
    parser.add_argument(
        "--notices",
        type=int,
        default=500,
        help="children per backend in the notification burst, each registered and screened "
        "clean: 2 webhook notices each (authority + consulate)",
    )
    parser.add_argument(
        "--skip-notices", action="store_true", help="do not run the notification burst"
    )
    parser.add_argument(
        "--reporting-cases",
        type=int,
        default=250,
        help="children of the synthetic stream the reporting projection is timed on (about "
        "7.5 events each)",
    )
    parser.add_argument(
        "--reporting-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the live reporting service to project the whole stream",
    )
    parser.add_argument(
        "--skip-reporting", action="store_true", help="do not time the reporting projection"
    )
    parser.add_argument(
        "--reporting-query-cases",
        type=int,
        default=1_000_000,
        help="cases in the reporting tables the statistics queries are timed on",
    )
    parser.add_argument(
        "--reporting-template-cases",
        type=int,
        default=500,
        help="simulated cases projected first, which the bulk fill copies",
    )
    parser.add_argument(
        "--reporting-query-runs", type=int, default=5, help="runs per statistics query"
    )
    parser.add_argument(
        "--reporting-query-budget",
        type=float,
        default=10.0,
        help="seconds per statistics query: fewer runs (at least 2) when they take longer",
    )
    parser.add_argument(
        "--skip-reporting-queries",
        action="store_true",
        help="do not time the statistics queries over --reporting-query-cases cases",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / ".bench" / "results.json")
    args = parser.parse_args(argv)
    for name in (
        "requests",
        "concurrency",
        "placements",
        "notices",
        "reporting_cases",
        "reporting_template_cases",
        "reporting_query_runs",
    ):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup cannot be negative")
    if args.reporting_query_cases < args.reporting_template_cases:
        parser.error("--reporting-query-cases must be at least --reporting-template-cases")
    if args.short_placements is None:
        args.short_placements = args.placements // 5
    if args.short_placements < 0:
        parser.error("--short-placements cannot be negative")
    args.produce_messages = args.produce_messages or args.requests
    return args
