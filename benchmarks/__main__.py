"""``python -m benchmarks`` (``make bench``): intake registrations over HTTP on SQLite and
PostgreSQL, the outbox's end-to-end delivery, referral's placements under a burst of
child-registered events, notification's signed webhook notices under a burst of registrations
and screenings, and a raw aiokafka produce baseline, all in one run on one embedded broker;
then national reporting's projection (live and rebuild) against a raw aiokafka consume of the
same topics, on an embedded broker of its own, and its statistics queries over a million
cases. It reports; it never asserts performance.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import produce
from benchmarks.cli import parse_args
from benchmarks.delivery import Headers
from benchmarks.infra import REPO_ROOT
from benchmarks.notices import notice_runs
from benchmarks.placements import placement_runs
from benchmarks.report import ratios, render, write_json
from benchmarks.reporting_projection import projection_runs
from benchmarks.reporting_queries import query_runs
from benchmarks.runs import RunOptions, registration_run
from shared.platform.embedded_broker import EmbeddedBroker

RAW_TOPIC = "bench-raw-produce"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def _meta(args: argparse.Namespace) -> dict[str, Any]:
    options = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in vars(args).items()
        if key != "postgres_admin_dsn"
    }
    return {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": _git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "options": options,
        "notes": "intake, referral, notification and reporting run as `python -m opi serve "
        "<service>` in processes of their own; the load generator, the consumers, the producers, "
        "the webhook receiver, the reporting rebuild and the statistics queries share this "
        "process",
    }


async def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "meta": _meta(args),
        "registration": {},
        "placement": {},
        "notification": {},
        "errors": {},
    }
    options = RunOptions(
        requests=args.requests,
        warmup=args.warmup,
        concurrency=args.concurrency,
        idempotency_keys=args.idempotency_keys,
        delivery_timeout=args.delivery_timeout,
        fetch_max_wait_ms=args.fetch_max_wait_ms,
        postgres_admin_dsn=args.postgres_admin_dsn,
        seed=args.seed,
    )
    sample: tuple[bytes, Headers] | None = None
    with tempfile.TemporaryDirectory(prefix="opi-bench-") as tmp:
        workdir = Path(tmp)
        with EmbeddedBroker(log_file=workdir / "broker.log") as broker:
            for backend in args.backends:
                print(f"… {backend}: {args.warmup} warm-up + {args.requests} requests", flush=True)
                try:
                    outcome = await registration_run(
                        backend, options, broker.bootstrap_servers, workdir
                    )
                except Exception as error:  # report it, go on with the other measurements
                    results["errors"][backend] = f"{type(error).__name__}: {error}"
                    continue
                results["registration"][backend] = outcome.summary
                sample = sample or outcome.sample
            if not args.skip_placements:
                await placement_runs(args, broker.bootstrap_servers, workdir, results)
            if not args.skip_notices:
                await notice_runs(args, broker.bootstrap_servers, workdir, results)
            print(f"… raw produce: 2 x {args.produce_messages} messages", flush=True)
            try:
                results["raw_produce"] = await produce.measure(
                    broker.bootstrap_servers, RAW_TOPIC, sample, count=args.produce_messages
                )
            except Exception as error:
                results["errors"]["raw_produce"] = f"{type(error).__name__}: {error}"
        # reporting reads every national topic: a broker of its own holds only its stream
        if not args.skip_reporting:
            await projection_runs(args, workdir, results)
        if not args.skip_reporting_queries:
            await query_runs(args, workdir, results)
    results["ratios"] = ratios(results)
    return results


async def main(args: argparse.Namespace) -> dict[str, Any]:
    # SIGTERM cancels the run like Ctrl-C does, so every clean-up step still runs
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await benchmark(args)


if __name__ == "__main__":
    arguments = parse_args(__doc__ or "")
    try:
        outcome = asyncio.run(main(arguments))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\nbenchmark interrupted; what it started has been stopped", file=sys.stderr)
        sys.exit(130)
    print()
    print(render(outcome))
    write_json(outcome, arguments.output)
    print(f"\nresults written to {arguments.output}")
    sys.exit(1 if outcome["errors"] else 0)
